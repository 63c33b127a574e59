import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// The re-score every minute reads only the open conversations whose clock's part may have
/// moved (`clock_check_at`), yet every priority and breach stays what computing it afresh gives.
final class ClockCheckTests: XCTestCase {
    let folder = TemporaryFolder()

    /// Every open conversation's stored priority and breach against `explain`, which computes
    /// them from the stored signals at `now`.
    func assertFresh(_ database: AppDatabase, _ triager: Triager, now: Int64, _ message: String) throws {
        let stale = try database.read { db -> [String] in
            try Int64.fetchAll(db, sql: "SELECT id FROM conversation WHERE status = 'open' AND waiting_since IS NOT NULL ORDER BY id").compactMap { id in
                let row = try Row.fetchOne(db, sql: "SELECT priority, breached FROM conversation WHERE id = ?", arguments: [id])!
                let fresh = try triager.explain(id, in: db, now: now)!
                return fresh.priority == row["priority"] && fresh.breached == row["breached"] ? nil
                    : "#\(id): stored \(row["priority"] as Int)/\(row["breached"] as Bool), afresh \(fresh.priority)/\(fresh.breached)"
            }
        }
        XCTAssertEqual(stale, [], message)
    }

    func walk(businessHoursOnly: Bool) throws {
        let start = RFC3339.milliseconds(from: "2026-11-20T18:30:00Z")!
        let (database, _) = try DemoCache.build(path: folder.file("demo-\(businessHoursOnly).sqlite"), size: 2_500, seed: 11, clock: FixedClock(start))
        var config = try ExampleConfig.load()
        config.sla.businessHoursOnly = businessHoursOnly
        let triager = Triager(config: config)
        if businessHoursOnly { try triager.retriageOpen(database, now: start) }
        let open = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation WHERE status = 'open'")! }
        XCTAssertGreaterThan(open, 100)
        var random = SeededRandom(seed: 5)
        var now = start, read = 0, changed = 0, steps = 0
        // Three days in uneven steps, from a minute to an hour and a half: evenings, a weekend's start.
        while now < start + 3 * 86_400_000 {
            now += Int64(random.int(1...90)) * 60_000
            let due = try database.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation WHERE status = 'open' AND clock_check_at <= ?", arguments: [now])!
            }
            changed += try triager.catchUp(database, now: now)
            read += due
            steps += 1
            try assertFresh(database, triager, now: now, "at \(RFC3339.string(fromMilliseconds: now))")
        }
        XCTAssertGreaterThan(changed, open, "priorities moved")
        XCTAssertLessThan(read, steps * open / 2, "most steps read few of the open conversations")
    }

    func testOnlyTheDueAreReadAndEveryPriorityStaysFresh() throws {
        try walk(businessHoursOnly: false)
    }

    func testBusinessHoursNeverMakeACheckLate() throws {
        try walk(businessHoursOnly: true)
    }

    /// A change by a path that does not say when to look again (here a status set straight)
    /// has the conversation looked at by the next re-score, and a clock set back reads them all.
    func testAChangedInputOrAClockSetBackIsLookedAtAgain() throws {
        let start = RFC3339.milliseconds(from: "2026-11-20T18:30:00Z")!
        let (database, _) = try DemoCache.build(path: folder.file("demo.sqlite"), size: 600, seed: 3, clock: FixedClock(start))
        let triager = Triager(config: try ExampleConfig.load())
        try triager.catchUp(database, now: start)
        let id = try database.write { db -> Int64 in
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM conversation WHERE status = 'open' AND clock_check_at > 0 LIMIT 1")!
            try db.execute(sql: "UPDATE conversation SET sla_minutes = sla_minutes + 1 WHERE id = ?", arguments: [id])
            return id
        }
        XCTAssertEqual(try database.read { db in try Int64.fetchOne(db, sql: "SELECT clock_check_at FROM conversation WHERE id = ?", arguments: [id]) }, 0)
        try triager.catchUp(database, now: start + 1)
        XCTAssertGreaterThan(try database.read { db in try Int64.fetchOne(db, sql: "SELECT clock_check_at FROM conversation WHERE id = ?", arguments: [id]) } ?? 0, 0)

        try triager.catchUp(database, now: start + 86_400_000)
        try triager.catchUp(database, now: start + 3_600_000)
        try assertFresh(database, triager, now: start + 3_600_000, "a day on, then back to an hour after the start")
    }
}
