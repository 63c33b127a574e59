import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// Incidents: a burst of similar complaints among ordinary traffic, and none from ordinary
/// traffic alone.
final class IncidentTests: XCTestCase {
    let folder = TemporaryFolder()
    var files = 0

    /// 2026-11-20T00:00:00Z: ordinary traffic starts here, three days before the burst.
    let start = RFC3339.milliseconds(from: "2026-11-20T00:00:00Z")!
    let minute: Int64 = 60_000

    // MARK: Terms

    func testTermsAreTheSignificantWordsAndTheirNeighbouringPairs() {
        let common = TriageCues.builtIn.common
        let terms = IncidentTerms("@NorthwindHelp Is the APP down?? Can’t log in: https://x.co/abc www.example.com #outage 2026 Bob's", common: common)
        XCTAssertEqual(terms.words, ["app", "down", "log", "outage", "bob"])
        XCTAssertTrue(terms.keys.contains(IncidentTerms.key("app down")))
        XCTAssertTrue(terms.keys.contains(IncidentTerms.key("down log")), "pairs skip the common words between")
        XCTAssertTrue(terms.pairs.contains(IncidentTerms.key("app down")))
        XCTAssertFalse(terms.pairs.contains(IncidentTerms.key("app")))
        XCTAssertEqual(IncidentTerms.key(IncidentTerms.pair("down", "app")), IncidentTerms.key("app down"), "a pair is the same either way round")
        XCTAssertEqual(IncidentTerms("Überweisung fehlgeschlagen 🙄 振込できない", common: common).words, ["überweisung", "fehlgeschlagen", "振込できない"])
        XCTAssertEqual(IncidentTerms(String(repeating: "word ", count: 3) + (1...40).map { "w\($0)x" }.joined(separator: " "), common: common).words.count,
                       IncidentTerms.maxWords)
    }

    func testAComplaintBelongsByItsTermOrByOneOfItsWordsAndAnotherTopWord() {
        let common = TriageCues.builtIn.common
        let match = IncidentMatch(key: IncidentTerms.key("app down"), words: ["app", "down", "login", "log", "online", "banking"])
        XCTAssertTrue(match.matches(IncidentTerms("northwind app down again", common: common)))
        XCTAssertTrue(match.matches(IncidentTerms("can't log in, the app says unavailable", common: common)))
        XCTAssertFalse(match.matches(IncidentTerms("online banking is slow today", common: common)), "none of the term's own words")
        XCTAssertFalse(match.matches(IncidentTerms("the app logs me out", common: common)))
    }

    // MARK: Detection

