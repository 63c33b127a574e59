import Foundation
import HeedCore
import HeedTestSupport
import XCTest

/// Every action as a command on a demo cache, as scripts and cron use them.
final class ActionCommandTests: XCTestCase {
    let folder = TemporaryFolder()
    var cache: String { folder.file("demo.sqlite") }
    var config: String { folder.file("team.json") }

    override func setUpWithError() throws {
        let demo = try HeedRun.run(["demo", "--no-ui", "--cache", cache, "--size", "60"], in: folder)
        XCTAssertEqual(demo.status, 0, demo.stderr)
        try team("""
            {"teams": [{"name": "billing"}],
             "operators": [{"handle": "sam", "name": "Sam Brooks", "unix_user": "sbrooks", "role": "lead"},
                           {"handle": "priya", "name": "Priya Nair"}]}
            """)
    }

    /// The team's config, made the demo cache's (as a team adopting heed would).
    func team(_ json: String) throws {
        folder.write("team.json", json)
        let applied = try HeedRun.run(["config", "apply", config, "--cache", cache], in: folder)
        XCTAssertEqual(applied.status, 0, applied.stderr)
    }

    func heed(_ arguments: [String], as user: String? = "sam", environment: [String: String] = [:]) throws -> HeedRun {
        try HeedRun.run(arguments + ["--cache", cache, "--config", config] + (user.map { ["--as", $0] } ?? []), in: folder, environment: environment)
    }

    func testEachActionIsACommand() throws {
        let steps: [([String], String)] = [
            (["tag", "7", "+billing", "vip", "-spam"], "sam tagged #7"),
            (["tag", "7", "-vip"], "sam tagged #7"),
            (["note", "7", "--text", "called back; refund on its way"], "sam added a note to #7"),
            (["assign", "7", "--to", "priya"], "sam assigned #7"),
            (["assign", "7", "--to", "billing"], "sam assigned #7"),
            (["unassign", "7"], "sam unassigned #7"),
            (["escalate", "7", "--to", "billing", "--note", "double charge"], "sam escalated #7"),
            (["snooze", "7", "--until", "2h"], "sam snoozed #7 until "),
            (["snooze", "8", "--until-reply"], "sam snoozed #8 until the customer writes again"),
            (["resolve", "7"], "sam resolved #7"),
            (["reopen", "7"], "sam reopened #7"),
            (["spam", "9"], "sam marked #9 as spam"),
            (["not-spam", "9"], "sam took #9 out of spam"),
            (["undo"], "sam undid not-spam on #9"),
            (["redo"], "sam redid not-spam on #9"),
        ]
        for (arguments, expected) in steps {
            let run = try heed(arguments)
            XCTAssertEqual(run.status, 0, "\(arguments): \(run.stderr)")
            if expected.hasSuffix(" until ") {
                // Two hours from the real clock, in the team's zone: the time itself is checked in the core tests.
                // After 22:00 the wake-up falls tomorrow, which the message names by its day.
                let when = run.stdout.dropFirst(expected.count)
                XCTAssertTrue(run.stdout.hasPrefix(expected), run.stdout)
                XCTAssertNotNil(when.range(of: #"^([A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} )?\d{2}:\d{2}\n$"#, options: .regularExpression), run.stdout)
            } else {
                XCTAssertEqual(run.stdout, expected + "\n", arguments.joined(separator: " "))
            }
        }
        let show = try HeedRun.run(["show", "7", "--json", "--cache", cache], in: folder)
        let summary = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])?["summary"] as? [String: Any])
        XCTAssertEqual(summary["tags"] as? [String], ["billing"])
        XCTAssertEqual(summary["team"] as? String, "billing")
        XCTAssertEqual(summary["status"] as? String, "open")
        XCTAssertEqual(summary["version"] as? Int, 11, "each of the ten changes to #7 bumped it")

