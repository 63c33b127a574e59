import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// A write of many rows (the clock's re-scoring, a full triage) is one transaction with SQLite's
/// statement journals in memory for that transaction only.
final class ManyRowsWriteTests: XCTestCase {
    let folder = TemporaryFolder()

    func testJournalsStayInMemoryForThatTransactionOnlyAndAFailureWritesNothing() throws {
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let setting = { try database.write { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") } }
        let before = try setting()
        let inside = try database.writeManyRows { db -> Int? in
            try db.execute(sql: "INSERT INTO tag (name) VALUES ('kept')")
            return try Int.fetchOne(db, sql: "PRAGMA temp_store")
        }
        XCTAssertEqual(inside, 2, "in memory")
        XCTAssertEqual(try setting(), before, "set back")
        struct Failure: Error {}
        XCTAssertThrowsError(try database.writeManyRows { db in
            try db.execute(sql: "INSERT INTO tag (name) VALUES ('dropped')")
            throw Failure()
        })
        XCTAssertEqual(try setting(), before)
        let tags = try database.read { db in try String.fetchAll(db, sql: "SELECT name FROM tag WHERE name IN ('kept', 'dropped')") }
        XCTAssertEqual(tags, ["kept"])
    }
}