    func testNoIncidentFromThreeDaysOfOrdinaryTraffic() throws {
        let database = try AppDatabase.inMemory()
        var random = SeededRandom(seed: 7)
        // A busy afternoon on the third day too: twice the traffic is not a burst.
        try ingest(ordinary(&random, from: start, days: 3, perHour: 40, busyHour: 3 * 24 * 60 - 9 * 60), into: database)
        XCTAssertEqual(try incidents(database), [])
        XCTAssertGreaterThan(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM term_day") }!, 100)
    }

    func testABurstAmongOrdinaryTrafficBecomesOneIncidentAndLaterComplaintsJoinIt() throws {
        let database = try AppDatabase.inMemory()
        var random = SeededRandom(seed: 11)
        try ingest(ordinary(&random, from: start, days: 3, perHour: 40), into: database)
        // 26 customers in nine minutes, arriving in small imports as they would live.
        let burstStart = start + 3 * 24 * 60 * minute - 10 * 60 * minute
        let burst = outage(&random, count: 26, from: burstStart, minutes: 9, prefix: "burst")
        for chunk in stride(from: 0, to: burst.count, by: 4) { try ingest(Array(burst[chunk..<min(chunk + 4, burst.count)]), into: database) }

        let found = try incidents(database, now: burstStart + 10 * minute)
        XCTAssertEqual(found.count, 1, "\(found)")
        let incident = try XCTUnwrap(found.first)
        XCTAssertEqual(incident.state, .active)
        XCTAssertTrue(incident.title.contains("app") && incident.title.contains("down"), incident.title)
        let members = try memberSources(database, incident.id)
        let burstIDs = Set(burst.map { $0.id })
        XCTAssertGreaterThanOrEqual(members.intersection(burstIDs).count, 24, "the burst's complaints are its members")
        XCTAssertLessThanOrEqual(members.subtracting(burstIDs).count, 2, "ordinary traffic stays out: \(members.subtracting(burstIDs))")
        let events = try database.read { db in try String.fetchAll(db, sql: "SELECT subject FROM event WHERE kind = 'incident'") }
        XCTAssertEqual(events.count, 1)
        XCTAssertTrue(events[0].hasPrefix("incident \(incident.id): "), events[0])

        // Half an hour later: a matching complaint joins; an unrelated one does not.
        try ingest([(id: "late", text: "still can't log in, is the app down or what", at: burstStart + 40 * minute),
                    (id: "other", text: "my card was declined at the shop", at: burstStart + 41 * minute)], into: database)
        let after = try memberSources(database, incident.id)
        XCTAssertTrue(after.contains("late"))
        XCTAssertFalse(after.contains("other"))
        // After the quiet time a matching complaint starts nothing and joins nothing.
        try ingest([(id: "much later", text: "app down again?", at: burstStart + 5 * 60 * minute)], into: database)
        XCTAssertFalse(try memberSources(database, incident.id).contains("much later"))
        XCTAssertEqual(try incidents(database).map(\.state), [.quiet])
    }

    /// The same file in one transaction or in a hundred: the complaints earlier transactions
    /// stored or read are remembered rather than read again, and find the same incident.
    func testOneFileInSmallTransactionsFindsTheSameIncident() throws {
        var random = SeededRandom(seed: 11)
        let burstStart = start + 3 * 24 * 60 * minute - 10 * 60 * minute
        let lines = ordinary(&random, from: start, days: 3, perHour: 40).filter { $0.at < burstStart }
            + outage(&random, count: 26, from: burstStart, minutes: 9, prefix: "burst")
        let text = lines.map { MentionLines.line(id: $0.id, text: $0.text, at: RFC3339.string(fromMilliseconds: $0.at), author: "a-\($0.id)") }
        let path = folder.write("whole.jsonl", text.joined(separator: "\n") + "\n")
        var found: [[String]] = []
        for batch in [50_000, 30] {
            let database = try AppDatabase.inMemory()
            let ingester = Ingester(database: database, config: Config(), clock: FixedClock(RFC3339.string(fromMilliseconds: burstStart + 10 * minute)))
            ingester.batchSize = batch
            ingester.lockBudget = nil
            _ = try ingester.ingest(path: path)
            let incidents = try self.incidents(database, now: burstStart + 10 * minute)
            XCTAssertEqual(incidents.count, 1, "batches of \(batch)")
            found.append(try incidents.flatMap { [$0.title] + (try memberSources(database, $0.id)).sorted() })
        }
        XCTAssertEqual(found[0], found[1])
        XCTAssertGreaterThan(found[0].count, 20)
    }

    /// `heed run` stores a backlog batch by batch, newest pages first: its complaints wait for
    /// detection until the backlog's last batch, or until it is cut short, and what is found
    /// then is what one import of the same mentions finds.
    func testABacklogStoredBatchByBatchIsOneImportToDetection() throws {
        var random = SeededRandom(seed: 11)
        let burstStart = start + 3 * 24 * 60 * minute - 10 * 60 * minute
        let lines = outage(&random, count: 26, from: burstStart, minutes: 9, prefix: "burst")
            + ordinary(&random, from: start, days: 3, perHour: 40).filter { $0.at < burstStart }
        let mentions = lines.map {
            IncomingMention(channel: "x", sourceID: $0.id, text: $0.text, createdAt: $0.at, author: IncomingAuthor(id: "a-\($0.id)", handle: "a-\($0.id)"))
        }
        let batches = stride(from: 0, to: mentions.count, by: 500).map { Array(mentions[$0..<min($0 + 500, mentions.count)]) }
        let clock = FixedClock(RFC3339.string(fromMilliseconds: burstStart + 10 * minute))
        var found: [String: [String]] = [:]
        for way in ["one import", "batch by batch", "cut short"] {
            let database = try AppDatabase.inMemory()
            let ingester = Ingester(database: database, config: Config(), clock: clock)
            if way == "one import" {
                _ = try ingester.ingest(mentions: mentions, source: "account:x")
            } else {
                for (index, batch) in batches.enumerated() {
                    let last = way == "batch by batch" && index == batches.count - 1
                    _ = try ingester.ingest(mentions: batch, source: "account:x", continues: !last, alongside: nil)
                    if !last { XCTAssertEqual(try incidents(database).count, 0, "\(way): batch \(index) waits for the backlog's end") }
                }
                if way == "cut short" { try ingester.finishContinuing() }
            }
            let incidents = try self.incidents(database, now: burstStart + 10 * minute)
            XCTAssertEqual(incidents.count, 1, way)
            found[way] = try incidents.flatMap { [$0.title] + (try memberSources(database, $0.id)).sorted() }
        }
        XCTAssertGreaterThan(found["one import"]!.count, 20)
        XCTAssertEqual(found["batch by batch"], found["one import"])
        XCTAssertEqual(found["cut short"], found["one import"])
    }

    /// A backfill read newest first: an outage's second burst arrives before its first. The
    /// first, within the quiet time before the incident the second began, joins it and moves its
    /// start back — one incident, as in time order — instead of beginning a second of the same
    /// words.
    func testAnEarlierBurstOfTheSameWordsArrivingLaterJoinsTheIncident() throws {
        var random = SeededRandom(seed: 11)
        let second = start + 3 * 24 * 60 * minute - 10 * 60 * minute
        let first = second - 60 * minute
        let everyday = ordinary(&random, from: start, days: 3, perHour: 40).filter { $0.at < first }
        let early = outage(&random, count: 26, from: first, minutes: 9, prefix: "early")
        let late = outage(&random, count: 26, from: second, minutes: 9, prefix: "late")
        var found: [String: [String]] = [:]
        for (way, batches) in [("in time order", [everyday, early, late]), ("newest first", [everyday, late, early])] {
            let database = try AppDatabase.inMemory()
            for batch in batches { try ingest(batch, into: database) }
            let incidents = try self.incidents(database, now: second + 10 * minute)
            XCTAssertEqual(incidents.map(\.title), ["app down"], way)
            found[way] = try incidents.flatMap { ["\($0.startedAt) \($0.lastMemberAt)"] + (try memberSources(database, $0.id)).sorted() }
        }
        XCTAssertEqual(found["newest first"], found["in time order"])
        XCTAssertGreaterThanOrEqual(found["in time order"]?.filter { $0.hasPrefix("early") || $0.hasPrefix("late") }.count ?? 0, 48)
    }

    /// An outage read newest first: its last hour starts an incident, its first hour (five hours
    /// earlier, beyond the quiet time) another, and the complaints between them, read last, join
    /// the earlier until its time touches the later's. Then the two are one, as reading the
    /// outage in time order makes: the lower number keeps the members and the whole time, each
    /// conversation moved by a change of its own, and the other says where they went.
    func testTwoIncidentsOfTheSameWordsWhoseTimesComeToTouchBecomeOne() throws {
        var random = SeededRandom(seed: 12)
        let (everyday, first, between, last) = splitOutage(&random, firstCount: 26)
        var found: [String: [String]] = [:]
        for (way, batches) in [("in time order", [everyday, first, between, last]), ("newest first", [everyday, last, first, between])] {
            let database = try AppDatabase.inMemory()
            for batch in batches { try ingest(batch, into: database) }
            let incidents = try self.incidents(database, now: late + 10 * minute)
            let whole = incidents.filter { $0.state != .merged }
            XCTAssertEqual(whole.map(\.title), ["app down"], way)
            XCTAssertEqual(whole.first?.id, 1, way)
            for incident in whole {
                let members: [String] = try memberSources(database, incident.id).sorted()
                found[way, default: []] += ["\(incident.startedAt) \(incident.lastMemberAt) \(incident.conversations)"] + members
            }
            XCTAssertEqual(try database.read { db in try EventReplay.disagreements(db) }, [], way)
            let merged = incidents.filter { $0.state == .merged }
            if way == "newest first" {
                XCTAssertEqual(merged.map(\.mergedInto), [1], "the later-numbered one is merged into the other")
                XCTAssertEqual(merged.map(\.conversations), [0])
                let logged = try database.read { db in
                    try String.fetchAll(db, sql: "SELECT subject FROM event WHERE kind = 'incident-merge'")
                }
                XCTAssertEqual(logged, ["incident 2 into incident 1"])
                // Acting on the merged one is refused, naming the one that has its conversations.
                let config = try ExampleConfig.load()
                let service = ActionService(database: database, config: config, clock: FixedClock(late + 10 * minute))
                XCTAssertThrowsError(try service.resolveIncident(2, by: config.operators[0])) { error in
                    XCTAssertTrue("\(error)".contains("incident 2 was merged into incident 1"), "\(error)")
                }
                XCTAssertThrowsError(try service.broadcast(incident: 2, text: "We are on it.", by: config.operators[0])) { error in
                    XCTAssertTrue("\(error)".contains("act on 1"), "\(error)")
                }
                XCTAssertEqual(try self.incidents(database, now: late + 10 * minute).first { $0.id == 2 }?.state, .merged, "still merged")
                // A plan worked out before the merge, for the merged incident, puts its complaints in the one it joined.
                let stray = try XCTUnwrap(try database.read { db in
                    try Row.fetchOne(db, sql: "SELECT m.id, m.created_at FROM mention m JOIN conversation c ON c.id = m.conversation_id WHERE c.incident_id IS NULL LIMIT 1")
                })
                var plan = IncidentPlan()
                plan.incidents = [IncidentPlan.Incident(existing: 2, match: IncidentMatch(key: 0, words: []), start: stray["created_at"], last: stray["created_at"],
                                                        joined: [stray["id"]])]
                _ = try database.write { db in try IncidentDetector(settings: IncidentSettings()).apply(plan, in: db, now: late + 10 * minute) }
                XCTAssertEqual(try database.read { db in
                    try Int64.fetchOne(db, sql: "SELECT c.incident_id FROM mention m JOIN conversation c ON c.id = m.conversation_id WHERE m.id = ?",
                                       arguments: [stray["id"] as Int64])
                }, 1)
            } else {
                XCTAssertEqual(merged.count, 0)
            }
        }
        XCTAssertEqual(found["newest first"], found["in time order"])
        XCTAssertEqual(found["in time order"]?.filter { $0.hasPrefix("first") || $0.hasPrefix("last") || $0.hasPrefix("between") }.count, 52 + 13)
    }

    /// A merged incident's conversations move in turns short enough for the operators, and end
    /// where one long turn puts them.
    func testAMergedIncidentsConversationsMoveInShortTurns() throws {
        var random = SeededRandom(seed: 13)
        let (everyday, first, between, last) = splitOutage(&random, firstCount: 150)
        let clock = FixedClock(RFC3339.string(fromMilliseconds: late + 10 * minute))
        var found: [Bool: [String]] = [:]
        for short in [false, true] {
            let database = try AppDatabase.inMemory()
            for batch in [everyday, last, first] { try ingest(batch, into: database) }
            XCTAssertEqual(try incidents(database, now: late + 10 * minute).count, 2)
            let ingester = Ingester(database: database, config: Config(), clock: clock)
            _ = try ingester.ingest(mentions: between.map {
                IncomingMention(channel: "x", sourceID: $0.id, text: $0.text, createdAt: $0.at, author: IncomingAuthor(id: "a-\($0.id)", handle: "a-\($0.id)"))
            }, source: "account:x", continues: true, alongside: nil)
            let upsert = try XCTUnwrap(ingester.continuing)
            var rest = try database.read { db in try upsert.planIncidents(reading: db) }
            var turns = 0
            while !rest.isEmpty {
                turns += 1
                try database.write { db in rest = try upsert.applyIncidents(rest, in: db) { short } }
            }
            XCTAssertEqual(turns, short ? 3 : 1, "the joins and a chunk of moves, a chunk, the rest")
            let whole = try incidents(database, now: late + 10 * minute).filter { $0.state != .merged }
            XCTAssertEqual(whole.map(\.conversations), [26 + 150 + 13])
            found[short] = try whole.flatMap { incident in ["\(incident.startedAt) \(incident.lastMemberAt)"] + (try memberSources(database, incident.id)).sorted() }
            XCTAssertEqual(try database.read { db in try EventReplay.disagreements(db) }, [])
        }
        XCTAssertEqual(found[true], found[false])
    }

    /// A report lists the merged incident as the one it joined, from its first member, with our
    /// post about it while it was on its own as the first post.
    func testAReportCountsAMergedIncidentWithTheOneItJoined() throws {
        var random = SeededRandom(seed: 14)
        let (everyday, first, between, last) = splitOutage(&random, firstCount: 26)
        let database = try AppDatabase.inMemory()
        for batch in [everyday, last, first] { try ingest(batch, into: database) }
        let config = try ExampleConfig.load()
        let postAt = early + 20 * minute
        _ = try ActionService(database: database, config: config, clock: FixedClock(postAt))
            .broadcast(incident: 2, text: "We know the app is down for some of you; we are on it.", by: config.operators[0])
        try ingest(between, into: database)

        let now = late + 10 * minute
        let report = try Report.make(database, config: config, since: start, until: now, by: .channel, now: now)
        let merged = try XCTUnwrap(try incidents(database, now: now).first { $0.id == 1 })
        XCTAssertEqual(report.incidents.map(\.id), [1])
        XCTAssertEqual(report.incidents.first?.firstPostAfterMs, postAt - merged.startedAt)
        let complaints = try database.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM mention m JOIN conversation c ON c.id = m.conversation_id WHERE c.incident_id = 1 AND m.ours = 0 AND m.kind = 'complaint'
                """)
        }
        XCTAssertEqual(report.incidents.first?.complaints, complaints)
        XCTAssertGreaterThan(complaints ?? 0, 26, "both ends of the outage")
    }

    /// Alone, an import works out the incidents of one batch on a reader thread while it stores
    /// the next, and finds what it finds working them out in line: the demo's mentions, out of
    /// time order with an outage among them, into two caches.
    func testIncidentsWorkedOutBesideTheStoringAreTheSameAsInLine() throws {
        let config = try ExampleConfig.load()
        let clock = FixedClock("2026-11-23T12:00:00Z")
        let mentions = Array(DemoGenerator(size: 6_000, seed: 5, now: clock.now(), config: config))
        var incidents: [[String]] = [], conversations: [[String]] = []
        for ahead in [false, true] {
            let database = try AppDatabase.open(path: folder.file("ahead-\(ahead).sqlite"))
            let ingester = Ingester(database: database, config: config, clock: clock)
            (ingester.batchSize, ingester.lockBudget, ingester.detectionBatch, ingester.plansAhead) = (500, nil, 300, ahead)
            _ = try ingester.ingest(mentions: mentions, source: "demo")
            if ahead { XCTAssertGreaterThan(ingester.plannedAhead, 3) } else { XCTAssertEqual(ingester.plannedAhead, 0) }
            try database.read { db in
                incidents.append(try String.fetchAll(db, sql: """
                    SELECT title || ' ' || started_at || ' ' || last_member_at || ' ' || state FROM incident ORDER BY id
                    """))
                conversations.append(try String.fetchAll(db, sql: """
                    SELECT (SELECT min(source_id) FROM mention m WHERE m.conversation_id = c.id) || ' ' || c.status || ' ' || c.priority
                        || ' ' || coalesce((SELECT title FROM incident i WHERE i.id = c.incident_id), '-')
                    FROM conversation c ORDER BY 1
                    """))
            }
        }
        XCTAssertEqual(incidents[0], incidents[1])
        XCTAssertEqual(conversations[0].count, conversations[1].count)
        let differing = zip(conversations[0], conversations[1]).filter { $0 != $1 }
        XCTAssertTrue(differing.isEmpty, "\(differing.count) conversations differ, as \(differing.prefix(3))")
        XCTAssertGreaterThan(conversations[0].filter { $0.hasSuffix(" app down") }.count, 30, "the outage's conversations are in its incident")
    }

    /// An outage's hundreds of complaints are put in their incident a few at a time, each turn
    /// on the write lock as short as the operators need, and what many turns write is what one
    /// writes.
    func testAnOutageJoinsItsIncidentInShortTurns() throws {
        var random = SeededRandom(seed: 11)
        let burstStart = start + 3 * 24 * 60 * minute - 10 * 60 * minute
        let lines = ordinary(&random, from: start, days: 3, perHour: 40).filter { $0.at < burstStart }
            + outage(&random, count: 300, from: burstStart, minutes: 9, prefix: "burst")
        let mentions = lines.map {
            IncomingMention(channel: "x", sourceID: $0.id, text: $0.text, createdAt: $0.at, author: IncomingAuthor(id: "a-\($0.id)", handle: "a-\($0.id)"))
        }
        let clock = FixedClock(RFC3339.string(fromMilliseconds: burstStart + 10 * minute))
        var found: [Bool: [String]] = [:]
        for short in [false, true] {
            let database = try AppDatabase.inMemory()
            let ingester = Ingester(database: database, config: Config(), clock: clock)
            _ = try ingester.ingest(mentions: mentions, source: "account:x", continues: true, alongside: nil)
            let upsert = try XCTUnwrap(ingester.continuing)
            var rest = try database.read { db in try upsert.planIncidents(reading: db) }
            let chunks = rest.incidents.map { ($0.joined.count + IncidentDetector.adoptedAtOnce - 1) / IncidentDetector.adoptedAtOnce }.reduce(0, +)
            XCTAssertGreaterThan(chunks, 3)
            var turns = 0
            while !rest.isEmpty {
                turns += 1
                try database.write { db in rest = try upsert.applyIncidents(rest, in: db) { short } }
            }
            XCTAssertEqual(turns, short ? chunks : 1)
            let incidents = try self.incidents(database, now: burstStart + 10 * minute)
            XCTAssertEqual(incidents.count, 1)
            found[short] = try incidents.flatMap { [$0.title] + (try memberSources(database, $0.id)).sorted() }
            let events = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE kind = 'incident'") }
            XCTAssertEqual(events, 1, "an incident started in one turn and joined in the next is started once")
        }
        XCTAssertGreaterThan(found[true]!.count, 250)
        XCTAssertEqual(found[true], found[false])
    }

    func testATermThatIsUsuallyThisBusyIsNoBurstButARareOneIs() throws {
        let database = try AppDatabase.inMemory()
        var config = Config()
        config.triage.incidents.minMentions = 6
        var random = SeededRandom(seed: 3)
        // "statement" comes about four times in ten minutes, every day.
        func statement(_ id: String, at: Int64) -> Line {
            (id: id, text: "where is my \(random.pick(["monthly", "annual", "paper"])) statement \(random.pick(["again", "this month", "please"]))?", at: at)
        }
        try ingest((0..<(2 * 24 * 6 * 4)).map { statement("s\($0)", at: start + Int64($0) * 150_000 + Int64(random.int(0...100_000))) },
                   into: database, config: config)
        let day3 = start + 2 * 24 * 60 * minute + 12 * 60 * minute
        try ingest((0..<7).map { statement("busy\($0)", at: day3 + Int64($0) * minute) }, into: database, config: config)
        XCTAssertEqual(try incidents(database), [], "seven in ten minutes is within five times its usual rate")
        try ingest((0..<7).map { (id: "rare\($0)", text: "the cash machine swallowed my card \(["again", "today", "york"][$0 % 3])", at: day3 + Int64($0) * minute) },
                   into: database, config: config)
        XCTAssertEqual(try incidents(database).map(\.conversations), [7])
    }

    func testTheThresholdsComeFromTheConfig() throws {
        var random = SeededRandom(seed: 5)
        let traffic = ordinary(&random, from: start, days: 2, perHour: 20)
        let burstStart = start + 2 * 24 * 60 * minute + 60 * minute
        let burst = outage(&random, count: 12, from: burstStart, minutes: 8, prefix: "burst")

        let defaults = try AppDatabase.inMemory()
        try ingest(traffic + burst, into: defaults)
        XCTAssertEqual(try incidents(defaults), [], "twelve is under the default twenty")

        var config = Config()
        config.triage.incidents.minMentions = 10
        let lower = try AppDatabase.inMemory()
        try ingest(traffic + burst, into: lower, config: config)
        XCTAssertEqual(try incidents(lower).count, 1)
    }

    func testNothingIsABurstBeforeADayOfHistory() throws {
        let database = try AppDatabase.inMemory()
        var random = SeededRandom(seed: 9)
        try ingest(outage(&random, count: 30, from: start + 60 * minute, minutes: 5, prefix: "b"), into: database)
        XCTAssertEqual(try incidents(database), [])
    }

    // MARK: The queue

    func testTheQueueGathersAnIncidentsMembersWhereItsMostUrgentStands() {
        func row(_ id: Int64, incident: Int64? = nil) -> QueueRow {
            var row = QueueRow(conversationID: id, channel: "x", status: .open, priority: 0, dueAt: nil, assignee: nil, mentionCount: 1,
                               text: "t", authorHandle: "h", authorName: nil, followers: 0, verified: false, lastCustomerAt: 0, lastAt: 0, tags: [])
            row.incidentID = incident
            return row
        }
        let rows = [row(1), row(2, incident: 7), row(3), row(4, incident: 8), row(5, incident: 7), row(6)]
        XCTAssertEqual(QueueEntry.grouped(rows), [
            .conversation(rows[0]), .incident(id: 7, members: [rows[1], rows[4]]), .conversation(rows[2]),
            .incident(id: 8, members: [rows[3]]), .conversation(rows[5]),
        ])
    }

    // MARK: Helpers

    typealias Line = (id: String, text: String, at: Int64)

    func ingest(_ lines: [Line], into database: AppDatabase, config: Config = Config()) throws {
        files += 1
        let text = lines.map { MentionLines.line(id: $0.id, text: $0.text, at: RFC3339.string(fromMilliseconds: $0.at), author: "a-\($0.id)") }
        let last = lines.map(\.at).max() ?? start
        let ingester = Ingester(database: database, config: config, clock: FixedClock(RFC3339.string(fromMilliseconds: last + minute)))
        _ = try ingester.ingest(path: folder.write("in\(files).jsonl", text.joined(separator: "\n") + "\n"))
    }

    /// Every incident, in the state it has at `now`.
    func incidents(_ database: AppDatabase, now: Int64? = nil) throws -> [Incident] {
        try database.read { db in
            try Incident.list(db, now: now ?? start + 4 * 24 * 60 * minute, quietMinutes: IncidentSettings().quietMinutes, all: true)
        }
    }

    func memberSources(_ database: AppDatabase, _ incident: Int64) throws -> Set<String> {
        Set(try database.read { db in
            try String.fetchAll(db, sql: """
                SELECT m.source_id FROM mention m JOIN conversation c ON c.id = m.conversation_id WHERE c.incident_id = ?
                """, arguments: [incident])
        })
    }

    /// Everyday complaints and questions, spread over the days.
    func ordinary(_ random: inout SeededRandom, from: Int64, days: Int, perHour: Int, busyHour: Int? = nil) -> [Line] {
        let openings = ["my card was declined at", "still waiting for a refund from", "why was I charged a fee at", "how do I change my address for",
                        "the transfer to my savings failed at", "can't find the statement for", "is the branch in", "you closed my account at",
                        "the chat bot is useless about", "overdraft fee again at", "how long does a mortgage offer take in",
                        "lost my wallet near", "direct debit bounced for", "interest rate went up without warning for"]
        let places = ["Tesco", "York", "Leeds", "the airport", "Amazon", "the petrol station", "my landlord", "Spotify", "the council", "work"]
        let endings = ["", " again", " this week", "!!", "?", " — really annoyed", " help please"]
        var lines: [Line] = []
        let minutes = days * 24 * 60
        var count = 0
        for hour in 0..<(days * 24) {
            let extra = busyHour.map { abs(hour * 60 - $0) < 120 ? perHour : 0 } ?? 0
            for _ in 0..<(perHour + extra) {
                let at = from + Int64(hour) * 60 * minute + Int64(random.int(0...(60 * 60_000 - 1)))
                guard at < from + Int64(minutes) * minute else { continue }
                count += 1
                lines.append((id: "o\(count)", text: "\(random.pick(openings)) \(random.pick(places))\(random.pick(endings))", at: at))
            }
        }
        return lines
    }

    /// When the last hour of a long outage begins, and its first (beyond the quiet time before).
    var late: Int64 { start + 3 * 24 * 60 * minute - 4 * 60 * minute }
    var early: Int64 { late - 5 * 60 * minute }

    /// An outage of five hours: everyday traffic until it begins, its first ten minutes
    /// (`firstCount` complaints), one or two complaints a half hour between (no burst of their
    /// own, but the outage goes on: 13 in all), and its last ten minutes (26).
    func splitOutage(_ random: inout SeededRandom, firstCount: Int) -> (everyday: [Line], first: [Line], between: [Line], last: [Line]) {
        let everyday = ordinary(&random, from: start, days: 3, perHour: 40).filter { $0.at < early }
        let first = outage(&random, count: firstCount, from: early, minutes: 9, prefix: "first")
        var between: [Line] = []
        for half in 0..<9 {
            let from: Int64 = early + 30 * minute + Int64(half) * 30 * minute
            between += outage(&random, count: 1 + half % 2, from: from, minutes: 5, prefix: "between\(half)-")
        }
        return (everyday, first, between, outage(&random, count: 26, from: late, minutes: 9, prefix: "last"))
    }

    /// Customers telling, each in their own words, that the app is down.
    func outage(_ random: inout SeededRandom, count: Int, from: Int64, minutes: Int, prefix: String) -> [Line] {
        let texts = ["is the app down? can't log in", "app down again, cannot pay my rent", "Northwind app down?? login just spins",
                     "anyone else? the app is down for me", "APP DOWN. Fix it.", "app down and I need to move money now",
                     "your app is down again, third time this month", "is the app down for everyone or just me"]
        return (0..<count).map { index in
            (id: "\(prefix)\(index)", text: random.pick(texts), at: from + Int64(random.int(0...(minutes * 60_000))))
        }.sorted { $0.at < $1.at }
    }

    func testATitleIsTheTermAsMembersWriteIt() {
        let pair = IncidentTerms.key(IncidentTerms.pair("app", "down"))
        XCTAssertEqual(IncidentDetector.title(words: ["down", "app", "log"], key: pair, sample: ["Is the app down? can't log in"]), "app down")
        XCTAssertEqual(IncidentDetector.title(words: ["charged", "twice", "card"], key: IncidentTerms.key(IncidentTerms.pair("charged", "twice")),
                                              sample: ["my card was charged twice"]), "charged twice")
        XCTAssertEqual(IncidentDetector.title(words: ["outage", "app", "down"], key: IncidentTerms.key("outage"), sample: []), "outage, app")
    }

    func testAnIncidentsMembersAreCountedFromTheirIndexAlone() throws {
        let database = try AppDatabase.inMemory()
        let plan = try database.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Incident.select).map { $0["detail"] as String }.filter { $0.contains(" c ") }
        }
        XCTAssertEqual(plan.count, 2, "\(plan)")
        XCTAssertTrue(plan.allSatisfy { $0.contains("COVERING INDEX conversation_by_incident") }, "\(plan)")
    }
}