        let listed = try heed(["escalation", "list"], as: nil)
        XCTAssertTrue(listed.stdout.contains(" · #7 · billing · open · by sam "), listed.stdout + listed.stderr)
        let number = try XCTUnwrap(listed.stdout.split(separator: "\n").first { $0.contains("#7 · billing") }?.split(separator: " ").first)
        XCTAssertEqual(try heed(["escalation", "answer", String(number), "--text", "refunded"]).stdout,
                       "sam answered escalation \(number) (#7, billing)\n", "a lead may answer for the team")
        XCTAssertTrue(try HeedRun.run(["show", "7", "--cache", cache], in: folder).stdout.contains("escalated to billing: answered by sam — refunded"))
        let next = try heed(["next", "--json"], as: "priya")
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [String: Any])?["kind"] as? String, "next")
        // A day and a time of day, in the operator's time zone: tomorrow's 09:00 there, named by its day.
        let tomorrow = try heed(["snooze", "7", "--until", "tomorrow 9am"])
        XCTAssertEqual(tomorrow.status, 0, tomorrow.stderr)
        XCTAssertNotNil(tomorrow.stdout.range(of: #"^sam snoozed #7 until [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} 09:00\n$"#, options: .regularExpression),
                        tomorrow.stdout)
    }

    func testShowSaysWhoHoldsItItsNotesAndPostsInTheReadersZone() throws {
        try team("""
            {"timezone": "Asia/Kolkata", "accounts": {"x": ["NorthwindHelp"]}, "teams": [{"name": "billing"}],
             "operators": [{"handle": "sam", "name": "Sam Brooks", "role": "lead", "signature": "^SB", "timezone": "America/New_York"},
                           {"handle": "priya", "name": "Priya Nair"}]}
            """)
        XCTAssertEqual(try heed(["assign", "7", "--to", "priya"]).status, 0)
        XCTAssertEqual(try heed(["note", "7", "--text", "called back;\nrefund on its way"]).status, 0)
        XCTAssertEqual(try heed(["reply", "7", "--text", "Refund is on its way"]).status, 0)
        let show = try HeedRun.run(["show", "7", "--cache", cache, "--config", config], in: folder, environment: ["HEED_OPERATOR": "sam"])
        XCTAssertEqual(show.status, 0, show.stderr)
        let lines = show.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("#7 · ") && lines[0].contains(" · → priya · "), lines[0])
        XCTAssertEqual(lines[1], "times in America/New_York", "sam's own zone")
        XCTAssertTrue(lines.contains { $0.range(of: #"^\d{4}-\d\d-\d\d \d\d:\d\d (EST|GMT-5)  @"#, options: .regularExpression) != nil }, show.stdout)
        let note = try XCTUnwrap(lines.firstIndex { $0.hasSuffix("  note by sam (the team's only)") }, show.stdout)
        XCTAssertEqual(lines[note + 1], "  called back;")
        XCTAssertEqual(lines[note + 2], "  refund on its way")
        XCTAssertTrue(lines.contains { $0.hasPrefix("post 1 by sam · goes in ") && $0.hasSuffix(" unless taken back") }, show.stdout)
        XCTAssertTrue(lines.contains("  Refund is on its way ^SB"), show.stdout)
        let json = try HeedRun.run(["show", "7", "--json", "--cache", cache, "--config", config], in: folder)
        let notes = (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["notes"] as? [[String: Any]]
        XCTAssertEqual(notes?.first?["operator"] as? String, "sam")
    }

    func testReplyOutboxAndDelivery() throws {
        try team("""
            {"accounts": {"x": ["NorthwindHelp"]}, "undo_seconds": 0,
             "operators": [{"handle": "sam", "name": "Sam Brooks", "role": "lead"}]}
            """)
        XCTAssertTrue(try heed(["reply", "7", "--text", "first"]).stdout.hasPrefix("sam queued a reply to #7 (post 1"))
        XCTAssertEqual(try heed(["outbox", "cancel", "1"]).stdout, "sam withdrew post 1\n")
        XCTAssertEqual(try heed(["reply", "7", "--text", "Sorry! DM us"]).status, 0)
        let listed = try heed(["outbox", "list"], as: nil)
        XCTAssertTrue(listed.stdout.contains("2 · queued · reply to #7 · x · "), listed.stdout)
        XCTAssertTrue(listed.stdout.contains("1 · cancelled · reply to #7"), listed.stdout)
        let deliver = try heed(["deliver"], as: nil)
        XCTAssertEqual(deliver.stdout, "sent 1, to retry 0, failed 0\n", deliver.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.file("outbox-spool")).count, 1,
                       "the spool folder is beside the cache")
        XCTAssertTrue(try HeedRun.run(["show", "7", "--cache", cache], in: folder).stdout.contains("ours @NorthwindHelp"))
        let late = try heed(["outbox", "cancel", "2"])
        XCTAssertEqual(late.status, 64)
        XCTAssertTrue(late.stderr.contains("post 2 is sent"), late.stderr)
    }

    func testOneActionOnSeveralConversations() throws {
        try team("""
            {"accounts": {"x": ["NorthwindHelp"]},
             "canned_replies": [{"name": "outage", "text": "Hi {first_name}, we are on it ({case}). {signature}"}],
             "macros": [{"name": "calmed", "actions": ["tag +calmed", "snooze reply"]}],
             "operators": [{"handle": "sam", "name": "Sam Brooks", "role": "lead", "signature": "^SB"}]}
            """)
        XCTAssertEqual(try heed(["tag", "3", "4", "5", "+outage"]).stdout, "sam tagged 3 of 3 conversations\n")
        XCTAssertEqual(try heed(["macro", "calm", "6"]).stdout, "sam ran calmed on #6 (tag, snooze)\n")
        XCTAssertEqual(try heed(["macro", "calm", "7", "8"]).stdout, "sam ran a macro on 2 of 2 conversations\n")
        let resolved = try heed(["resolve", "--query", "tag:outage is:open"])
        XCTAssertEqual(resolved.status, 0, resolved.stderr)
        XCTAssertEqual(resolved.stdout, "sam resolved 3 of 3 conversations\n")
        let again = try heed(["resolve", "3", "4"])
        XCTAssertEqual(again.stdout, "sam resolved 0 of 2 conversations (2 already so)\n")
        XCTAssertEqual(again.status, 1, "nothing to change")
        XCTAssertEqual(try heed(["resolve", "--query", "tag:outage is:open"]).status, 1, "a search that finds nothing does nothing")

        // A reply to several is previewed, each recipient's text filled, and queued only when confirmed.
        let preview = try heed(["reply", "3", "4", "5", "--canned", "out"])
        XCTAssertEqual(preview.status, 0, preview.stderr)
        let lines = preview.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 4, preview.stdout)
        XCTAssertTrue(lines[0].hasPrefix("#3 ← Hi ") && lines[0].hasSuffix(", we are on it (#3). ^SB"), String(lines[0]))
        XCTAssertEqual(lines[3], "nothing queued: 3 replies previewed; add --confirm to queue them")
        XCTAssertEqual(try heed(["outbox", "list"], as: nil).stdout.contains("reply to #"), false)
        let sent = try heed(["reply", "3", "4", "5", "--canned", "out", "--confirm", "--json"])
        XCTAssertEqual(sent.status, 0, sent.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(sent.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((json["done"] as? [[String: Any]])?.compactMap { $0["conversation"] as? Int }, [3, 4, 5])
        XCTAssertEqual(try heed(["outbox", "list"], as: nil).stdout.split(separator: "\n").filter { $0.contains("queued · reply to #") }.count, 3)

        for (arguments, status, message) in [(["resolve", "3", "4", "--if-version", "2"], 64, "--if-version is for one conversation"),
                                             (["resolve", "3", "--query", "tag:x"], 64, "name the conversations one way"),
                                             (["resolve"], 64, "name the conversations"),
                                             (["resolve", "--incident", "999"], 65, "no incident 999"),
                                             (["resolve", "--query", "priority:>>3"], 64, "bad --query"),
                                             (["tag", "3", "4"], 64, "name a tag to add")] {
            let run = try heed(arguments)
            XCTAssertEqual(run.status, Int32(status), arguments.joined(separator: " ") + ": " + run.stderr)
            XCTAssertTrue(run.stderr.contains(message), run.stderr)
        }
    }

    func testContactCommands() throws {
        let tag = try heed(["contact", "tag", "#7", "+vip"])
        XCTAssertEqual(tag.status, 0, tag.stderr)
        XCTAssertTrue(tag.stdout.hasPrefix("sam tagged contact "), tag.stdout)
        XCTAssertEqual(try heed(["contact", "note", "#7", "--text", "prefers DMs"]).status, 0)
        let show = try heed(["contact", "show", "#7"], as: nil)
        XCTAssertTrue(show.stdout.contains("tags: vip") && show.stdout.contains("note: prefers DMs"), show.stdout + show.stderr)
        let unknown = try heed(["contact", "tag", "nobody-at-all", "+vip"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertEqual(unknown.stderr, "heed: no customer nobody-at-all in the cache\n")
        XCTAssertEqual(try heed(["contact", "merge", "#7", "#7", "--if-version", "2"]).status, 64, "no version to compare")

        let export = try heed(["contact", "export", "#7"])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertTrue(export.stdout.hasPrefix("contact ") && export.stdout.contains(": everything heed holds about them, exported by sam\n"), export.stdout)
        XCTAssertTrue(export.stdout.contains("\ncontact_notes (1)\n  ") && export.stdout.contains("text=\"prefers DMs\""), export.stdout)
        let json = try heed(["contact", "export", "#7", "--json"])
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((parsed["contact_tags"] as? [[String: Any]])?.first?["tag"] as? String, "vip")
        XCTAssertEqual((parsed["messages"] as? [Any])?.isEmpty, false)
        XCTAssertEqual(try heed(["contact", "export", "#7"], as: "mallory").status, 77, "only an operator heed knows")

        let agent = try heed(["contact", "forget", "#7", "--reason", "asked by email"], as: "priya")
        XCTAssertEqual(agent.status, 77)
        XCTAssertEqual(agent.stderr, "heed: only a lead may erase a customer; priya is an agent\n")
        let forget = try heed(["contact", "forget", "#7", "--reason", "asked by email, ref 118"])
        XCTAssertEqual(forget.status, 0, forget.stderr)
        XCTAssertNotNil(forget.stdout.range(of: #"^sam erased contact \d+: \d+ messages and replies, 1 conversations, \d+ log entries redacted, "#,
                                            options: .regularExpression), forget.stdout)
        let card = try heed(["contact", "show", "#7"], as: nil)
        XCTAssertTrue(card.stdout.contains(": @erased-") && card.stdout.contains("note: (erased at the customer's request "), card.stdout)
        XCTAssertFalse(card.stdout.contains("prefers DMs"), card.stdout)
    }

    func testJSONAndCompareAndSet() throws {
        let run = try heed(["resolve", "7", "--json", "--if-version", "1"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["conversation"] as? Int, 7)
        XCTAssertEqual(json["kind"] as? String, "resolve")
        XCTAssertEqual(json["version"] as? Int, 2)
        let stale = try heed(["tag", "7", "+late", "--if-version", "1"], as: "priya")
        XCTAssertEqual(stale.status, 75)
        XCTAssertTrue(stale.stderr.hasPrefix("heed: #7 changed since you looked: sam resolved it "), stale.stderr)
    }

    func testWhoActsIsAnOperatorTheConfigNames() throws {
        let login = try XCTUnwrap(Identity.process(mayChangeConfig: false).unixUser)
        let claimed = try heed(["resolve", "7"], as: nil, environment: ["USER": "sbrooks"])
        XCTAssertEqual(claimed.status, 77, "$USER is not believed")
        XCTAssertTrue(claimed.stderr.contains("heed does not know who you are (your login is \(login); the config is yours to change"), claimed.stderr)
        try team(#"{"teams": [{"name": "billing"}], "operators": [{"handle": "sam", "name": "Sam Brooks", "unix_user": "\#(login)", "role": "lead"}, "#
            + #"{"handle": "priya", "name": "Priya Nair"}]}"#)
        XCTAssertEqual(try heed(["resolve", "7"], as: nil).stdout, "sam resolved #7\n", "the login's operator")
        XCTAssertEqual(try heed(["reopen", "7"], as: nil, environment: ["HEED_OPERATOR": "priya"]).stdout, "priya reopened #7\n")
        let stranger = try heed(["resolve", "7"], as: "mallory")
        XCTAssertEqual(stranger.status, 77)
        XCTAssertEqual(stranger.stderr, "heed: \"mallory\" is not an operator (operators: sam, priya); add them to the config's \"operators\" "
            + "(handle, name, unix_user) and check it with `heed config check`\n")
        for (arguments, status, message) in [(["escalate", "7", "--to", "legal"], 64, "no team \"legal\""),
                                             (["resolve", "4040"], 65, "no conversation 4040"),
                                             (["snooze", "7", "--until", "soon"], 64, "--until soon: expected a span (90m, 2h, 1d), a time of day"),
                                             (["snooze", "7"], 64, "give --until WHEN or --until-reply")] {
            let run = try heed(arguments)
            XCTAssertEqual(run.status, Int32(status), "\(arguments): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}
