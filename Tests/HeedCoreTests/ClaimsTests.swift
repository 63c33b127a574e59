import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class ClaimsTests: XCTestCase {
    func testScreensClaimWhatTheyShowUntilTheyMoveOnOrGoQuiet() throws {
        let database = try AppDatabase.inMemory()
        let now: Int64 = 1_000_000_000
        try database.write { db in
            try db.execute(sql: MigrationTests.oneConversation)
            try db.execute(sql: """
                INSERT INTO conversation (id, channel, first_at, last_at, created_at, updated_at) VALUES (2, 'x', 0, 0, 0, 0);
                INSERT INTO claim (conversation_id, operator, kind, version_seen, claimed_at, expires_at) VALUES (2, 'lee', 'replying', 1, 0, \(now + 10_000));
                """)
            try Claims.setViewing(db, operator: "sam", conversation: 1, previous: nil, now: now)
            try Claims.setViewing(db, operator: "priya", conversation: 2, previous: nil, now: now)
            try Claims.setViewing(db, operator: "tomas", conversation: 1, previous: nil, now: now)
            try Claims.setViewing(db, operator: "lee", conversation: 2, previous: nil, now: now)
        }
        let read = { (at: Int64, me: String?) in try database.read { db in try Claims.holders(db, now: at, except: me) } }
        XCTAssertEqual(try read(now, "priya"), Claims.Holders(viewing: [1: ["sam", "tomas"]], replying: [2: ["lee"]]), "never me")
        XCTAssertEqual(try read(now, nil), Claims.Holders(viewing: [1: ["sam", "tomas"], 2: ["priya"]], replying: [2: ["lee"]]))
        let kept = try database.read { db in
            try Row.fetchOne(db, sql: "SELECT kind, expires_at FROM claim WHERE conversation_id = 2 AND operator = 'lee'")
        }
        XCTAssertEqual(kept?["kind"], "replying", "viewing never downgrades a reply claim")
        XCTAssertEqual(kept?["expires_at"], now + 10_000, "nor extends it")

        // Sam moves on to 2 and renews; priya closes her screen; Tomás's stops renewing.
        try database.write { db in
            try Claims.setViewing(db, operator: "sam", conversation: 2, previous: 1, now: now + 60_000)
            try Claims.setViewing(db, operator: "priya", conversation: nil, previous: 2, now: now + 60_000)
        }
        XCTAssertEqual(try read(now + Claims.viewingLeaseMilliseconds + 1, nil), Claims.Holders(viewing: [2: ["sam"]]), "Tomás's lease ran out; Lee's claim too")
    }
}
