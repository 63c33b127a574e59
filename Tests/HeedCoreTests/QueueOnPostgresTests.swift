import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// The open queue read from a copy of the cache in PostgreSQL (`heed queue --store`): the
/// cache's own, row for row, in its order.
final class QueueOnPostgresTests: XCTestCase {
    let folder = TemporaryFolder()

    func testTheOpenQueueOfACopyIsTheCachesRowForRow() throws {
        let clock = FixedClock("2026-11-20T12:00:00Z"), now = clock.now()
        let (demo, _) = try DemoCache.build(path: folder.file("demo.sqlite"), size: 3_000, seed: 7, clock: clock)
        // Ties the order must break the same way on both engines: equal priorities, and due
        // times missing, which SQLite counts below any time and PostgreSQL, untold, above.
        try demo.write { db in
            try db.execute(sql: "UPDATE conversation SET priority = 40, static_points = 3 WHERE status = 'open' AND id % 2 = 0")
            try db.execute(sql: "UPDATE conversation SET due_at = NULL WHERE status = 'open' AND id % 3 = 0")
        }
        let location = try PostgresLocation(url: try LocalPostgres.shared().newDatabase())
        _ = try waitFor { try await StoreCopy.toPostgres(demo, location, by: "sam", now: now) }

        let open = try demo.read { db in try Queue.countOpen(db) }
        let cached = try demo.read { db in try Queue.open(db, limit: open) }
        XCTAssertGreaterThan(cached.filter { $0.dueAt == nil && $0.priority == 40 }.count, 10)
        XCTAssertGreaterThan(cached.filter { $0.dueAt != nil && $0.priority == 40 }.count, 10)
        XCTAssertFalse(cached.allSatisfy { $0.tags.isEmpty } || cached.allSatisfy { $0.incidentID == nil } || cached.allSatisfy { $0.sentiment == nil })

        let whole = try QueuePage.open(location, limit: open, now: now, quietMinutes: 30)
        XCTAssertEqual(whole.open, open)
        XCTAssertEqual(whole.rows.count, open)
        for (copy, cache) in zip(whole.rows, cached) { XCTAssertEqual(copy, cache) }
        let incidents = try demo.read { db in try Set(cached.compactMap(\.incidentID)).map { try XCTUnwrap(Incident.fetch(db, id: $0, now: now, quietMinutes: 30)) } }
        XCTAssertEqual(whole.incidents, Dictionary(uniqueKeysWithValues: incidents.map { ($0.id, $0) }))

        let page = try QueuePage.open(location, limit: 50, now: now, quietMinutes: 30)
        XCTAssertEqual(page.rows, Array(cached.prefix(50)))
        XCTAssertEqual(page.open, open, "the count is of the whole queue, as the cache's")
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
