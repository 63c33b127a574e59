import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class IngestCommandTests: XCTestCase {
    func testExitCodesReportAndRejectsFile() throws {
        let folder = TemporaryFolder()
        let good = folder.write("good.jsonl", [MentionLines.line(id: "1"), MentionLines.line(id: "2", inReplyTo: "1")].joined(separator: "\n"))
        let badLine = "{\"channel\": \"x\", \"id\": 3}"
        let mixed = folder.write("mixed.jsonl", [MentionLines.line(id: "4"), badLine, MentionLines.line(id: "5")].joined(separator: "\n") + "\n")
        let cache = folder.file("c.sqlite")

        let ok = try HeedRun.run(["ingest", "--cache", cache, good], in: folder)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(ok.stdout, "\(good) (heed): 2 new, 0 updated, 0 unchanged, 0 rejected\n")

        let again = try HeedRun.run(["ingest", "--cache", cache, good, mixed, "--rejects", folder.file("rejects.jsonl")], in: folder)
        XCTAssertEqual(again.status, 65)
        XCTAssertEqual(again.stdout, "\(good) (heed): 0 new, 0 updated, 2 unchanged, 0 rejected\n\(mixed) (heed): 2 new, 0 updated, 0 unchanged, 1 rejected\n")
        XCTAssertEqual(again.stderr, "heed: \(mixed):line 2: id: expected a string, got number\n")
        XCTAssertEqual(folder.read("rejects.jsonl"), badLine + "\n")

        let missing = try HeedRun.run(["ingest", "--cache", cache, folder.file("nope.jsonl"), good], in: folder)
        XCTAssertEqual(missing.status, 66)
        XCTAssertTrue(missing.stderr.contains("nope.jsonl: cannot read: No such file or directory"), missing.stderr)
        XCTAssertTrue(missing.stdout.contains("good.jsonl (heed): 0 new"), "the readable file is still imported")

        let stdin = try HeedRun.run(["ingest", "--cache", cache, "--json", "-"], in: folder, stdin: mixed)
        XCTAssertEqual(stdin.status, 65)
        XCTAssertTrue(stdin.stdout.contains("\"unchanged\" : 2"), stdin.stdout)
    }

    func testProgressIsForTerminalsAndForScriptsThatAskForIt() throws {
        let folder = TemporaryFolder()
        let path = folder.write("many.jsonl", (1...3_000).map { MentionLines.line(id: String($0)) }.joined(separator: "\n") + "\n")
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let json = try HeedRun.run(["ingest", "--cache", folder.file("c.sqlite"), "--progress", "json", path], in: folder)
        XCTAssertEqual(json.status, 0, json.stderr)
        let last = try XCTUnwrap(json.stderr.split(separator: "\n").last.map(String.init))
        let figures = try JSONParser.parse(Data(last.utf8))
        XCTAssertEqual(figures["records"]?.int, 3_000)
        XCTAssertEqual(figures["bytes"]?.int, size)
        XCTAssertEqual(figures["total_bytes"]?.int, size)
        XCTAssertEqual(json.stdout, "\(path) (heed): 3000 new, 0 updated, 0 unchanged, 0 rejected\n", "standard output as without it")
        let piped = try HeedRun.run(["ingest", "--cache", folder.file("d.sqlite"), path], in: folder)
        XCTAssertEqual(piped.stderr, "", "no progress when standard error is not a terminal")
        let quiet = try HeedRun.run(["ingest", "--cache", folder.file("e.sqlite"), "--progress", "line", "--quiet", path], in: folder)
        XCTAssertEqual(quiet.stderr, "")
        let demo = try HeedRun.run(["demo", "--no-ui", "--size", "1500", "--cache", folder.file("demo.sqlite"), "--progress", "json"], in: folder)
        XCTAssertEqual(demo.status, 0, demo.stderr)
        XCTAssertTrue(demo.stderr.contains(#""total_records":1500"#), demo.stderr)
        XCTAssertTrue(demo.stderr.split(separator: "\n").last?.hasPrefix(#"{"records":1500,"#) == true, demo.stderr)
    }

    func testBrokenConfigFailsBeforeTheCacheIsTouched() throws {
        let folder = TemporaryFolder()
        let config = folder.write("config.json", "{\n  \"brand\": \"B\",\n  \"operators\": [{\"handle\": \"Sam Brooks\", \"name\": \"Sam\"}]\n}\n")
        let input = folder.write("in.jsonl", MentionLines.line(id: "1"))
        let cache = folder.file("never.sqlite")
        let run = try HeedRun.run(["ingest", "--config", config, "--cache", cache, input], in: folder)
        XCTAssertEqual(run.status, 78)
        XCTAssertEqual(run.stderr, "heed: \(config):3: operators[0].handle: \"Sam Brooks\" must be lowercase letters, digits, - or _ (it is typed in commands)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache))

        let check = try HeedRun.run(["config", "check"], in: folder, environment: ["HEED_CONFIG": config])
        XCTAssertEqual(check.status, 78)
        XCTAssertEqual(check.stderr, run.stderr)

        let example = try HeedRun.run(["config", "check", Paths.packageRoot + "/config.example.json"], in: folder)
        XCTAssertEqual(example.status, 0, example.stderr)
        XCTAssertTrue(example.stdout.contains("ok — 3 operators, 6 teams, 5 rules, 4 canned replies"), example.stdout)
    }

    func testQueueAndShowReadItBack() throws {
        let folder = TemporaryFolder()
        let cache = folder.file("c.sqlite")
        let input = folder.write("in.jsonl", [
            MentionLines.line(id: "1", text: "my card was charged twice", at: "2026-11-23T09:00:00Z", author: "u1", handle: "dana_k", followers: 18_204),
            MentionLines.line(id: "2", text: "title\u{1B}]0;pwned\u{07} hi", at: "2026-11-23T09:10:00Z", author: "u2", handle: "evil"),
            MentionLines.line(id: "3", text: "third time asking!!", at: "2026-11-23T09:20:00Z", author: "u1", handle: "dana_k",
                              followers: 18_204, inReplyTo: "1"),
        ].joined(separator: "\n"))
        XCTAssertEqual(try HeedRun.run(["ingest", "--cache", cache, input], in: folder).status, 0)
        let queue = try HeedRun.run(["queue", "--cache", cache], in: folder)
        XCTAssertEqual(queue.status, 0, queue.stderr)
        let lines = queue.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].contains("@dana_k (18k)") && lines[0].contains("third time asking!!"), queue.stdout)
        XCTAssertFalse(queue.stdout.contains("\u{1B}"), "no escape sequence reaches the terminal")
        XCTAssertTrue(lines[1].contains("title\u{FFFD}]0;pwned\u{FFFD} hi"), queue.stdout)

        let json = try HeedRun.run(["queue", "--cache", cache, "--json", "--limit", "1"], in: folder)
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0]["author"] as? String, "dana_k")
        XCTAssertEqual(rows[0]["mentions"] as? Int, 2)
        let id = rows[0]["id"] as! Int

        let show = try HeedRun.run(["show", "--cache", cache, "\(id)"], in: folder)
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("times in UTC\n\n2026-11-23 09:00 UTC  @dana_k  (18k followers)\n  my card was charged twice"), show.stdout)
        XCTAssertTrue(show.stdout.contains("  third time asking!!"))
        let missing = try HeedRun.run(["show", "--cache", cache, "999"], in: folder)
        XCTAssertEqual(missing.status, 65)

        // A search of a thousand terms is refused at once, saying why, with no SQL in sight.
        let huge = try HeedRun.run(["queue", "--cache", cache, (0..<1_000).map { "word\($0)" }.joined(separator: " ")], in: folder)
        XCTAssertEqual(huge.status, 64)
        XCTAssertTrue(huge.stderr.contains("more than \(Query.maximumTerms) terms"), huge.stderr)
        XCTAssertFalse(huge.stderr.contains("SELECT") || huge.stderr.contains("Expression tree"), huge.stderr)
    }

    /// Killing an import at any moment leaves a consistent cache, and running it again gives
    /// exactly the cache an uninterrupted import gives.
    func testInterruptedImportResumesToTheSameCache() throws {
        let folder = TemporaryFolder()
        let config = try ExampleConfig.load()
        let lines = DemoGenerator(size: 30_000, seed: 3, now: RFC3339.milliseconds(from: "2026-11-23T12:00:00Z")!, config: config)
            .map(HeedJSONLines.encode)
        let input = folder.write("big.jsonl", lines.joined(separator: "\n") + "\n")
        let configFile = folder.write("config.json", ExampleConfig.text)

        let reference = folder.file("reference.sqlite")
        let whole = try HeedRun.run(["ingest", "--config", configFile, "--cache", reference, input], in: folder)
        XCTAssertEqual(whole.status, 0, whole.stderr)

        let cache = folder.file("killed.sqlite")
        let child = try ChildProcess.spawn([Paths.heedBinary, "ingest", "--batch-size", "1000", "--config", configFile, "--cache", cache, input],
                                           stdout: folder.file("killed.out"), stderr: folder.file("killed.err"))
        // Kill it once it has committed some batches but not all.
        let deadline = Date().addingTimeInterval(60)
        var committedLine = 0
        while Date() < deadline {
            if let line = try? Self.importPosition(cache), line >= 3_000 {
                committedLine = line
                break
            }
            usleep(5_000)
        }
        child.kill()
        let exit = child.wait()
        XCTAssertTrue(exit.signalled, "the import finished before it could be killed (\(committedLine))")
        XCTAssertGreaterThan(committedLine, 0)
        XCTAssertEqual(try AppDatabase.open(path: cache).read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }, ["ok"])

        let rerun = try HeedRun.run(["ingest", "--config", configFile, "--cache", cache, input], in: folder)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stdout.contains("(resumed after line"), rerun.stdout)
        XCTAssertEqual(try CacheDump.text(AppDatabase.open(path: cache)), try CacheDump.text(AppDatabase.open(path: reference)))
    }

    static func importPosition(_ path: String) throws -> Int? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(1)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in
            guard try db.tableExists("import_position") else { return nil }
            return try Int.fetchOne(db, sql: "SELECT line FROM import_position")
        }
    }
}

