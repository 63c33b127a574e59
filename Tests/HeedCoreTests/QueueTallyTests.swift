import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class QueueTallyTests: XCTestCase {
    let folder = TemporaryFolder()
    let start = RFC3339.milliseconds(from: "2026-11-20T18:30:00Z")!

    /// The tally's rows beside the conversations counted one by one.
    func assertTallied(_ database: AppDatabase, _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (counted, tallied) = try database.read { db in
            (try Row.fetchAll(db, sql: """
                SELECT status, breached, assignee IS NULL, count(*) FROM conversation GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                """).map { "\($0[0] as String) \($0[1] as Int) \($0[2] as Int) \($0[3] as Int)" },
             try Row.fetchAll(db, sql: """
                SELECT status, breached, unassigned, conversations FROM queue_tally WHERE conversations != 0 ORDER BY 1, 2, 3
                """).map { "\($0[0] as String) \($0[1] as Int) \($0[2] as Int) \($0[3] as Int)" })
        }
        XCTAssertEqual(tallied, counted, message, file: file, line: line)
    }

    /// The triggers only update rows, never insert them: every status has its four rows (breached
    /// or not, assigned or not) from the cache's creation, whatever it holds.
    func testEveryStatusHasItsRowsBeforeAnyConversation() throws {
        let database = try AppDatabase.inMemory()
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT status, breached, unassigned, conversations FROM queue_tally").map { "\($0[0] as String) \($0[1] as Int) \($0[2] as Int) \($0[3] as Int)" }
        }
        let expected = ConversationStatus.allCases.flatMap { status in [0, 1].flatMap { breached in [0, 1].map { "\(status.rawValue) \(breached) \($0) 0" } } }
        XCTAssertEqual(rows.sorted(), expected.sorted())
    }

    func testTheTallyFollowsConversationsAsTheyComeChangeAndGo() throws {
        let (database, _) = try DemoCache.build(path: folder.file("demo.sqlite"), size: 600, seed: 3, clock: FixedClock(start))
        try assertTallied(database, "imported: triaged, answered, grouped into incidents")
        let sam = try XCTUnwrap(try ExampleConfig.load().operators.first)
        let service = ActionService(database: database, config: try ExampleConfig.load(), clock: FixedClock(start))
        let open = try database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM conversation WHERE status = 'open' AND assignee IS NULL ORDER BY id LIMIT 4") }
        try service.perform(.assign(sam.handle), on: open[0], by: sam)
        try service.perform(.resolve, on: open[1], by: sam)
        try service.perform(.snooze(until: start + 3_600_000), on: open[2], by: sam)
        try service.perform(.spam, on: open[3], by: sam)
        try assertTallied(database, "assigned, resolved, snoozed and marked spam by an operator")
        let triager = Triager(config: try ExampleConfig.load())
        try triager.catchUp(database, now: start + 7 * 86_400_000)
        try assertTallied(database, "breached as the clock moves on, the snooze woken")
        try database.write { db in
            try db.execute(sql: "UPDATE conversation SET priority = priority + 1, assignee = 'priya' WHERE assignee IS NOT NULL")
            try db.execute(sql: "UPDATE conversation SET status = 'open', breached = 0 WHERE status = 'resolved'")
        }
        try assertTallied(database, "set straight, changed or not")
    }

    func testThreadsFoundToBeOneAreTalliedOnce() throws {
        let database = try AppDatabase.inMemory()
        let ingester = Ingester(database: database, config: Config(), clock: FixedClock(start))
        // c replies to b, which replies to a: c and b arrive first, in imports of their own, as
        // two conversations, and a makes them one.
        for (index, line) in [MentionLines.line(id: "c", author: "u1", inReplyTo: "b"), MentionLines.line(id: "d", author: "u4", inReplyTo: "a"),
                              MentionLines.line(id: "b", author: "u2", inReplyTo: "a"), MentionLines.line(id: "a", author: "u3")].enumerated() {
            _ = try ingester.ingest(path: folder.write("\(index).jsonl", line + "\n"))
            try assertTallied(database, "after import \(index)")
        }
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation") }, 1)
        XCTAssertEqual(try database.read(Queue.countOpen), 1)
    }

    func testCountsTheTallyHoldsAreTheCountsOfTheConversations() throws {
        let (database, _) = try DemoCache.build(path: folder.file("demo.sqlite"), size: 600, seed: 3, clock: FixedClock(start))
        try Triager(config: try ExampleConfig.load()).catchUp(database, now: start + 3_600_000)
        try database.read { db in
            for (text, sql) in [("", "status = 'open'"), ("is:resolved", "status = 'resolved'"), ("is:breached", "status = 'open' AND breached = 1"),
                                ("is:unassigned is:breached", "status = 'open' AND breached = 1 AND assignee IS NULL"),
                                ("is:unassigned", "status = 'open' AND assignee IS NULL"), ("is:spam", "status = 'spam'"),
                                ("is:breached channel:x", "status = 'open' AND breached = 1 AND channel = 'x'"),
                                ("is:resolved is:open", "0"), ("-is:breached", "status = 'open' AND breached = 0")] {
                let query = try Query.parse(text)
                let expected = try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation WHERE \(sql)") ?? 0
                XCTAssertEqual(try Queue.count(db, query, now: start), expected, text)
                let tallied = ["", "is:resolved", "is:breached", "is:unassigned is:breached", "is:unassigned", "is:spam"].contains(text)
                XCTAssertEqual(try QueueTally.count(CacheReader(db), query) != nil, tallied, "\(text): read from the tally")
            }
            XCTAssertGreaterThan(try QueueTally.count(db, status: .open, breached: true), 0, "the demo has late conversations")
        }
    }
}
