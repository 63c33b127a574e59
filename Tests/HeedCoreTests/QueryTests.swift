import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// The search language: what each query means, where a bad one goes wrong, and what it finds.
final class QueryTests: XCTestCase {
    typealias C = Query.Condition

    func term(_ condition: C, negated: Bool = false, at position: Int) -> Query.Term {
        Query.Term(condition: condition, negated: negated, position: position)
    }

    func testQueriesParse() throws {
        let cases: [(String, [[Query.Term]])] = [
            ("refund", [[term(.text("refund"), at: 0)]]),
            ("\"charged twice\" -tag:spam", [[term(.text("charged twice"), at: 0)], [term(.tag("spam"), negated: true, at: 17)]]),
            ("refund OR chargeback tag:Billing", [[term(.text("refund"), at: 0), term(.text("chargeback"), at: 10)], [term(.tag("billing"), at: 21)]]),
            ("from:@dana_k from:\"Dana K\"", [[term(.from("dana_k"), at: 0)], [term(.from("Dana K"), at: 13)]]),
            ("priority:>80 priority:<=20 priority:50", [[term(.priority(.greater, 80), at: 0)], [term(.priority(.lessOrEqual, 20), at: 13)],
                                                       [term(.priority(.equal, 50), at: 27)]]),
            ("age:<2h due:<-5m", [[term(.age(.less, 7_200_000), at: 0)], [term(.due(.less, -300_000), at: 8)]]),
            ("is:breached is:resolved is:mine", [[term(.breached, at: 0)], [term(.status(.resolved), at: 12)], [term(.mine, at: 24)]]),
            ("kind:question sentiment:<0 followers:>=10000", [[term(.kind(.question), at: 0)], [term(.sentiment(.less, 0), at: 14)],
                                                             [term(.followers(.greaterOrEqual, 10_000), at: 27)]]),
            ("incident:3 -incident:any lang:DE assignee:sam channel:X", [[term(.incident(.id(3)), at: 0)], [term(.incident(.any), negated: true, at: 12)],
                                                                        [term(.lang("de"), at: 25)], [term(.assignee("sam"), at: 33)],
                                                                        [term(.channel("x"), at: 46)]]),
            ("10:30 https://nw.example -\"not me\"", [[term(.text("10:30"), at: 0)], [term(.text("https://nw.example"), at: 6)],
                                                     [term(.text("not me"), negated: true, at: 26)]]),
            ("   ", []),
        ]
        for (text, groups) in cases {
            XCTAssertEqual(try Query.parse(text).groups, groups, text)
        }
        XCTAssertTrue(try Query.parse("is:spam OR tag:x").namesStatus)
        XCTAssertFalse(try Query.parse("is:breached").namesStatus, "breached is a state of open conversations, not a status")
    }

    func testAMalformedQuerySaysWhereAndWhat() {
        let cases: [(String, Int, String)] = [
            ("card foo:bar", 5, "unknown field foo:"),
            ("priority:>x", 9, "priority: expected a number after >, got x"),
            ("age:2h", 4, "age: needs < or > before the time"),
            ("due:<soon", 4, "due: expected a time such as 15m, 2h or 3d after <, got soon"),
            ("\"open phrase", 0, "this quote is never closed"),
            ("refund OR", 7, "OR needs a term after it"),
            ("OR refund", 0, "OR needs a term before it"),
            ("a OR OR b", 5, "OR needs a term before it"),
            ("is:happy", 3, "is: expected one of open, waiting"),
            ("kind:rant", 5, "kind: expected one of question, complaint"),
            ("incident:x", 9, "incident: expected an incident number, any or none, got x"),
            ("tag:", 4, "tag: needs a value"),
            ("from:\"dana", 5, "this quote is never closed"),
            ("\"  \"", 0, "empty phrase"),
        ]
        for (text, position, message) in cases {
            XCTAssertThrowsError(try Query.parse(text), text) { error in
                let error = error as! QueryError
                XCTAssertEqual(error.position, position, text)
                XCTAssertTrue(error.message.hasPrefix(message), "\(text): \(error.message)")
            }
        }
        XCTAssertEqual(QueryError(position: 9, message: "priority: expected a number").explained("priority:>x"),
                       "priority:>x\n         ^ priority: expected a number")
    }

