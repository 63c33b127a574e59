import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// The open queue read from a copy of the cache in PostgreSQL (`heed queue --store`): the
/// cache's own, row for row, in its order.
final class QueueOnPostgresTests: XCTestCase {
    let folder = TemporaryFolder()

    let clock = FixedClock("2026-11-20T12:00:00Z")

    /// The demo's cache with ties the order must break the same way on both engines (equal
    /// priorities, and due times missing, which SQLite counts below any time and PostgreSQL,
    /// untold, above) and some conversations assigned, and its copy.
    func copied() throws -> (AppDatabase, PostgresLocation) {
        let now = clock.now()
        let (demo, _) = try DemoCache.build(path: folder.file("demo.sqlite"), size: 3_000, seed: 7, clock: clock)
        try demo.write { db in
            try db.execute(sql: "UPDATE conversation SET priority = 40, static_points = 3 WHERE status = 'open' AND id % 2 = 0")
            try db.execute(sql: "UPDATE conversation SET due_at = NULL WHERE status = 'open' AND id % 3 = 0")
            try db.execute(sql: "UPDATE conversation SET assignee = 'Sam' WHERE id % 5 = 1")
        }
        let location = try PostgresLocation(url: try LocalPostgres.shared().newDatabase())
        _ = try waitFor { try await StoreCopy.toPostgres(demo, location, by: "sam", now: now) }
        return (demo, location)
    }

    func testTheOpenQueueOfACopyIsTheCachesRowForRow() throws {
        let (demo, location) = try copied()
        let now = clock.now(), everything = try Query.parse("")
        let open = try demo.read { db in try Queue.countOpen(db) }
        let cached = try demo.read { db in try Queue.open(db, limit: open) }
        XCTAssertGreaterThan(cached.filter { $0.dueAt == nil && $0.priority == 40 }.count, 10)
        XCTAssertGreaterThan(cached.filter { $0.dueAt != nil && $0.priority == 40 }.count, 10)
        XCTAssertFalse(cached.allSatisfy { $0.tags.isEmpty } || cached.allSatisfy { $0.incidentID == nil } || cached.allSatisfy { $0.sentiment == nil })

        let whole = try QueuePage.search(location, everything, now: now, me: nil, limit: open, countBeyond: nil, quietMinutes: 30)
        XCTAssertEqual(whole.found, open)
        XCTAssertEqual(whole.rows.count, open)
        for (copy, cache) in zip(whole.rows, cached) { XCTAssertEqual(copy, cache) }
        let incidents = try demo.read { db in try Set(cached.compactMap(\.incidentID)).map { try XCTUnwrap(Incident.fetch(db, id: $0, now: now, quietMinutes: 30)) } }
        XCTAssertEqual(whole.incidents, Dictionary(uniqueKeysWithValues: incidents.map { ($0.id, $0) }))

        let page = try QueuePage.search(location, everything, now: now, me: nil, limit: 50, countBeyond: nil, quietMinutes: 30)
        XCTAssertEqual(page.rows, Array(cached.prefix(50)))
        XCTAssertEqual(page.found, open, "the count is of the whole queue, as the cache's")
    }

    /// heed's sessions tell the planner that a page read at random costs about what one read in
    /// order does: with PostgreSQL's default, `followers:` hashed all 400,000 open conversations
    /// rather than seek the open queue's index of authors for each of 2,672 (159 → 22 ms).
    func testSessionsPlanForTheSeeksHeedMakes() throws {
        let (_, location) = try copied()
        let store = try PostgresReader(location)
        defer { store.close() }
        let rows = try store.rows("SELECT current_setting('random_page_cost')", [])
        defer { rows.finish() }
        XCTAssertTrue(try rows.step())
        XCTAssertEqual(rows.text(0), String(PostgresSession.randomPageCost))
    }

