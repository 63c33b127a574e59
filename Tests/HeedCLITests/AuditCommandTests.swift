import Foundation
import GRDB
import HeedTestSupport
import XCTest

/// `heed audit verify` as an auditor runs it.
final class AuditCommandTests: XCTestCase {
    let folder = TemporaryFolder()
    var cache: String { folder.file("demo.sqlite") }

    func testTheLogIsWholeUntilSomeoneEditsTheFile() throws {
        XCTAssertEqual(try HeedRun.run(["demo", "--no-ui", "--size", "60", "--cache", cache], in: folder).status, 0)
        let whole = try HeedRun.run(["audit", "verify", "--cache", cache], in: folder)
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let lines = whole.stdout.split(separator: "\n").map(String.init)
        XCTAssertNotNil(lines.first?.range(of: #"^the event log is whole: \d+ entries, 0 redacted \(their text replaced, their hashes kept\)$"#,
                                           options: .regularExpression), whole.stdout)
        XCTAssertNotNil(lines.last?.range(of: #"^head: entry \d+ at .+, chain [0-9a-f]{64}$"#, options: .regularExpression), whole.stdout)

        let queue = try DatabaseQueue(path: cache)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER event_no_update")
            try db.execute(sql: "UPDATE event SET operator = 'mallory' WHERE id = 1")
        }
        try queue.close()
        let broken = try HeedRun.run(["audit", "verify", "--cache", cache, "--json"], in: folder)
        XCTAssertEqual(broken.status, 65)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(broken.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["whole"] as? Bool, false)
        XCTAssertEqual(json["problems"] as? [String], ["entry 1 does not follow the start of the log: an entry between them was removed, "
                                                       + "or this one's time, operator, uid, kind or conversation changed"])
    }

    func testRetentionIsEnforcedOnRequestAndSaysWhatWent() throws {
        XCTAssertEqual(try HeedRun.run(["demo", "--no-ui", "--size", "60", "--cache", cache], in: folder).status, 0)
        let none = try HeedRun.run(["retention", "enforce", "--cache", cache, "--config", folder.write("none.json", "{}")], in: folder)
        XCTAssertEqual(none.status, 64)
        XCTAssertTrue(none.stderr.hasPrefix("heed: the config sets no retention"), none.stderr)
        // The demo's conversations are hours old: a day's retention removes none of them yet.
        let config = folder.write("team.json", #"{"retention": {"days": 1}}"#)
        XCTAssertEqual(try HeedRun.run(["config", "apply", config, "--cache", cache], in: folder).status, 0)
        let run = try HeedRun.run(["retention", "enforce", "--cache", cache, "--config", config], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "removed the text of 0 conversations past retention: 0 messages, 0 log entries redacted, 0 customers' names and handles\n")
    }
}