    // MARK: What queries find

    let folder = TemporaryFolder()
    let now = RFC3339.milliseconds(from: "2026-11-23T12:00:00Z")!

    /// Five conversations: billing complaints, a question, a German one, one resolved.
    func cache() throws -> AppDatabase {
        let database = try AppDatabase.inMemory()
        var config = Config()
        config.sla.minutes = [.high: 30, .normal: 30, .low: 30]
        let lines = [
            MentionLines.line(id: "a", text: "I was charged twice for my card, fix it", at: "2026-11-23T11:00:00Z", author: "dana", followers: 25_000),
            MentionLines.line(id: "b", text: "how do I order a new card?", at: "2026-11-23T11:50:00Z", author: "lee"),
            MentionLines.line(channel: "mastodon", id: "c", text: "Die Karte wurde zweimal belastet", at: "2026-11-23T11:55:00Z", author: "jo",
                              lang: "de"),
            MentionLines.line(id: "d", text: "twice charged again, terrible", at: "2026-11-22T12:00:00Z", author: "sam"),
            MentionLines.line(id: "e", text: "the card works now, thanks", at: "2026-11-23T09:00:00Z", author: "kim"),
        ]
        let ingester = Ingester(database: database, config: config, clock: FixedClock("2026-11-23T12:00:00Z"))
        _ = try ingester.ingest(path: folder.write("in.jsonl", lines.joined(separator: "\n") + "\n"))
        try database.write { db in
            func id(_ source: String) throws -> Int64 {
                try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention WHERE source_id = ?", arguments: [source])!
            }
            try db.execute(sql: "INSERT INTO tag (id, name) VALUES (1, 'billing'), (2, 'pr-risk')")
            for (source, tag) in [("a", 1), ("d", 1), ("a", 2)] {
                try db.execute(sql: "INSERT INTO conversation_tag (conversation_id, tag_id, added_by, added_at) VALUES (?, ?, 'test', 0)",
                               arguments: [try id(source), tag])
            }
            try db.execute(sql: "UPDATE conversation SET assignee = 'sam' WHERE id = ?", arguments: [try id("b")])
            try db.execute(sql: "UPDATE conversation SET status = 'resolved' WHERE id = ?", arguments: [try id("e")])
            try db.execute(sql: "INSERT INTO incident (id, title, started_at, last_member_at) VALUES (4, 'card', 0, 0)")
            try db.execute(sql: "UPDATE conversation SET incident_id = 4 WHERE id = ?", arguments: [try id("c")])
            // Escalated: b (open) and e (resolved); d's escalation was answered.
            for (source, state) in [("b", "open"), ("e", "open"), ("d", "answered")] {
                try db.execute(sql: "INSERT INTO escalation (conversation_id, team, state, opened_by, opened_at) VALUES (?, 'billing', ?, 'sam', 0)",
                               arguments: [try id(source), state])
            }
        }
        return database
    }

    func found(_ database: AppDatabase, _ text: String, me: String? = nil, commonHits: Int? = 20_000) throws -> Set<String> {
        try database.read { db in
            let sql = try QuerySQL(Query.parse(text), in: db, now: now, me: me, commonHits: commonHits)
            return Set(try String.fetchAll(db, sql: """
                SELECT m.source_id FROM conversation c JOIN mention m ON m.id = c.latest_mention_id WHERE \(sql.whereSQL)
                """, arguments: sql.arguments))
        }
    }

    func testTheHeaderCountsOpenLateAndEscalatedOpenOnes() throws {
        let database = try cache()
        let counts = try database.read { db in try Queue.counts(db) }
        XCTAssertEqual(counts, QueueCounts(open: 4, breached: 2, escalated: 1), "e's escalation is on a resolved conversation, d's was answered")
    }

