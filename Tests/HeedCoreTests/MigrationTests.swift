import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// A cache an older heed wrote: migrated up to `migration`, given `rows`, closed, then opened
/// by this heed, which runs every later migration on it.
func upgradedCache(in folder: TemporaryFolder, from migration: String, rows: (Database) throws -> Void) throws -> AppDatabase {
    let path = folder.file("\(migration).sqlite")
    let queue = try DatabaseQueue(path: path)
    try Schema.migrator.migrate(queue, upTo: migration)
    try queue.write(rows)
    try queue.close()
    return try AppDatabase.open(path: path)
}

final class MigrationTests: XCTestCase {
    /// Dana on X with one conversation (id 1), as any schema since the first has them.
    static let oneConversation = """
        INSERT INTO contact (id, name, created_at) VALUES (1, 'Dana', 0);
        INSERT INTO contact_handle (id, contact_id, channel, source_id, handle, first_seen_at, last_seen_at) VALUES (1, 1, 'x', 'u1', 'dana', 0, 0);
        INSERT INTO conversation (id, channel, first_at, last_at, created_at, updated_at, mention_count, latest_mention_id, latest_customer_mention_id)
            VALUES (1, 'x', 0, 0, 0, 0, 1, 1, 1);

        """

    func testOlderCacheUpgradesItselfAndKeepsItsData() throws {
        let folder = TemporaryFolder()
        // Given a cache written by a heed that knew only the first migration, with a mention in it
        let database = try upgradedCache(in: folder, from: "v1-people-and-mentions") { db in
            try db.execute(sql: Self.oneConversation + """
                INSERT INTO mention (id, channel, source_id, conversation_id, handle_id, text, created_at, imported_at, updated_at)
                    VALUES (1, 'x', 't1', 1, 1, 'my card was charged twice', 0, 0, 0);
                """)
        }
        // Then every migration has run, and the old mention is there and searchable
        let applied = try database.read { db in try Schema.migrator.appliedIdentifiers(db) }
        XCTAssertEqual(applied, Set(AppDatabase.migrationNames))
        let found = try database.read { db in
            try Int64.fetchAll(db, sql: "SELECT rowid FROM mention_fts WHERE mention_fts MATCH 'charged'")
        }
        XCTAssertEqual(found, [1])
    }

    func testUpgradingToTheAuthorsIndexNamesEachConversationsLatestCustomer() throws {
        let folder = TemporaryFolder()
        let database = try upgradedCache(in: folder, from: "v28-handles-by-followers") { db in
            try db.execute(sql: Self.oneConversation + """
                INSERT INTO contact_handle (id, contact_id, channel, source_id, handle, followers, first_seen_at, last_seen_at)
                    VALUES (2, 1, 'x', 'u2', 'dana_too', 50000, 0, 0);
                INSERT INTO mention (id, channel, source_id, conversation_id, handle_id, text, created_at, imported_at, updated_at)
                    VALUES (1, 'x', 't1', 1, 1, 'card declined', 0, 0, 0), (2, 'x', 't2', 1, 2, 'still declined', 60000, 0, 0);
                UPDATE conversation SET latest_customer_mention_id = 2, last_customer_at = 60000 WHERE id = 1;
                INSERT INTO conversation (id, channel, first_at, last_at, created_at, updated_at) VALUES (2, 'x', 0, 0, 0, 0);
                """)
        }
        try database.read { db in
            XCTAssertEqual(try Row.fetchAll(db, sql: "SELECT id, latest_customer_handle_id FROM conversation ORDER BY id").map { [$0[0], $0[1]] as [Int64?] },
                           [[1, 2], [2, nil]], "the latest customer message's author; none without a customer message")
            XCTAssertEqual(try Queue.search(db, Query.parse("followers:>10000"), now: 60000, limit: 10).map(\.conversationID), [1])
        }
    }

