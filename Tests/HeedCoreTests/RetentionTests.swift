import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class RetentionTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-01-10T12:00:00Z")

    static let config: Config = {
        var config = Config()
        config.accounts = ["x": ["NorthwindHelp"]]
        config.operators = [Operator(handle: "sam", name: "Sam", unixUser: nil, role: .lead, signature: "", intro: nil, teams: [], maxAssigned: nil)]
        return config
    }()
    static let policy = RetentionPolicy(days: 30, channels: ["email": 90])

    func ingest(_ database: AppDatabase, _ lines: [String]) throws {
        _ = try Ingester(database: database, config: Self.config, clock: clock).ingest(path: folder.write("in-\(UUID().uuidString).jsonl", lines.joined(separator: "\n") + "\n"))
    }

    func conversation(_ database: AppDatabase, _ source: String) throws -> Int64 {
        try XCTUnwrap(database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention WHERE source_id = ?", arguments: [source]) })
    }

    func testTextPastItsChannelsRetentionGoesAndTheFiguresAndTheChainStay() throws {
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        try ingest(database, [
            MentionLines.line(id: "old-x", text: "old xylophone complaint", at: "2026-01-10T09:00:00Z", author: "a1", handle: "alder"),
            MentionLines.line(channel: "email", id: "old-mail", text: "old mail about marmalade", at: "2026-01-10T09:00:00Z", author: "b1", handle: "birch@example.com"),
            MentionLines.line(id: "old-open", text: "old but open oboe question", at: "2026-01-10T09:00:00Z", author: "c1", handle: "cedar"),
            MentionLines.line(id: "new-x", text: "newer xylophone praise", at: "2026-01-10T09:00:00Z", author: "d1", handle: "dogwood"),
            MentionLines.line(id: "also-alder", text: "alder again, still open", at: "2026-01-10T10:00:00Z", author: "a2", handle: "alder2"),
        ])
        let service = ActionService(database: database, config: Self.config, clock: clock)
        let sam = Self.config.operators[0]
        let (oldX, oldMail, newX) = (try conversation(database, "old-x"), try conversation(database, "old-mail"), try conversation(database, "new-x"))
        try service.perform(.note("called alder about the xylophone"), on: oldX, by: sam)
        for id in [oldX, oldMail] { try service.perform(.resolve, on: id, by: sam) }
        clock.advance(seconds: 20 * 86_400)
        try ingest(database, [MentionLines.line(id: "new-x-2", text: "xylophone follow-up", at: "2026-01-30T09:00:00Z", author: "d1", handle: "dogwood",
                                                inReplyTo: "new-x")])
        try service.perform(.resolve, on: newX, by: sam)
        let figures = { try database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, channel, status, first_at, last_at, sentiment, kind, mention_count FROM conversation ORDER BY id").map(\.description)
        } }
        let before = try figures()

        clock.advance(seconds: 25 * 86_400)  // 45 days after the first messages, 25 after the follow-up
        let report = try Retention.enforce(database, policy: Self.policy, now: clock.now())
        XCTAssertEqual(report.conversations, 1, "only the resolved x conversation is past its 30 days")
        XCTAssertEqual(report.mentions, 1)
        XCTAssertEqual(report.contacts, 1, "alder wrote nothing else: their handle goes too")
        XCTAssertGreaterThanOrEqual(report.eventsRedacted, 2, "its note and its resolve")
        try database.read { db in
            let texts = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT source_id, text FROM mention").map { ($0[0] as String, $0[1] as String) })
            XCTAssertEqual(texts["old-x"], "(removed by retention 2026-02-24)")
            XCTAssertEqual(texts["old-mail"], "old mail about marmalade", "e-mail is kept 90 days")
            XCTAssertEqual(texts["old-open"], "old but open oboe question", "an open conversation keeps its text")
            XCTAssertEqual(texts["new-x"], "newer xylophone praise", "its last message is 25 days old")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM mention_fts WHERE mention_fts MATCH 'complaint'"), 0, "the index follows")
            XCTAssertEqual(try String.fetchOne(db, sql: "SELECT text FROM note"), "(removed by retention 2026-02-24)")
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT handle FROM contact_handle WHERE source_id LIKE 'erased:%'").count, 1)
            XCTAssertEqual(try String.fetchOne(db, sql: "SELECT handle FROM contact_handle WHERE handle = 'alder2'"), "alder2", "another customer keeps theirs")
        }
        XCTAssertEqual(try figures(), before, "times, statuses, kinds and counts stay for the reports")
        let audit = try AuditReport.verify(database)
        XCTAssertTrue(audit.isWhole, "\(audit.problems)")
        XCTAssertEqual(audit.redacted, report.eventsRedacted)

        XCTAssertEqual(try Retention.enforce(database, policy: Self.policy, now: clock.now()), Retention.Report(), "nothing twice")
        clock.advance(seconds: 50 * 86_400)
        let later = try Retention.enforce(database, policy: Self.policy, now: clock.now())
        XCTAssertEqual(later.conversations, 2, "then the e-mail and the newer one")
        XCTAssertTrue(try AuditReport.verify(database).isWhole)
    }

    func testAPassGoesInSmallTransactionsEachLogged() throws {
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let count = Retention.batchSize + 50
        try ingest(database, (0..<count).map { MentionLines.line(id: "m\($0)", text: "spam spam \($0)", at: "2026-01-10T09:00:00Z", author: "s\($0)") })
        let service = ActionService(database: database, config: Self.config, clock: clock)
        let ids = try database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM conversation WHERE status <> 'spam'") }
        _ = service.performEach(.spam, on: ids.map { ($0, nil) }, by: Self.config.operators[0])
        clock.advance(seconds: 31 * 86_400)
        var asked = 0
        let stopped = try Retention.enforce(database, policy: Self.policy, now: clock.now()) { asked += 1; return asked > 1 }
        XCTAssertEqual(stopped.conversations, Retention.batchSize, "a stop is heeded between transactions")
        let rest = try Retention.enforce(database, policy: Self.policy, now: clock.now())
        XCTAssertEqual(rest.conversations, 50)
        let logged = try database.read { db in try String.fetchAll(db, sql: "SELECT json_extract(after, '$.conversations') FROM event WHERE kind = 'retention'") }
        XCTAssertEqual(logged, ["\(Retention.batchSize)", "50"])
    }

    /// A cache heed made gives the pages retention frees back to the disk: long texts' (an
    /// e-mail's) overflow pages. (A short text's page is only emptied in part: SQLite keeps it.)
    func testTheCacheShrinks() throws {
        let path = folder.file("cache.sqlite")
        let database = try AppDatabase.open(path: path)
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") }, 2, "incremental")
        let long = String(repeating: "a long complaint about the branch, the queue and the fees. ", count: 150)
        try ingest(database, (0..<300).map { MentionLines.line(id: "m\($0)", text: "\($0) " + long, at: "2026-01-10T09:00:00Z", author: "c\($0)") })
        let service = ActionService(database: database, config: Self.config, clock: clock)
        let ids = try database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM conversation") }
        _ = service.performEach(.resolve, on: ids.map { ($0, nil) }, by: Self.config.operators[0])
        let pages = { try database.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 } }
        let before = try pages()
        clock.advance(seconds: 31 * 86_400)
        let report = try Retention.enforce(database, policy: Self.policy, now: clock.now())
        XCTAssertEqual(report.conversations, 300)
        XCTAssertGreaterThan(report.pagesFreed, 0)
        XCTAssertLessThan(try pages(), before - report.pagesFreed / 2, "the file is smaller: \(before) pages before")
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "PRAGMA freelist_count") }, 0)
    }

    /// A cache an older heed made (no incremental vacuum) keeps the pages retention emptied in
    /// part until `heed vacuum` rewrites it, with everyone out; then it gives pages back itself.
    func testVacuumGivesBackWhatRetentionEmptiedAndTakesUpIncrementalVacuum() throws {
        let path = folder.file("old.sqlite")
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v17-streaming")
        try queue.close()
        var database: AppDatabase? = try AppDatabase.open(path: path)
        XCTAssertEqual(try database!.read { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") }, 0)
        try ingest(database!, (0..<2_000).map { MentionLines.line(id: "m\($0)", text: "parcel \($0) never came, tracking says delivered to the depot",
                                                                 at: "2026-01-10T09:00:00Z", author: "c\($0)") })
        let ids = try database!.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM conversation") }
        _ = ActionService(database: database!, config: Self.config, clock: clock).performEach(.resolve, on: ids.map { ($0, nil) }, by: Self.config.operators[0])
        clock.advance(seconds: 31 * 86_400)
        XCTAssertEqual(try Retention.enforce(database!, policy: Self.policy, now: clock.now()).conversations, 2_000)

        XCTAssertThrowsError(try Backup.vacuum(path, by: "sam", now: clock.now())) {
            XCTAssertEqual(($0 as? HeedError)?.kind, .conflict, "while the cache is open")
        }
        try database!.close()
        database = nil
        let done = try Backup.vacuum(path, by: "sam", now: clock.now())
        XCTAssertLessThan(done.bytesAfter, done.bytesBefore * 3 / 4, "\(done)")
        let reopened = try AppDatabase.open(path: path)
        XCTAssertEqual(try reopened.read { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") }, 2)
        XCTAssertEqual(try reopened.read { db in try String.fetchOne(db, sql: "SELECT operator FROM event WHERE kind = 'vacuum'") }, "sam")
        XCTAssertTrue(try AuditReport.verify(reopened).isWhole)
    }

    func testThePolicyIsReadWithItsProblemsNamed() throws {
        let good = try ConfigLoader.parse(#"{"retention": {"days": 400, "channels": {"email": 730}}}"#, file: "c.json").get()
        XCTAssertEqual(good.retention, RetentionPolicy(days: 400, channels: ["email": 730]))
        guard case .failure(let error) = ConfigLoader.parse("{\"retention\": {\"days\": 0,\n \"channels\": {\"emial\": 30}}}", file: "c.json") else {
            return XCTFail("expected problems")
        }
        XCTAssertEqual(error.problems.map(\.description), [
            "c.json:1: retention.days: 0 is out of range 1…36500",
            "c.json:2: retention.channels.emial: unknown channel \"emial\" (did you mean \"email\"?); known: x, mastodon, bluesky, reddit, facebook, youtube, linkedin, blog, forum, email (add others under \"channels\")",
        ])
    }
}
