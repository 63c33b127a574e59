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

    func testValuesOfEveryKindAreReadAndRowsComeInBatches() throws {
        let store = try PostgresReader(try copied(database, now: clock.now()))
        defer { store.close() }
        let row = try store.rows("SELECT 7::int2, -8::int4, ?1::int8, true, false, 1.5::float4, ?2::float8, NULL::int8, ?3, 9::int8 * 1.5::float8",
                                 [.integer(Int64.min), .text("-0.25"), .text("été \u{1F600}")])
        XCTAssertTrue(try row.step())
        XCTAssertEqual((0..<5).map { row.int64($0) }, [7, -8, Int64.min, 1, 0])
        XCTAssertEqual([row.double(5), row.double(6), row.double(9), row.double(0)], [1.5, -0.25, 13.5, 7])
        XCTAssertTrue(row.isNull(7))
        XCTAssertEqual([row.optionalInt64(7), row.optionalInt64(2)], [nil, Int64.min])
        XCTAssertEqual(row.text(8), "été \u{1F600}")
        XCTAssertEqual(row.withBytes(8) { Array($0) }, Array("été \u{1F600}".utf8))
        XCTAssertNil(row.text(7))
        XCTAssertFalse(try row.step())

        let count = PostgresRows.batchSize * 2 + 3
        let numbers = try store.all("SELECT n FROM generate_series(1, ?1) AS n ORDER BY n", [.integer(Int64(count))]) { $0.int64(0) }
        XCTAssertEqual(numbers, Array(1...Int64(count)))
        // A query left part-read is closed, and the next one on the same snapshot still runs.
        XCTAssertEqual(try store.first("SELECT n FROM generate_series(1, ?1) AS n ORDER BY n", [.integer(Int64(count))]) { $0.int64(0) }, 1)
        // Six cursors so far (two when the reader began): only the one listing them is open.
        XCTAssertEqual(try store.all("SELECT name FROM pg_cursors WHERE name LIKE 'heed%'") { $0.text(0) ?? "" }, ["heed_read_6"])
    }

    func testPlaceholdersBecomePostgreSQLs() {
        XCTAssertEqual(PostgresReader.numbered("a = ?1 AND b = ?2 OR c = ?1"), "a = $1 AND b = $2 OR c = $1")
        XCTAssertEqual(PostgresReader.numbered("a = ? AND b = ?"), "a = $1 AND b = $2")
        XCTAssertEqual(PostgresReader.numbered("a = '?' AND \"b?\" = ?"), "a = '?' AND \"b?\" = $1")
        XCTAssertEqual(PostgresReader.numbered("a = 'it''s ?' AND b = ?12"), "a = 'it''s ?' AND b = $12")
    }
}