    func testEachTermFindsWhatItSays() throws {
        let database = try cache()
        let cases: [(String, Set<String>)] = [
            ("", ["a", "b", "c", "d"]),
            ("card", ["a", "b"]),
            ("CARD", ["a", "b"]),
            ("charged twice", ["a", "d"]),
            ("\"charged twice\"", ["a"]),
            ("-\"charged twice\"", ["b", "c", "d"]),
            ("is:resolved", ["e"]),
            ("twice is:resolved OR is:open", ["a", "d"]),
            ("is:resolved OR is:open card", ["a", "b", "e"]),
            ("tag:billing", ["a", "d"]),
            ("tag:billing -tag:pr-risk", ["d"]),
            ("from:@dana", ["a"]),
            ("from:DANA", ["a"]),
            ("from:kim", []),
            ("from:kim is:resolved", ["e"]),
            ("channel:mastodon", ["c"]),
            ("lang:de", ["c"]),
            ("followers:>10000", ["a"]),
            ("assignee:sam", ["b"]),
            ("is:unassigned", ["a", "c", "d"]),
            ("is:escalated", ["b"]),
            ("is:escalated is:resolved", ["e"]),
            ("-is:escalated", ["a", "c", "d"]),
            ("is:escalated OR lang:de", ["b", "c"]),
            ("is:mine", ["b"]),
            ("incident:4", ["c"]),
            ("incident:any", ["c"]),
            ("incident:none", ["a", "b", "d"]),
            ("kind:question", ["b"]),
            ("sentiment:<0", ["a", "d"]),
            ("age:<15m", ["b", "c"]),
            ("age:>1d", []),
            ("age:>=1d", ["d"]),
            ("due:<0m", ["a", "d"]),
            ("is:breached", ["a", "d"]),
            ("-is:breached", ["b", "c"]),
            ("due:>20m", ["c"]),
            ("priority:>=0", ["a", "b", "c", "d"]),
            ("twice OR card", ["a", "b", "d"]),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try found(database, text, me: "sam"), expected, text)
        }
        // A word in most mentions is tested a conversation at a time, and a count gathers every
        // match whatever the word: the same answer.
        for text in ["card", "charged twice", "\"charged twice\" OR tag:none", "-card"] {
            XCTAssertEqual(try found(database, text, commonHits: 0), try found(database, text), text)
            XCTAssertEqual(try found(database, text, commonHits: nil), try found(database, text), text)
            let count = try database.read { db in try Queue.count(db, Query.parse(text), now: now) }
            XCTAssertEqual(count, try found(database, text).count, text)
        }
        XCTAssertThrowsError(try found(database, "is:mine")) { XCTAssertTrue(($0 as! QueryError).message.contains("add your unix_user to the config's operators")) }
        XCTAssertThrowsError(try found(database, "!!!")) { XCTAssertEqual(($0 as! QueryError).message, "nothing to search for in !!!") }
    }

    /// A count can stop early: a broad search over millions of open conversations need not read
    /// them all to say there are many more. Below the bound it is exact, searched or tallied.
    func testACountStopsAtItsBound() throws {
        let database = try cache()
        try database.read { db in
            for text in ["priority:>=0", "card OR twice", "is:open"] {
                let all = try Queue.count(db, Query.parse(text), now: now)
                XCTAssertGreaterThan(all, 2, text)
                XCTAssertEqual(try Queue.count(db, Query.parse(text), now: now, atMost: 2), 2, text)
                XCTAssertEqual(try Queue.count(db, Query.parse(text), now: now, atMost: all + 1), all, text)
            }
        }
    }

    func testTheQueueSearchKeepsTriageOrder() throws {
        let database = try cache()
        let rows = try database.read { db in try Queue.search(db, Query.parse("card OR twice"), now: now, limit: 10) }
        XCTAssertEqual(rows.map(\.priority), rows.map(\.priority).sorted(by: >))
        XCTAssertEqual(rows.count, 3)
    }

    /// Terms that pick few conversations through an index of their own lead, instead of the
    /// open queue being walked in priority order for them; the rest walk it.
    func testFewPickedThroughTheirOwnIndexTheRestThroughTheQueues() throws {
        let database = try cache()
        let plan = { (text: String) -> String in
            try database.read { db in
                let sql = try QuerySQL(Query.parse(text), in: db, now: self.now, me: "sam")
                return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT c.id FROM conversation c WHERE \(sql.whereSQL) ORDER BY \(Queue.triageOrderSQL) LIMIT 50",
                                        arguments: sql.arguments).map { $0["detail"] as String }.joined(separator: " ")
            }
        }
        for (text, index) in [("incident:any", "conversation_by_incident"), ("incident:7", "conversation_by_incident"),
                              ("assignee:sam", "conversation_by_assignee"), ("lang:de", "conversation_by_lang"), ("kind:complaint", "conversation_queue"),
                              ("channel:x", "conversation_open_by_channel"), ("is:resolved channel:x", "conversation_queue"),
                              ("age:<15m", "conversation_open_age"), ("age:>=1d", "conversation_open_age"), ("is:resolved age:<15m", "conversation_queue"),
                              ("followers:>10000", "conversation_open_by_author"), ("is:resolved followers:>10000", "conversation_queue"),
                              ("card", "conversation_queue")] {
            let found = try plan(text)
            XCTAssertTrue(found.contains("INDEX \(index)"), "\(text): \(found)")
        }
        // A channel with few open conversations: the same rows in the same order as walking the queue for them.
        try database.read { db in
            let walked = try Int64.fetchAll(db, sql: "SELECT c.id FROM conversation c WHERE c.status = 'open' AND c.channel = 'x' ORDER BY \(Queue.triageOrderSQL)")
            XCTAssertFalse(walked.isEmpty)
            XCTAssertEqual(try Queue.search(db, Query.parse("channel:x"), now: now, limit: 50).map(\.conversationID), walked)
            XCTAssertEqual(try Queue.count(db, Query.parse("channel:x"), now: now), walked.count)
            XCTAssertEqual(try Queue.count(db, Query.parse("-channel:x"), now: now), try Queue.countOpen(db) - walked.count)
            let young = try Int64.fetchAll(db, sql: """
                SELECT c.id FROM conversation c WHERE c.status = 'open' AND coalesce(c.last_customer_at, c.last_at) > ? ORDER BY \(Queue.triageOrderSQL)
                """, arguments: [now - 15 * 60_000])
            XCTAssertEqual(young.count, 2)
            XCTAssertEqual(try Queue.search(db, Query.parse("age:<15m"), now: now, limit: 50).map(\.conversationID), young)
            let followed = try Int64.fetchAll(db, sql: """
                SELECT c.id FROM conversation c JOIN mention m ON m.id = c.latest_customer_mention_id JOIN contact_handle h ON h.id = m.handle_id
                WHERE c.status = 'open' AND h.followers >= 100 ORDER BY \(Queue.triageOrderSQL)
                """)
            XCTAssertEqual(followed.count, 1)
            for text in ["followers:>=100", "followers:>10000"] {
                XCTAssertEqual(try Queue.search(db, Query.parse(text), now: now, limit: 50).map(\.conversationID), followed, text)
                XCTAssertEqual(try Queue.count(db, Query.parse(text), now: now), 1, text)
            }
        }
        // Words in no message at all: their (no) conversations lead, and the queue is not walked for them.
        let nowhere = try plan("nowhere")
        XCTAssertFalse(nowhere.contains("conversation_queue"), nowhere)
    }

    /// Authors with many followers lead through the open queue's index of them, however much
    /// they wrote (none of their messages is read); more than a few thousand such authors walk the
    /// queue instead. Either way the answer is the latest customer messages' authors'.
    func testAuthorsLeadUnlessThereAreThousandsOfThem() throws {
        let database = try AppDatabase.inMemory()
        let press = (0..<50).map { number in
            MentionLines.line(id: "p\(number)", text: "update \(number)", at: "2026-11-23T10:00:00Z", author: "press", followers: 80_000,
                              inReplyTo: number == 0 ? nil : "p0")
        }
        let many = (0...QuerySQL.rareOpen).map {
            MentionLines.line(id: "a\($0)", text: "card declined \($0)", at: "2026-11-23T11:00:00Z", author: "a\($0)", followers: 20_000)
        }
        let ingester = Ingester(database: database, config: Config(), clock: FixedClock("2026-11-23T12:00:00Z"))
        _ = try ingester.ingest(path: folder.write("authors.jsonl", (press + many).joined(separator: "\n") + "\n"))
        try database.read { db in
            for (text, index, followers, count) in [("followers:>50000", "conversation_open_by_author", 50_000, 1),
                                                    ("followers:>10000", "conversation_queue", 10_000, QuerySQL.rareOpen + 2)] {
                let query = try Query.parse(text)
                let sql = try QuerySQL(query, in: db, now: now)
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT c.id FROM conversation c WHERE \(sql.whereSQL) ORDER BY \(Queue.triageOrderSQL) LIMIT 50",
                                            arguments: sql.arguments).map { $0["detail"] as String }.joined(separator: " ")
                XCTAssertTrue(plan.contains("INDEX \(index)"), "\(text): \(plan)")
                XCTAssertFalse(plan.contains("mention"), "\(text): no message is read: \(plan)")
                let expected = try Int64.fetchAll(db, sql: """
                    SELECT c.id FROM conversation c JOIN mention m ON m.id = c.latest_customer_mention_id JOIN contact_handle h ON h.id = m.handle_id
                    WHERE c.status = 'open' AND h.followers > ? ORDER BY \(Queue.triageOrderSQL) LIMIT 50
                    """, arguments: [followers])
                XCTAssertEqual(try Queue.search(db, query, now: now, limit: 50).map(\.conversationID), expected, text)
                XCTAssertEqual(try Queue.count(db, query, now: now), count, text)
            }
        }
    }

    /// The words of a search are looked for in one message, as a mail search does; each word
    /// alone is found in any message of the thread. Tested in queue order, gathered, or led by
    /// its matches, the answer is the same.
    func testTheWordsOfASearchAreFoundTogetherInOneMessage() throws {
        let database = try AppDatabase.inMemory()
        let lines = [
            MentionLines.line(id: "p1", text: "my card again", at: "2026-11-23T11:00:00Z", author: "pat"),
            MentionLines.line(id: "p2", text: "and it was declined", at: "2026-11-23T11:05:00Z", author: "pat", inReplyTo: "p1"),
            MentionLines.line(id: "q", text: "card declined at the till", at: "2026-11-23T11:10:00Z", author: "quinn"),
            MentionLines.line(id: "r", text: "refund please", at: "2026-11-23T11:20:00Z", author: "ray"),
        ]
        let ingester = Ingester(database: database, config: Config(), clock: FixedClock("2026-11-23T12:00:00Z"))
        _ = try ingester.ingest(path: folder.write("together.jsonl", lines.joined(separator: "\n") + "\n"))
        let found = { (text: String, commonHits: Int?) -> Set<String> in
            try database.read { db in
                let sql = try QuerySQL(Query.parse(text), in: db, now: self.now, commonHits: commonHits)
                return Set(try String.fetchAll(db, sql: """
                    SELECT m.source_id FROM conversation c JOIN mention m ON m.id = (SELECT min(id) FROM mention WHERE conversation_id = c.id)
                    WHERE \(sql.whereSQL)
                    """, arguments: sql.arguments))
            }
        }
        let cases: [(String, Set<String>)] = [
            ("card", ["p1", "q"]), ("declined", ["p1", "q"]), ("card declined", ["q"]), ("\"card declined\"", ["q"]),
            ("card OR refund", ["p1", "q", "r"]), ("card OR refund declined", ["q"]), ("card -declined", []), ("card -till", ["p1"]),
            // A group with another kind of term is tested apart, in any message of the thread.
            ("card OR tag:none declined", ["p1", "q"]),
        ]
        for (text, expected) in cases {
            for commonHits in [0, 20_000, nil] as [Int?] {
                XCTAssertEqual(try found(text, commonHits), expected, "\(text), commonHits \(String(describing: commonHits))")
            }
            let count = try database.read { db in try Queue.count(db, Query.parse(text), now: now) }
            XCTAssertEqual(count, expected.count, text)
        }
    }
}

extension QuerySQL {
    /// The values as GRDB takes them, for the query plans read here.
    var arguments: StatementArguments { StatementArguments(values.map(\.databaseValue)) }
}
