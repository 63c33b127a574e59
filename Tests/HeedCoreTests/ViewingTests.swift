import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class ViewingTests: XCTestCase {
    func testScreensSayWhatTheyShowUntilTheyCloseOrGoQuiet() throws {
        let database = try AppDatabase.inMemory()
        let now: Int64 = 1_000_000_000
        try database.writer.write { db in
            try Viewing.set(db, operator: "sam", process: "host:1", conversation: 7, now: now)
            try Viewing.set(db, operator: "sam", process: "host:2", conversation: 7, now: now)
            try Viewing.set(db, operator: "priya", process: "host:3", conversation: 9, now: now)
            try Viewing.set(db, operator: "tomas", process: "host:4", conversation: 7, now: now)
        }
        let read = { (at: Int64, me: String?) in try database.writer.read { db in try Viewing.viewers(db, now: at, except: me) } }
        XCTAssertEqual(try read(now, "priya"), [7: ["sam", "tomas"]], "each operator once, however many screens; never me")
        XCTAssertEqual(try read(now, nil), [7: ["sam", "tomas"], 9: ["priya"]])

        // Sam's first screen moves on, the second closes; Tomás's stops renewing.
        try database.writer.write { db in
            try Viewing.set(db, operator: "sam", process: "host:1", conversation: 9, now: now + 60_000)
            try Viewing.set(db, operator: "sam", process: "host:2", conversation: nil, now: now + 60_000)
            try Viewing.set(db, operator: "priya", process: "host:3", conversation: 9, now: now + 60_000)
        }
        XCTAssertEqual(try read(now + Viewing.expiryMilliseconds + 1, nil), [9: ["priya", "sam"]], "Tomás's screen went quiet: not shown")
        let rows = try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM viewing") }
        XCTAssertEqual(rows, 3, "one row a screen")
    }
}
