import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// Triage in the cache: priorities and reasons stored by an import, rules carried out, the SLA
/// clock, and the queue's order.
final class TriageStoreTests: XCTestCase {
    let folder = TemporaryFolder()

    func ingest(_ lines: [String], into database: AppDatabase, config: Config, at now: String = "2026-11-23T09:10:00Z",
                name: String = "in.jsonl") throws {
        let ingester = Ingester(database: database, config: config, clock: FixedClock(now))
        _ = try ingester.ingest(path: folder.write(name, lines.joined(separator: "\n") + "\n"))
    }

    func conversation(_ database: AppDatabase, of sourceID: String) throws -> Row {
        try database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT c.*, r.reasons FROM conversation c JOIN mention m ON m.conversation_id = c.id
                LEFT JOIN conversation_reasons r ON r.conversation_id = c.id WHERE m.source_id = ?
                """, arguments: [sourceID])!
        }
    }

    func testAnImportStoresPriorityReasonsAndDueTime() throws {
        let database = try AppDatabase.inMemory()
        var config = Config()
        config.accounts = ["x": ["NorthwindHelp"]]
        config.sla.minutes = [.high: 15, .normal: 60, .low: 240]
        try ingest([
            MentionLines.line(id: "angry", text: "@NorthwindHelp I was charged twice and nobody answers. Terrible!", at: "2026-11-23T09:00:00Z",
                              author: "u1", followers: 18_400),
            MentionLines.line(id: "calm", text: "what time does the York branch open on saturday?", at: "2026-11-23T09:05:00Z", author: "u2"),
        ], into: database, config: config)
        let angry = try conversation(database, of: "angry")
        let calm = try conversation(database, of: "calm")
        XCTAssertGreaterThan(angry["priority"] as Int, calm["priority"] as Int)
        let reasons = ReasonsJSON.decode(angry["reasons"]).map(\.text)
        XCTAssertTrue(reasons.contains("keyword: charged twice"), "\(reasons)")
        XCTAssertTrue(reasons.contains("18k followers"), "\(reasons)")
        XCTAssertTrue(reasons.contains("addressed to us"), "\(reasons)")
        XCTAssertEqual(angry["kind"] as String, "complaint")
        XCTAssertLessThan(angry["sentiment"] as Double, -0.3)
        let urgency = Urgency(rawValue: angry["urgency"])!
        XCTAssertEqual(angry["due_at"] as Int64, RFC3339.milliseconds(from: "2026-11-23T09:00:00Z")! + Int64(config.sla.minutes[urgency]!) * 60_000)
        XCTAssertEqual(angry["waiting_since"] as Int64, RFC3339.milliseconds(from: "2026-11-23T09:00:00Z")!)
        let stored = try database.read { db in try String.fetchAll(db, sql: "SELECT kind FROM mention ORDER BY source_id") }
        XCTAssertEqual(stored, ["complaint", "question"])

        // The queue: priority first.
        let queue = try database.read { db in try Queue.open(db, limit: 10) }
        XCTAssertEqual(queue.map(\.text).first, "@NorthwindHelp I was charged twice and nobody answers. Terrible!")
        XCTAssertFalse(queue[0].topReasons(3).isEmpty)
    }

    func testOurReplyTakesItOutOfTheQueueAndTheCustomerBringsItBackWithANewClock() throws {
        let database = try AppDatabase.inMemory()
        var config = Config()
        config.accounts = ["x": ["NorthwindHelp"]]
        try ingest([MentionLines.line(id: "1", text: "my card is blocked", at: "2026-11-23T09:00:00Z", author: "u1")], into: database, config: config, name: "a")
        try ingest([MentionLines.line(id: "2", text: "sorry, DM us", at: "2026-11-23T09:05:00Z", author: "nw", handle: "NorthwindHelp", inReplyTo: "1")],
                   into: database, config: config, name: "b")
        var row = try conversation(database, of: "1")
        XCTAssertEqual(row["status"] as String, "waiting")
        XCTAssertNil(row["due_at"] as Int64?, "no SLA runs while we wait on the customer")
        XCTAssertTrue(try database.read { db in try Queue.open(db, limit: 10) }.isEmpty)
        try ingest([MentionLines.line(id: "3", text: "still blocked!!", at: "2026-11-23T10:00:00Z", author: "u1", inReplyTo: "2")],
                   into: database, config: config, at: "2026-11-23T10:01:00Z", name: "c")
        row = try conversation(database, of: "1")
        XCTAssertEqual(row["status"] as String, "open")
        XCTAssertEqual(row["waiting_since"] as Int64, RFC3339.milliseconds(from: "2026-11-23T10:00:00Z")!, "the clock starts at the new message")
    }

    func testWaitingRaisesPriorityUntilTheBreachAndOnlyChangedRowsAreWritten() throws {
        let database = try AppDatabase.inMemory()
        var config = Config()
        config.sla.minutes = [.high: 10, .normal: 10, .low: 10]
        try ingest([MentionLines.line(id: "1", text: "how do I order a card?", at: "2026-11-23T09:00:00Z")], into: database, config: config,
                   at: "2026-11-23T09:00:00Z")
        let triager = Triager(config: config)
        let start = try conversation(database, of: "1")["priority"] as Int
        func refresh(_ at: String) throws -> (changed: Int, priority: Int, breached: Bool) {
            let changed = try database.write { db in try triager.refreshWaiting(in: db, now: RFC3339.milliseconds(from: at)!) }
            let row = try conversation(database, of: "1")
            return (changed, row["priority"], row["breached"])
        }
        let cache = { try database.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } }
        let cacheBefore = try cache()
        let half = try refresh("2026-11-23T09:05:00Z")
        XCTAssertEqual(half.changed, 1)
        XCTAssertEqual(try cache(), cacheBefore, "the larger page cache is for the re-scoring's writes only")
        XCTAssertFalse(half.breached)
        XCTAssertEqual(half.priority, start + Int((config.triage.weights.waiting / 2).rounded()), "half the SLA used")
        XCTAssertEqual(try refresh("2026-11-23T09:05:00Z").changed, 0, "nothing changed, nothing written")
        let late = try refresh("2026-11-23T09:11:00Z")
        XCTAssertTrue(late.breached)
        XCTAssertEqual(late.priority, start + Int(config.triage.weights.waiting + config.triage.weights.breached))
        let id: Int64 = try conversation(database, of: "1")["id"]
        let explanation = try database.read { db in
            try triager.explain(id, in: db, now: RFC3339.milliseconds(from: "2026-11-23T09:11:00Z")!)
        }!
        XCTAssertEqual(explanation.priority, late.priority)
        XCTAssertTrue(explanation.reasons.contains { $0.text == "SLA breached 1m ago" }, "\(explanation.reasons.map(\.text))")
        XCTAssertEqual(Int(explanation.reasons.reduce(0) { $0 + $1.points }.rounded()), explanation.priority, "the reasons add up to the priority")
    }

    func testTheExampleConfigsRulesTagAssignEscalateAndSendToSpamWithEvents() throws {
        let database = try AppDatabase.inMemory()
        let config = try ExampleConfig.load()
        try ingest([
            MentionLines.line(id: "r", text: "I was double charged for my shopping, I want a refund", author: "u1"),
            MentionLines.line(id: "f", text: "there is a fraud payment on my account", author: "u2"),
            MentionLines.line(id: "s", text: "crypto giveaway!! DM me for guaranteed returns", author: "u3"),
            MentionLines.line(id: "i", text: "It would be great if the app had a dark mode", author: "u4"),
            MentionLines.line(id: "q", text: "what time do you open?", author: "u5"),
        ], into: database, config: config)
        func tags(_ id: String) throws -> [String] {
            try database.read { db in
                try String.fetchAll(db, sql: """
                    SELECT t.name FROM conversation_tag x JOIN tag t ON t.id = x.tag_id JOIN mention m ON m.conversation_id = x.conversation_id
                    WHERE m.source_id = ? ORDER BY t.name
                    """, arguments: [id])
            }
        }
        XCTAssertEqual(try tags("r"), ["billing"])
        XCTAssertEqual(try conversation(database, of: "r")["team"] as String?, "billing")
        XCTAssertEqual(try tags("f"), ["fraud"])
        XCTAssertGreaterThanOrEqual(try conversation(database, of: "f")["priority"] as Int, 80, "the fraud rule's floor")
        XCTAssertEqual(try conversation(database, of: "f")["sla_minutes"] as Int, 10)
        XCTAssertEqual(try conversation(database, of: "s")["status"] as String, "spam")
        XCTAssertEqual(try tags("i"), ["idea"])
        XCTAssertEqual(try conversation(database, of: "i")["team"] as String?, "product")
        XCTAssertEqual(try tags("q"), [])
        let escalations = try database.read { db in try Row.fetchAll(db, sql: "SELECT team, opened_by, state FROM escalation") }
        XCTAssertEqual(escalations.map { "\($0["team"] as String) \($0["opened_by"] as String) \($0["state"] as String)" }, ["billing rule:fraud open"])
        let events = try database.read { db in
            try String.fetchAll(db, sql: "SELECT operator || ' ' || kind || ' ' || coalesce(subject, '') FROM event WHERE operator LIKE 'rule:%' ORDER BY id")
        }
        XCTAssertEqual(Set(events), ["rule:refunds tag +billing", "rule:refunds assign billing", "rule:fraud tag +fraud", "rule:fraud escalate billing",
                                     "rule:crypto-spam spam rule crypto-spam", "rule:ideas tag +idea", "rule:ideas assign product"])
        let reasons = ReasonsJSON.decode(try conversation(database, of: "r")["reasons"]).map(\.text)
        XCTAssertTrue(reasons.contains("rule: refunds"), "\(reasons)")

        // Importing the same again adds no second tag, escalation or event.
        let before = events.count
        try ingest([MentionLines.line(id: "f", text: "there is a fraud payment on my account", author: "u2")], into: database, config: config, name: "again")
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE operator LIKE 'rule:%'") }, before)
    }

    func testAVIPOrAnAnsweredConversationIsNeverSentToSpamByARule() throws {
        let database = try AppDatabase.inMemory()
        var config = try ExampleConfig.load()
        config.accounts["x"] = ["NorthwindHelp"]
        try ingest([MentionLines.line(id: "v0", text: "hello", author: "vip1")], into: database, config: config, name: "a")
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO tag (name) VALUES ('vip');
                INSERT INTO contact_tag (contact_id, tag_id, added_at) SELECT h.contact_id, t.id, 0 FROM contact_handle h, tag t WHERE h.source_id = 'vip1';
                """)
        }
        try ingest([
            MentionLines.line(id: "v1", text: "crypto giveaway, DM me for guaranteed returns", author: "vip1"),
            MentionLines.line(id: "a1", text: "my card is blocked", author: "u2"),
            MentionLines.line(id: "a2", text: "DM us please", at: "2026-11-23T09:01:00Z", author: "nw", handle: "NorthwindHelp", inReplyTo: "a1"),
            MentionLines.line(id: "a3", text: "crypto giveaway, DM me for guaranteed returns", at: "2026-11-23T09:02:00Z", author: "u2", inReplyTo: "a2"),
        ], into: database, config: config, name: "b")
        XCTAssertEqual(try conversation(database, of: "v1")["status"] as String, "open")
        XCTAssertEqual(try conversation(database, of: "a3")["status"] as String, "open")
        let vipReasons = ReasonsJSON.decode(try conversation(database, of: "v1")["reasons"]).map(\.text)
        XCTAssertTrue(vipReasons.contains("VIP"), "\(vipReasons)")
    }

    func testTaggingAContactVIPRaisesItsOpenConversationsAtOnce() throws {
        let database = try AppDatabase.inMemory()
        let config = Config()
        try ingest([MentionLines.line(id: "1", text: "how do I order a card?", author: "dana"),
                    MentionLines.line(id: "2", text: "and a second card for my partner?", at: "2026-11-23T09:05:00Z", author: "dana")],
                   into: database, config: config)
        let before = try conversation(database, of: "1")["static_points"] as Double
        let now = RFC3339.milliseconds(from: "2026-11-23T09:10:00Z")!
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO tag (name) VALUES ('vip');
                INSERT INTO contact_tag (contact_id, tag_id, added_at) SELECT h.contact_id, t.id, 0 FROM contact_handle h, tag t WHERE h.source_id = 'dana';
                """)
            let contact = try Int64.fetchOne(db, sql: "SELECT contact_id FROM contact_handle WHERE source_id = 'dana'")!
            try Triager(config: config).contactTagsChanged(contact, in: db, now: now)
        }
        for source in ["1", "2"] {
            let row = try conversation(database, of: source)
            XCTAssertGreaterThan(row["priority"] as Int, row["previous_priority"] as Int, source)
            XCTAssertTrue(ReasonsJSON.decode(row["reasons"]).map(\.text).contains("VIP"), source)
        }
        XCTAssertEqual(try conversation(database, of: "1")["static_points"] as Double, before + config.triage.weights.vip, accuracy: 0.001)
    }

    func testTheRealCustomerSupportDataSetIsTriaged() throws {
        let database = try AppDatabase.inMemory()
        let config = try ExampleConfig.load()
        let ingester = Ingester(database: database, config: config, clock: FixedClock("2017-11-01T00:00:00Z"))
        _ = try ingester.ingest(path: Paths.sharedFixtures + "/x/twcs_sample.csv")
        let kinds = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT source_id, kind FROM mention WHERE ours = 0").reduce(into: [String: String]()) { $0[$1["source_id"]] = $1["kind"] }
        }
        XCTAssertEqual(kinds["8"], "complaint", "@sprintcare is the worst customer service")
        XCTAssertEqual(kinds["35"], "praise", "I finally got someone that helped me, thanks!")
        XCTAssertEqual(kinds["61"], "question", "All of VERIZON IS DOWN … When can we expect a fix ?")
        XCTAssertEqual(kinds["156"], "complaint", "So frustrated … charged my credit card twice")
        // The companies' replies are ours: the conversations they answered last wait on the customer.
        let open = try database.read { db in try Queue.open(db, limit: 100) }
        XCTAssertFalse(open.isEmpty)
        XCTAssertEqual(open.map(\.priority), open.map(\.priority).sorted(by: >), "priority order")
        XCTAssertTrue(open.allSatisfy { $0.status == .open })
        let resolvedOrWaiting = try database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation WHERE status <> 'open' AND id IN (\(open.map { String($0.conversationID) }.joined(separator: ",")))")
        }
        XCTAssertEqual(resolvedOrWaiting, 0)
    }

    func testAResolvedConversationIsNeverInTheQueue() throws {
        let database = try AppDatabase.inMemory()
        var rng = SeededRandom(seed: 3)
        let texts = ["refund please", "app down", "thanks!", "how do I pay?", "fraud on my card", "love it"]
        try ingest((0..<60).map { i in
            MentionLines.line(id: "m\(i)", text: texts[rng.int(0...(texts.count - 1))], at: "2026-11-23T0\(rng.int(0...8)):00:00Z", author: "u\(i % 17)")
        }, into: database, config: try ExampleConfig.load())
        try database.write { db in try db.execute(sql: "UPDATE conversation SET status = 'resolved' WHERE id % 3 = 0") }
        let triager = Triager(config: try ExampleConfig.load())
        let queue = try database.write { db -> [QueueRow] in
            _ = try triager.refreshWaiting(in: db, now: RFC3339.milliseconds(from: "2026-11-24T00:00:00Z")!)
            return try Queue.open(db, limit: 1_000)
        }
        XCTAssertFalse(queue.isEmpty)
        XCTAssertTrue(queue.allSatisfy { $0.conversationID % 3 != 0 })
        let own = try database.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, static_points FROM conversation").map { ($0["id"] as Int64, $0["static_points"] as Double) })
        }
        for (a, b) in zip(queue, queue.dropFirst()) {
            let (pa, pb) = (own[a.conversationID]!, own[b.conversationID]!)
            XCTAssertTrue(a.priority > b.priority || (a.priority == b.priority && (pa > pb || (pa == pb && (a.dueAt ?? 0) <= (b.dueAt ?? 0)))),
                          "queue order: priority, its own points, due time")
        }
    }

    func testACopyPasteCampaignGoesToSpamButNotAVIPsCopyNorOrdinaryMessages() throws {
        let database = try AppDatabase.inMemory()
        let config = Config()
        // The campaign's first copies arrive in an earlier import than the rest.
        let copy = { (n: Int) in "@NorthwindBank \(n == 0 ? "WIN" : "win") a free holiday, just follow and retweet!! bit.ly/x\(n)" }
        try ingest((0..<2).map { MentionLines.line(id: "c\($0)", text: copy($0), author: "bot\($0)1234", followers: 0) }
                   + [MentionLines.line(id: "v0", text: "hello there", author: "vip")], into: database, config: config, name: "a")
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO tag (name) VALUES ('VIP');
                INSERT INTO contact_tag (contact_id, tag_id, added_at) SELECT h.contact_id, t.id, 0 FROM contact_handle h, tag t WHERE h.source_id = 'vip';
                """)
        }
        XCTAssertEqual(try conversation(database, of: "c0")["status"] as String, "open", "two copies are not a campaign")
        try ingest((2..<6).map { MentionLines.line(id: "c\($0)", text: copy($0), author: "bot\($0)1234", followers: 0) }
                   + [MentionLines.line(id: "v", text: copy(9), author: "vip"),
                      MentionLines.line(id: "q", text: "how do I win back my lost card points?", author: "u9")],
                   into: database, config: config, name: "b")
        for n in 0..<6 {
            XCTAssertEqual(try conversation(database, of: "c\(n)")["status"] as String, "spam", "copy \(n)")
            XCTAssertGreaterThanOrEqual(try conversation(database, of: "c\(n)")["spam_score"] as Double, 0.7)
        }
        XCTAssertEqual(try conversation(database, of: "v")["status"] as String, "open", "a VIP is never sent to spam automatically")
        XCTAssertEqual(try conversation(database, of: "q")["status"] as String, "open")
        let reasons = ReasonsJSON.decode(try conversation(database, of: "c5")["reasons"]).map(\.text)
        XCTAssertTrue(reasons.contains { $0.hasPrefix("spam 0.9: ") && $0.contains("same text from") && $0.contains("numbered handle") }, "\(reasons)")
        let events = try database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE operator = 'heed:triage' AND kind = 'spam'")
        }
        XCTAssertEqual(events, 6)
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") }, 9, "nothing is deleted")
        let plan = try database.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Triager.campaignCopiesSQL, arguments: [1, 0, 1]).map { $0["detail"] as String }
        }.joined(separator: " ")
        XCTAssertTrue(plan.contains("INDEX conversation_open_by_author (latest_customer_handle_id=? AND latest_customer_mention_id=?)"),
                      "a copy's open conversation is found in one seek, not among every open one of its author: \(plan)")
    }

    func testFingerprintsIgnoreHandlesLinksNumbersAndCaseButNotWords() {
        let promo = TextFingerprint.of("@bank WIN a FREE iPhone 17 this week!! bit.ly/x1 #win")
        XCTAssertNotNil(promo)
        XCTAssertEqual(promo, TextFingerprint.of("@shop win a free iphone this week bit.ly/y2"))
        XCTAssertNotEqual(TextFingerprint.of("win a free iphone this week"), TextFingerprint.of("win a free ipad this week"))
        XCTAssertNil(TextFingerprint.of("thanks so much!"), "too short to call a copy")
    }
}
