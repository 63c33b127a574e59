import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class WatchAndHookTests: XCTestCase {
    func waitUntil(_ what: String, timeout: TimeInterval = 20, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return }
            usleep(50_000)
        }
        throw HeedError("timed out waiting for \(what)")
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    func testWatchedFolderImportsMovesAndStopsCleanly() throws {
        let folder = TemporaryFolder()
        let spool = folder.file("spool")
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let cache = folder.file("c.sqlite")
        // A file still being written (.tmp) is there before the watcher starts: it must not be read.
        folder.write("spool/partial.jsonl.tmp", MentionLines.line(id: "p1"))
        let watcher = try ChildProcess.spawn([Paths.heedBinary, "ingest", "--cache", cache, "--watch", spool],
                                             stdout: folder.file("watch.out"), stderr: folder.file("watch.err"),
                                             environment: ["HOME": folder.path, "PATH": "/usr/bin:/bin"])
        folder.write("spool/a.jsonl.tmp", [MentionLines.line(id: "a1"), "{broken", MentionLines.line(id: "a2")].joined(separator: "\n"))
        XCTAssertEqual(rename(folder.file("spool/a.jsonl.tmp"), folder.file("spool/a.jsonl")), 0)
        folder.write("spool/notes.txt", "not a mention\n")
        try waitUntil("both files handled") { exists(spool + "/done/a.jsonl") && exists(spool + "/failed/notes.txt.error") }
        watcher.kill(SIGTERM)
        let exit = watcher.wait()
        XCTAssertEqual(exit.status, 0, folder.read("watch.err"))
        XCTAssertTrue(folder.read("watch.out").hasSuffix("stopped\n"), folder.read("watch.out"))
        XCTAssertTrue(exists(spool + "/partial.jsonl.tmp"), "a .tmp file is never touched")
        XCTAssertEqual(folder.read("spool/done/a.jsonl.rejected"), "a.jsonl:line 2: not valid JSON: expected a quoted key (column 2)\n")
        XCTAssertTrue(folder.read("spool/failed/notes.txt.error").contains("cannot tell its format"))
        let ids = try AppDatabase.open(path: cache).read { db in try String.fetchAll(db, sql: "SELECT source_id FROM mention ORDER BY 1") }
        XCTAssertEqual(ids, ["a1", "a2"])
    }

    func testAWatcherKilledMidFileFinishesItAfterARestart() throws {
        let folder = TemporaryFolder()
        let spool = folder.file("spool")
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let config = try ExampleConfig.load()
        let lines = DemoGenerator(size: 20_000, seed: 11, now: RFC3339.milliseconds(from: "2026-11-23T12:00:00Z")!, config: config)
            .map(HeedJSONLines.encode).joined(separator: "\n") + "\n"
        let reference = folder.write("reference.jsonl", lines)
        let configFile = folder.write("config.json", ExampleConfig.text)
        XCTAssertEqual(try HeedRun.run(["ingest", "--config", configFile, "--cache", folder.file("reference.sqlite"), reference], in: folder).status, 0)

        let cache = folder.file("c.sqlite")
        folder.write("spool/big.jsonl", lines)
        let first = try ChildProcess.spawn([Paths.heedBinary, "ingest", "--config", configFile, "--batch-size", "1000", "--cache", cache, "--watch", spool],
                                           stdout: folder.file("w1.out"), stderr: folder.file("w1.err"), environment: ["HOME": folder.path])
        try waitUntil("a committed batch") { ((try? IngestCommandTests.importPosition(cache)) ?? nil ?? 0) >= 2_000 }
        first.kill()
        _ = first.wait()
        XCTAssertTrue(exists(spool + "/big.jsonl"), "a half-done file stays to be finished")
        let second = try ChildProcess.spawn([Paths.heedBinary, "ingest", "--config", configFile, "--cache", cache, "--watch", spool],
                                            stdout: folder.file("w2.out"), stderr: folder.file("w2.err"), environment: ["HOME": folder.path])
        try waitUntil("the file done") { exists(spool + "/done/big.jsonl") }
        second.kill(SIGINT)
        XCTAssertEqual(second.wait().status, 0)
        XCTAssertTrue(folder.read("w2.out").contains("(resumed after line"), folder.read("w2.out"))
        XCTAssertEqual(try CacheDump.text(AppDatabase.open(path: cache)), try CacheDump.text(AppDatabase.open(path: folder.file("reference.sqlite"))))
    }

    func testTheHookGetsTheNewMentionsWithoutAShell() throws {
        let folder = TemporaryFolder()
        let hook = folder.write("hook.sh", """
            #!/bin/sh
            cat > "$1/received.json"
            printf '%s\\n' "$HEED_CACHE" "$2" > "$1/context.txt"

            """)
        chmod(hook, 0o755)
        let config = folder.write("config.json", """
            {"hooks": {"after_ingest": {"program": "\(hook)", "args": ["\(folder.path)", "--from-heed"], "timeout_seconds": 10}}}
            """)
        let nasty = "quote \" semicolon ; $(touch \(folder.path)/pwned) `id` \\ back\nnew line"
        let input = folder.write("in.jsonl", [MentionLines.line(id: "1", text: nasty), MentionLines.line(id: "2", text: "plain")].joined(separator: "\n"))
        let cache = folder.file("c.sqlite")
        let run = try HeedRun.run(["ingest", "--config", config, "--cache", cache, input], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let received = try JSONParser.parse(folder.read("received.json"))
        guard case .array(let items) = received.value else { return XCTFail(folder.read("received.json")) }
        XCTAssertEqual(items.map { $0["id"]?.string }, ["1", "2"])
        XCTAssertEqual(items[0]["text"]?.string, nasty, "the text reaches the hook byte for byte")
        XCTAssertEqual(folder.read("context.txt"), "\(cache)\n--from-heed\n")
        XCTAssertFalse(exists(folder.path + "/pwned"), "nothing in the text ran")

        // Importing again stores nothing new, so the hook has nothing to hear.
        try FileManager.default.removeItem(atPath: folder.file("received.json"))
        XCTAssertEqual(try HeedRun.run(["ingest", "--config", config, "--cache", cache, input], in: folder).status, 0)
        XCTAssertFalse(exists(folder.file("received.json")))
    }

    func testAMissingHookIsSaidOnceAndTheImportGoesOn() throws {
        let folder = TemporaryFolder()
        let config = folder.write("config.json", #"{"hooks": {"after_ingest": {"program": "/nonexistent/tagger"}}}"#)
        let input = folder.write("in.jsonl", (1...5).map { MentionLines.line(id: "\($0)") }.joined(separator: "\n"))
        let run = try HeedRun.run(["ingest", "--batch-size", "1", "--config", config, "--cache", folder.file("c.sqlite"), input], in: folder)
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.stderr, "heed: hook /nonexistent/tagger (hooks.after_ingest) cannot be run: no such program; importing without it\n")
        XCTAssertTrue(run.stdout.contains("5 new"))
    }

    func testAFailingHookIsAWarningNotAFailure() throws {
        let folder = TemporaryFolder()
        let config = folder.write("config.json", #"{"hooks": {"after_ingest": {"program": "/bin/false"}}}"#)
        let input = folder.write("in.jsonl", MentionLines.line(id: "1"))
        let run = try HeedRun.run(["ingest", "--config", config, "--cache", folder.file("c.sqlite"), input], in: folder)
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.stderr, "heed: hook /bin/false exited with status 1\n")
        XCTAssertTrue(run.stdout.contains("1 new"))
    }
}