    /// Every kind of term finds in the copy what it finds in the cache, in the same order,
    /// counted the same.
    func testASearchOfACopyFindsWhatItFindsInTheCache() throws {
        let (demo, location) = try copied()
        let searches = ["tag:fraud", "-tag:fraud", "tag:FRAUD OR tag:billing", "channel:x", "channel:x OR channel:reddit", "-channel:x",
                        "is:breached", "-is:breached", "is:unassigned", "is:escalated", "is:resolved", "is:waiting", "is:spam is:unassigned",
                        "priority:>40", "priority:<=20", "sentiment:<-0.3", "sentiment:>=0.5", "followers:>100", "age:>2h", "age:<1d",
                        "due:<1m", "due:>30m", "kind:complaint", "kind:question -is:breached", "incident:any", "incident:none", "incident:1",
                        "from:lucia_d", "from:LUCIA_D", "assignee:sam", "is:mine", "lang:es", "lang:ES OR lang:fr", "is:waiting channel:reddit",
                        "card", "CARD declined", "\"card declined\"", "card OR refund", "card OR refund declined", "-card", "card -declined",
                        "app OR card channel:x", "app -channel:x", "manana", "MAÑANA", "resolu", "fur", "\"FÜR die\""]
        let found = try compare(searches, demo, location)
        XCTAssertEqual(Set(searches).subtracting(found), ["is:resolved"], "the demo has something for every other search")
        let mixed = try QueuePage.search(location, try Query.parse("from:LUCIA_D"), now: clock.now(), me: nil, limit: 50, countBeyond: nil, quietMinutes: 30)
        XCTAssertFalse(mixed.rows.isEmpty, "handles are found whatever their case")
    }

    /// Text is split into words on both engines where SQLite's tokenizer splits it: at every
    /// character that is neither a letter nor a digit (an address, a link, an apostrophe), with
    /// the accents of Latin letters dropped and other letters kept as they are.
    func testWordsAreSplitAndFoldedAsInTheCache() throws {
        let now = clock.now()
        let texts = ["Write to joe@bank.com about it", "see https://bank.com/help?topic=cards now", "I don't know why", "£3,400 gone from my account",
                     "v2.0 of the app", "my 3rd time", "Straße gesperrt", "Œuvre ÆBLE", "İstanbul şube", "йод и йогурт", "日本語 テスト",
                     "x_y under_score", "Café ÑANDÚ", "ΆΛΦΑ ωμέγα", "the 1e5 error"]
        let lines = texts.enumerated().map { number, text in
            MentionLines.line(id: "w\(number)", text: text, at: "2026-11-20T11:\(10 + number):00Z", author: "person\(number)")
        }
        let cache = try AppDatabase.open(path: folder.file("words.sqlite"))
        let report = try Ingester(database: cache, config: Config(), clock: clock).ingest(path: folder.write("words.jsonl", lines.joined(separator: "\n") + "\n"))
        XCTAssertEqual(report.new, texts.count)
        let location = try PostgresLocation(url: try LocalPostgres.shared().newDatabase())
        _ = try waitFor { try await StoreCopy.toPostgres(cache, location, by: "sam", now: now) }
        let searches = ["bank", "joe", "\"bank com\"", "help", "topic", "don", "\"don't\"", "\"don t\"", "400", "\"3 400\"", "v2", "3rd", "straße",
                        "strasse", "oeuvre", "œuvre", "aeble", "istanbul", "sube", "йод", "иод", "日本語", "テスト", "under", "score", "cafe", "nandu",
                        "ωμεγα", "ωμέγα", "1e5", "\"of the\"", "\"the of\""]
        let found = try compare(searches, cache, location)
        XCTAssertEqual(Set(searches).subtracting(found), ["strasse", "oeuvre", "aeble", "иод", "ωμεγα", "\"the of\""],
                       "what neither engine finds: letters other than accented Latin ones are kept as they are")
    }

    /// A copy made before words were indexed says so, and what to do.
    func testACopyWithoutTheIndexOfWordsSaysToCopyAgain() throws {
        let (_, location) = try copied()
        try LocalPostgres.shared().psql(location.database, "ALTER TABLE mention DROP COLUMN words; DROP FUNCTION heed_phrase(text); DROP FUNCTION heed_words(text)")
        XCTAssertThrowsError(try QueuePage.search(location, try Query.parse("tag:fraud \"app down\""), now: clock.now(), me: nil, limit: 50,
                                                  countBeyond: nil, quietMinutes: 30)) { error in
            XCTAssertEqual((error as? QueryError)?.position, 10)
            XCTAssertEqual((error as? QueryError)?.message,
                           "this copy was made by an earlier heed, without an index of its words: copy the cache again to search them")
        }
        XCTAssertNoThrow(try QueuePage.search(location, try Query.parse("tag:fraud"), now: clock.now(), me: nil, limit: 50, countBeyond: nil,
                                              quietMinutes: 30))
    }

