import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// Reports read from a copy of the cache in PostgreSQL (`heed report --store`), as a compliance
/// office reads them from the database it keeps: the cache's own figures, to the last field.
extension ReportTests {
    /// Copies `database` into a new PostgreSQL database and returns where it is.
    func copied(_ database: AppDatabase, now: Int64) throws -> PostgresLocation {
        let location = try PostgresLocation(url: try LocalPostgres.shared().newDatabase())
        _ = try waitFor { try await StoreCopy.toPostgres(database, location, by: "sam", now: now) }
        return location
    }

    func testTheMonthFromAPostgreSQLCopyIsTheCachesInEveryGrouping() throws {
        _ = try month()
        let database = try XCTUnwrap(database), now = clock.now()
        let location = try copied(database, now: now)
        let period = try ReportPeriod(since: "2026-11-01", until: "2026-11-30", now: now, timeZone: "Europe/London")
        for grouping in ReportGrouping.allCases {
            let cache = try Report.make(database, config: Self.config, since: period.since, until: period.until, by: grouping, now: now)
            let copy = try Report.make(location, config: Self.config, since: period.since, until: period.until, by: grouping, now: now)
            XCTAssertGreaterThan(cache.total.heard.opened, 5)
            XCTAssertFalse(cache.shifts.isEmpty || cache.suggestedAdvocates.isEmpty, "the month has shifts and advocates to read")
            XCTAssertEqual(copy.json, cache.json, grouping.rawValue)
        }
        // Both ways of reading the messages: straight through the table, and by conversation.
        let store = try PostgresReader(location)
        defer { store.close() }
        let expected = try database.read { db in try ReportFacts.load(CacheReader(db), since: period.since, until: period.until, now: now, read: .straight) }
        for read in [ReportFacts.MessageRead.straight, .byConversation] {
            let facts = try ReportFacts.load(store, since: period.since, until: period.until, now: now, read: read)
            XCTAssertEqual(Report(facts: facts, config: Self.config, since: period.since, until: period.until, by: .day, now: now).json,
                           Report(facts: expected, config: Self.config, since: period.since, until: period.until, by: .day, now: now).json, "\(read)")
        }
    }

    /// The demo's cache, with an incident and our post about it, read by a role that may only
    /// SELECT: what a reporting role is given.
    func testADemoCacheFromAPostgreSQLCopyByARoleThatOnlyReads() throws {
        let demoClock = FixedClock("2026-11-20T12:00:00Z"), now = demoClock.now()
        let (demo, _) = try DemoCache.build(path: folder.file("demo.sqlite"), size: 3_000, seed: 7, clock: demoClock)
        let config = try ExampleConfig.load()
        let incident = try XCTUnwrap(try demo.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM incident ORDER BY id LIMIT 1") })
        _ = try ActionService(database: demo, config: config, clock: FixedClock(now - 3_600_000))
            .broadcast(incident: incident, text: "We know the app is down for some of you; we are on it.", by: config.operators[0])
        let location = try copied(demo, now: now)
        let postgres = try LocalPostgres.shared()
        try postgres.psql(location.database, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(LocalPostgres.reader)")
        let reader = try PostgresLocation(url: postgres.url(location.database).replacingOccurrences(of: "user=heed", with: "user=\(LocalPostgres.reader)"))
        XCTAssertEqual(reader.user, LocalPostgres.reader)

        for grouping in [ReportGrouping.channel, .day, .operator] {
            let cache = try Report.make(demo, config: config, since: now - 30 * 86_400_000, until: now, by: grouping, now: now)
            let copy = try Report.make(reader, config: config, since: now - 30 * 86_400_000, until: now, by: grouping, now: now)
            XCTAssertFalse(cache.incidents.isEmpty)
            XCTAssertNotNil(cache.incidents.first?.firstPostAfterMs)
            XCTAssertEqual(copy.json, cache.json, grouping.rawValue)
        }
        let store = try PostgresReader(reader)
        defer { store.close() }
        XCTAssertThrowsError(try store.run("UPDATE conversation SET status = 'resolved'")) { error in
            XCTAssertTrue("\(error)".contains("read-only transaction"), "\(error)")
        }
    }

    func testOnlyACopyOfThisHeedsCacheIsReported() throws {
        let postgres = try LocalPostgres.shared()
        let empty = try PostgresLocation(url: try postgres.newDatabase())
        XCTAssertThrowsError(try Report.make(empty, config: Self.config, since: 0, until: 1, by: .day, now: 1)) { error in
            XCTAssertEqual((error as? HeedError)?.message,
                           "the store \(empty) has no heed schema: it is not a copy of a heed cache (heed store migrate --to writes one)")
        }
        let location = try copied(database, now: clock.now())
        try postgres.psql(location.database, "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')")
        XCTAssertThrowsError(try Report.make(location, config: Self.config, since: 0, until: 1, by: .day, now: 1)) { error in
            XCTAssertEqual((error as? HeedError)?.message, "the store was copied by a newer heed (its schema has \(Schema.migrator.migrations.count + 1) "
                           + "migrations, this heed's \(Schema.migrator.migrations.count)): read it with that heed")
        }
    }

    func testPlaceholdersBecomePostgreSQLs() {
        XCTAssertEqual(PostgresReader.numbered("a = ?1 AND b = ?2 OR c = ?1"), "a = $1 AND b = $2 OR c = $1")
        XCTAssertEqual(PostgresReader.numbered("a = ? AND b = ?"), "a = $1 AND b = $2")
        XCTAssertEqual(PostgresReader.numbered("a = '?' AND \"b?\" = ?"), "a = '?' AND \"b?\" = $1")
        XCTAssertEqual(PostgresReader.numbered("a = 'it''s ?' AND b = ?12"), "a = 'it''s ?' AND b = $12")
    }
}