    func testUpgradingToIncidentsCountsTheComplaintsAlreadyStored() throws {
        let folder = TemporaryFolder()
        let database = try upgradedCache(in: folder, from: "v6-text-fingerprints") { db in
            try db.execute(sql: Self.oneConversation + """
                INSERT INTO mention (id, channel, source_id, conversation_id, handle_id, text, created_at, imported_at, updated_at, kind, sentiment)
                    VALUES (1, 'x', 't1', 1, 1, 'the app is down', 86400000, 0, 0, 'complaint', -0.4),
                           (2, 'x', 't2', 1, 1, 'love the new app', 86400000, 0, 0, 'praise', 0.6);
                """)
        }
        let counts = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT term, day, count FROM term_day ORDER BY term").map { [$0[0] as Int64, $0[1] as Int64, $0[2] as Int64] }
        }
        XCTAssertEqual(Set(counts), [[0, 1, 1], [IncidentTerms.key("app"), 1, 1], [IncidentTerms.key("down"), 1, 1],
                                     [IncidentTerms.key("app down"), 1, 1]], "the complaint only, by its day")
    }

    func testUpgradingToScreenReadsGivesConversationsTheirLanguage() throws {
        let folder = TemporaryFolder()
        let database = try upgradedCache(in: folder, from: "v8-reasons-apart") { db in
            try db.execute(sql: Self.oneConversation + """
                INSERT INTO mention (id, channel, source_id, conversation_id, handle_id, text, created_at, imported_at, updated_at, lang)
                    VALUES (1, 'x', 't1', 1, 1, 'Die Karte wurde zweimal belastet', 0, 0, 0, 'de');
                UPDATE conversation SET assignee = 'Sam';
                """)
        }
        let found = try database.read { db in
            try Row.fetchOne(db, sql: "SELECT lang, (SELECT count(*) FROM conversation WHERE assignee = 'sam' COLLATE NOCASE) AS sams FROM conversation")
        }
        XCTAssertEqual(found?["lang"], "de", "the latest customer message's language")
        XCTAssertEqual(found?["sams"], 1)
    }

    func testUpgradingToTheQueueTallyCountsTheConversationsAlreadyStored() throws {
        let folder = TemporaryFolder()
        let database = try upgradedCache(in: folder, from: "v22-open-copies") { db in
            try db.execute(sql: Self.oneConversation + """
                INSERT INTO conversation (id, channel, first_at, last_at, created_at, updated_at, mention_count, status, breached, assignee)
                    VALUES (2, 'x', 0, 0, 0, 0, 0, 'open', 1, NULL), (3, 'x', 0, 0, 0, 0, 0, 'open', 1, 'sam'),
                           (4, 'x', 0, 0, 0, 0, 0, 'resolved', 0, 'sam');
                """)
        }
        XCTAssertEqual(try database.read(Queue.counts), QueueCounts(open: 3, breached: 2, escalated: 0))
        XCTAssertEqual(try database.read { db in try Queue.count(db, Query.parse("is:resolved"), now: 0) }, 1)
        XCTAssertEqual(try database.read { db in try Queue.count(db, Query.parse("is:unassigned is:breached"), now: 0) }, 1)
    }

    /// Since v30 an import tallies the conversations it makes, not a trigger: one an older heed
    /// made and tallied counts once, and the new ones count too.
    func testUpgradedPastTheTallysInsertTriggerTheImportTalliesWhatItMakes() throws {
        let folder = TemporaryFolder()
        let database = try upgradedCache(in: folder, from: "v29-open-by-author") { db in try db.execute(sql: Self.oneConversation) }
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'queue_tally_insert'") }, 0)
        let lines = [MentionLines.line(id: "a", text: "card declined", author: "u2"), MentionLines.line(id: "b", text: "still declined", author: "u3"),
                     MentionLines.line(id: "c", text: "and again", author: "u2", inReplyTo: "a")]
        _ = try Ingester(database: database, config: Config(), clock: FixedClock("2026-11-23T12:00:00Z"))
            .ingest(path: folder.write("in.jsonl", lines.joined(separator: "\n") + "\n"))
        try database.read { db in
            let tallied = try String.fetchAll(db, sql: """
                SELECT status || ' ' || breached || ' ' || unassigned || ' ' || conversations FROM queue_tally WHERE conversations != 0 ORDER BY 1
                """)
            XCTAssertEqual(tallied, try String.fetchAll(db, sql: """
                SELECT status || ' ' || breached || ' ' || (assignee IS NULL) || ' ' || count(*) FROM conversation GROUP BY status, breached, assignee IS NULL ORDER BY 1
                """))
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT sum(conversations) FROM queue_tally WHERE status = 'open'"), 3,
                           "the older one and the two the import made, breached by the time they were scored")
        }
    }

    /// Since v31 the complaints' counts are keyed by the day first (an import's counts of one day
    /// land together): the counts stored before are kept, each once.
    func testUpgradingTheTermCountsToTheDayFirstKeepsThem() throws {
        let folder = TemporaryFolder()
        let rows: [[Int64]] = [[0, 3, 5], [IncidentTerms.key("app"), 3, 2], [IncidentTerms.key("app"), 4, 1], [-7, 4, 9], [0, 4, 10]]
        let database = try upgradedCache(in: folder, from: "v30-imports-tally-new-conversations") { db in
            for row in rows { try db.execute(sql: "INSERT INTO term_day (term, day, count) VALUES (?, ?, ?)", arguments: StatementArguments(row)) }
        }
        try database.read { db in
            XCTAssertEqual(try Row.fetchAll(db, sql: "SELECT term, day, count FROM term_day").map { [$0[0] as Int64, $0[1] as Int64, $0[2] as Int64] },
                           rows.sorted { ($0[1], $0[0]) < ($1[1], $1[0]) }, "every count, read in the key's order: the day, then the term")
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT name FROM pragma_index_xinfo('sqlite_autoindex_term_day_1') WHERE key = 1 ORDER BY seqno"),
                           ["day", "term"])
        }
    }

    func testNewerCacheIsRefusedWithAClearMessage() throws {
        let folder = TemporaryFolder()
        let path = folder.file("new.sqlite")
        _ = try AppDatabase.open(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try queue.close()
        XCTAssertThrowsError(try AppDatabase.open(path: path)) { error in
            XCTAssertTrue("\(error)".contains("written by a newer heed"), "\(error)")
        }
    }

    func testNotACacheIsRefused() throws {
        let folder = TemporaryFolder()
        let path = folder.write("junk.sqlite", String(repeating: "not sqlite at all ", count: 100))
        XCTAssertThrowsError(try AppDatabase.open(path: path)) { XCTAssertTrue("\($0)".contains("not a heed cache"), "\($0)") }
    }

    func testNewCacheIsReadableByOwnerAndGroupOnly() throws {
        let folder = TemporaryFolder()
        let path = folder.file("sub/cache.sqlite")
        let old = umask(0o022)
        defer { umask(old) }
        _ = try AppDatabase.open(path: path)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
        XCTAssertEqual(mode & 0o777, 0o660)
    }

    /// A screen and `heed run` started together on a cache that is not there yet: one creates
    /// it, and neither is told it is locked while the other is setting it up.
    func testSeveralOpeningANewCacheAtOnceAllGetIt() throws {
        let folder = TemporaryFolder()
        for round in 0..<12 {
            let path = folder.file("cache-\(round).sqlite")
            let failures = NSLock()
            nonisolated(unsafe) var failed: [String] = []
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do {
                    let database = try AppDatabase.open(path: path)
                    _ = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation") }
                } catch {
                    failures.withLock { failed.append("\(error)") }
                }
            }
            XCTAssertEqual(failed, [], "round \(round)")
            let database = try AppDatabase.open(path: path)
            XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") }, 2, "incremental, whoever created it")
            XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }, "wal")
        }
        let strays = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix("cache-") || !$0.contains(".sqlite") }
        XCTAssertEqual(strays, [], "nothing left beside the caches")
    }

    func testEventLogRefusesRewrites() throws {
        let database = try AppDatabase.inMemory()
        try database.write { db in
            try db.execute(sql: "INSERT INTO event (at, operator, kind) VALUES (1, 'sam', 'tag')")
        }
        XCTAssertThrowsError(try database.write { db in try db.execute(sql: "UPDATE event SET operator = 'priya'") })
        XCTAssertThrowsError(try database.write { db in try db.execute(sql: "DELETE FROM event") })
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT operator FROM event") }, "sam")
    }
}

final class ChangeWatcherTests: XCTestCase {
    func testAnotherConnectionsCommitChangesTheVersion() throws {
        let folder = TemporaryFolder()
        let database = try AppDatabase.open(path: folder.file("c.sqlite"))
        let version = try database.changeWatcher()
        let before = try version()
        XCTAssertEqual(try version(), before, "nothing written, nothing changed")
        try database.write { db in try db.execute(sql: "INSERT INTO tag (name) VALUES ('billing')") }
        XCTAssertNotEqual(try version(), before)
    }
}