    /// A search of the copy that finds nothing offers what the same search of the cache offers,
    /// from the vocabulary copied with it; a copy made without one offers nothing.
    func testASearchOfTheCopyThatFindsNothingOffersTheCachesNearestWords() throws {
        let (demo, location) = try copied()
        let words = try demo.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention_words") }
        XCTAssertEqual(try LocalPostgres.shared().psql(location.database, "SELECT count(*) FROM mention_vocabulary"), words.map(String.init))
        let now = clock.now()
        func offered(_ text: String, copy: Bool = true) throws -> String? {
            let query = try Query.parse(text)
            return try copy
                ? QueuePage.search(location, query, now: now, me: nil, limit: 50, countBeyond: nil, quietMinutes: 30, suggesting: text).suggestion
                : QueuePage.search(demo, query, now: now, me: nil, limit: 50, countBeyond: nil, quietMinutes: 30, suggesting: text).suggestion
        }
        XCTAssertEqual(try offered("refnud"), "refund")
        XCTAssertEqual(try offered("acount tag:billing"), "account tag:billing")
        XCTAssertNil(try offered("refund"), "found: nothing offered")
        for text in ["refnud", "acount lokced", "declnied card", "refund", "xylophone", "-refnud", "from:someone"] {
            XCTAssertEqual(try offered(text), try offered(text, copy: false), text)
        }
        try LocalPostgres.shared().psql(location.database, "DROP TABLE mention_vocabulary")
        XCTAssertNil(try offered("refnud"))
    }

    /// Each search on both, at two page sizes: the same rows, count and incidents. Returns the
    /// searches that found something.
    private func compare(_ searches: [String], _ cache: AppDatabase, _ location: PostgresLocation) throws -> Set<String> {
        let now = clock.now()
        var found: Set<String> = []
        for text in searches {
            let query = try Query.parse(text)
            for (limit, beyond) in [(20, 5), (500, nil)] as [(Int, Int?)] {
                let cached = try QueuePage.search(cache, query, now: now, me: "sam", limit: limit, countBeyond: beyond, quietMinutes: 30)
                let copy = try QueuePage.search(location, query, now: now, me: "sam", limit: limit, countBeyond: beyond, quietMinutes: 30)
                XCTAssertEqual(copy.rows.map(\.conversationID), cached.rows.map(\.conversationID), text)
                XCTAssertEqual(copy.rows, cached.rows, text)
                XCTAssertEqual(copy.found, cached.found, text)
                XCTAssertEqual(copy.incidents, cached.incidents, text)
                if !cached.rows.isEmpty { found.insert(text) }
            }
        }
        return found
    }

    /// The copy's indexes put NULLs where SQLite does, so that a read in the cache's order walks
    /// the queue's index instead of sorting every open conversation.
    func testTheQueuesIndexIsMadeInTheCachesOrder() {
        XCTAssertEqual(StoreTable.postgresIndex("CREATE INDEX conversation_queue ON conversation(status, priority DESC, static_points DESC, due_at, waiting_since)"),
                       "CREATE INDEX conversation_queue ON conversation(status NULLS FIRST, priority DESC NULLS LAST, static_points DESC NULLS LAST, "
                       + "due_at NULLS FIRST, waiting_since NULLS FIRST)")
        XCTAssertEqual(StoreTable.postgresIndex("CREATE INDEX conversation_open_age ON conversation(coalesce(last_customer_at, last_at)) WHERE status = 'open'"),
                       "CREATE INDEX conversation_open_age ON conversation(coalesce(last_customer_at, last_at) NULLS FIRST) WHERE status = 'open'")
        XCTAssertEqual(StoreTable.postgresIndex("CREATE INDEX conversation_by_assignee ON conversation(assignee COLLATE NOCASE, status) WHERE assignee IS NOT NULL"),
                       "CREATE INDEX conversation_by_assignee ON conversation(lower(assignee) NULLS FIRST, status NULLS FIRST) WHERE assignee IS NOT NULL")
        XCTAssertEqual(StoreTable.postgresIndex("CREATE UNIQUE INDEX x ON t(a ASC, b)"), "CREATE UNIQUE INDEX x ON t(a NULLS FIRST, b NULLS FIRST)")
    }
}