final class IngestFormatCommandTests: XCTestCase {
    func testFormatsAreDetectedListedAndForced() throws {
        let folder = TemporaryFolder()
        let cache = folder.file("c.sqlite")
        let fixtures = Paths.sharedFixtures
        let notJSON = folder.write("notes.txt", "call Dana back about the refund\n")
        let run = try HeedRun.run(["ingest", "--cache", cache, fixtures + "/reddit/TestSubmission.test_comments.1.json",
                                   notJSON, fixtures + "/x/twcs_sample.csv", fixtures + "/mastodon/test_notifications_mentions_only.1.json"], in: folder)
        XCTAssertEqual(run.status, 65)
        XCTAssertEqual(run.stdout, """
            \(fixtures)/reddit/TestSubmission.test_comments.1.json (reddit): 3 new, 0 updated, 0 unchanged, 0 rejected
            \(fixtures)/x/twcs_sample.csv (x-csv): 32 new, 0 updated, 0 unchanged, 0 rejected
            \(fixtures)/mastodon/test_notifications_mentions_only.1.json (mastodon): 1 new, 0 updated, 0 unchanged, 0 rejected

            """)
        XCTAssertEqual(run.stderr, "heed: \(notJSON): cannot tell its format: line 1 is not JSON; name the format with --format (`heed ingest --formats` lists them)\n")

        let feed = try HeedRun.run(["ingest", "--cache", cache, Paths.packageRoot + "/Tests/HeedCoreTests/Fixtures/atom-comments.xml"], in: folder)
        XCTAssertEqual(feed.status, 0, feed.stderr)
        XCTAssertTrue(feed.stdout.hasSuffix("atom-comments.xml (feed): 2 new, 0 updated, 0 unchanged, 0 rejected\n"), feed.stdout)

        let list = try HeedRun.run(["ingest", "--formats"], in: folder)
        XCTAssertEqual(list.status, 0)
        XCTAssertEqual(list.stdout.split(separator: "\n").map { $0.split(separator: " ")[0] }, ["heed", "x", "mastodon", "bluesky", "reddit", "discourse", "facebook", "youtube", "linkedin", "x-csv", "feed", "mbox"])

        let forced = try HeedRun.run(["ingest", "--cache", cache, "--format", "x", fixtures + "/reddit/TestInbox.test_mentions.1.json"], in: folder)
        XCTAssertEqual(forced.status, 65, "a Reddit listing read as X is rejected, not taken")
        XCTAssertTrue(forced.stderr.hasSuffix("TestInbox.test_mentions.1.json:line 3: data.id: missing\n"), forced.stderr)
        XCTAssertTrue(forced.stdout.contains("(x): 0 new, 0 updated, 0 unchanged, 1 rejected"), forced.stdout)
        let unknown = try HeedRun.run(["ingest", "--cache", cache, "--format", "myspace", fixtures + "/x/brexit.jsonl"], in: folder)
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("unknown format \"myspace\"; known: heed, x, mastodon, bluesky, reddit, discourse, facebook, youtube, linkedin, x-csv, feed, mbox"), unknown.stderr)
    }
}
