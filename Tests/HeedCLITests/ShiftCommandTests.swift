import Foundation
import HeedTestSupport
import XCTest

/// `heed shift start|who|end|ack|log` on a demo cache.
final class ShiftCommandTests: XCTestCase {
    let folder = TemporaryFolder()
    var cache: String { folder.file("demo.sqlite") }

    override func setUpWithError() throws {
        XCTAssertEqual(try HeedRun.run(["demo", "--no-ui", "--cache", cache, "--size", "60"], in: folder).status, 0)
        _ = folder.write("team.json", """
            {"help_accounts": [{"channel": "x", "account": "NorthwindHelp"}],
             "operators": [{"handle": "sam", "name": "Sam Brooks", "role": "lead", "signature": "^SB",
                            "intro": "Morning! {first_name} here until {until} {signature}"},
                           {"handle": "priya", "name": "Priya Nair", "signature": "^PN"}]}
            """)
        XCTAssertEqual(try HeedRun.run(["config", "apply", folder.file("team.json"), "--cache", cache], in: folder).status, 0)
    }

    func heed(_ arguments: [String], as user: String? = "sam") throws -> HeedRun {
        try HeedRun.run(["shift"] + arguments + ["--cache", cache, "--config", folder.file("team.json")] + (user.map { ["--as", $0] } ?? []), in: folder)
    }

    func testStartWhoEndAcknowledgeAndLog() throws {
        let start = try heed(["start", "--until", "23:59"])
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertTrue(start.stdout.hasPrefix("sam is on shift until 23:59 (shift 1); intro queued to 1 account (post 1, sent in 10 s unless withdrawn)\n"
            + "intro: Morning! Sam here until 23:59 ^SB\n"), start.stdout)
        XCTAssertEqual(try heed(["start"]).status, 64, "one shift at a time")
        let who = try heed(["who", "--json"], as: nil)
        let roster = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(who.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(roster.map { $0["operator"] as? String }, ["sam"])
        XCTAssertEqual(roster.first?["active"] as? Bool, true)
        XCTAssertEqual(try HeedRun.run(["assign", "3", "--to", "sam", "--as", "sam", "--cache", cache, "--config", folder.file("team.json")], in: folder).status, 0)

        let end = try heed(["end", "--note", "#3 waits on a refund"])
        XCTAssertEqual(end.status, 0, end.stderr)
        XCTAssertTrue(end.stdout.hasPrefix("sam's shift 1 ended; 1 conversation released to the pool\nhandover from sam: "), end.stdout)
        XCTAssertTrue(end.stdout.contains("  note: #3 waits on a refund\n"), end.stdout)
        XCTAssertTrue(end.stdout.contains("  their conversations (released to the pool):\n    #3 "), end.stdout)
        XCTAssertEqual(try heed(["end"]).status, 64, "not on shift")

        let next = try heed(["start", "--intro", "Hi, {first_name} on until {until}"], as: "priya")
        XCTAssertTrue(next.stdout.contains("handover from sam: ") && next.stdout.contains("(acknowledge: heed shift ack 1)"), next.stdout)
        XCTAssertEqual(try heed(["ack", "1"], as: "priya").stdout, "priya acknowledged sam's handover (shift 1)\n")
        let log = try heed(["log", "--operator", "sam"], as: nil)
        XCTAssertEqual(log.status, 0, log.stderr)
        XCTAssertTrue(log.stdout.contains(" · sam · shift-start · shift 1 · intro: Morning! Sam here until 23:59 ^SB\n"), log.stdout)
        XCTAssertTrue(log.stdout.contains(" · sam · shift-end · shift 1 · handover: #3 waits on a refund\n"), log.stdout)
        XCTAssertTrue(log.stdout.contains("\nshift 1: "), log.stdout)
        let all = try heed(["log", "--json"], as: nil)
        let entries = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any])?["entries"] as? [[String: Any]])
        XCTAssertEqual(entries.map { $0["kind"] as? String }, ["shift-start", "shift-end", "shift-start", "handover-ack"])

        for (arguments, message) in [(["start", "--until", "25:00"], "25:00 is not a time of day"),
                                     (["log", "--operator", "nobody"], "no operator \"nobody\""),
                                     (["log", "--since", "soon"], "--since soon: expected")] {
            let run = try heed(arguments, as: arguments[0] == "log" ? nil : "sam")
            XCTAssertEqual(run.status, 64, arguments.joined(separator: " "))
            XCTAssertTrue(run.stderr.contains(message), run.stderr)
        }
    }
}
