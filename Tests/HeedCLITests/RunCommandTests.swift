import Foundation
import GRDB
import HeedCore
import HeedTestSupport
import XCTest

/// `heed run` as a process, against a local server playing a Mastodon instance from its real
/// recorded answers: it hears, answers once, says how it is, and stops cleanly.
final class RunCommandTests: XCTestCase {
    let folder = TemporaryFolder()
    var cache: String { folder.file("cache.sqlite") }
    var config: String { folder.file("team.json") }
    static let fixtures = Paths.sharedFixtures + "/mastodon"

    func writeConfig(_ server: LocalServer, stream: Bool = false) {
        folder.write("team.json", """
            {"operators": [{"handle": "sam", "name": "Sam Brooks", "role": "lead", "signature": "^SB"}],
             "undo_seconds": 2,
             "accounts": {"mastodon": [{"name": "mastodon-help", "handle": "mastodonpy_test", "url": "\(server.url.absoluteString)", "poll_seconds": 1,
                                        "stream": \(stream)}]}}
            """)
    }

    func heed(_ arguments: [String], environment: [String: String] = [:]) throws -> HeedRun {
        try HeedRun.run(arguments + ["--cache", cache, "--config", config], in: folder, environment: environment)
    }

    /// `until` is polled every 50 ms for at most `seconds`.
    func wait(_ seconds: Double, for what: String, _ until: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try until() { return }
            usleep(50_000)
        }
        XCTFail("waited \(seconds) s for \(what)")
    }

    func instance() throws -> LocalServer {
        let statusJSON = try RecordedMastodon.mentionStatusJSON()
        return try LocalServer { request in
            switch (request.method, request.path) {
            case ("GET", "/api/v1/notifications"):
                return request.query("min_id") == nil ? .file(Self.fixtures + "/test_notifications_mentions_only.1.json") : .json("[]")
            case ("GET", "/api/v1/statuses/117020577157693549"): return .json(statusJSON)
            case ("POST", "/api/v1/statuses"): return .file(Self.fixtures + "/test_status_reply.2.json")
            case ("GET", "/api/v1/accounts/verify_credentials"): return .file(Self.fixtures + "/test_status_reply.1.json")
            default: return .json(#"{"error":"Record not found"}"#, status: 404)
            }
        }
    }

    func testRunHearsAnswersOnceSaysHowItIsAndStops() throws {
        let server = try instance()
        writeConfig(server)
        XCTAssertEqual(try heed(["init"]).status, 0)
        let stopped = try heed(["status"])
        XCTAssertEqual(stopped.status, 3, "not running")
        XCTAssertTrue(stopped.stdout.contains("heed run: not running for this cache"), stopped.stdout)
        let environment = ["HEED_SECRET_MASTODON_HELP": "token-123", "HOME": folder.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        let log = folder.file("run.log")
        let run = try ChildProcess.spawn([Paths.heedBinary, "run", "--cache", cache, "--config", config], stdout: log, stderr: log,
                                         environment: environment)
        defer { run.kill() }
        let database = try AppDatabase.open(path: cache)
        try wait(10, for: "the mention") {
            try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") } == 1
        }
        let second = try heed(["run"], environment: environment)
        XCTAssertEqual(second.status, 75, "one run a cache")
        XCTAssertTrue(second.stderr.contains("heed run is already running for \(cache) (process \(run.pid) on "), second.stderr)
        let status = try heed(["status"])
        XCTAssertEqual(status.status, 0, status.stdout)
        XCTAssertTrue(status.stdout.contains("heed run: running (process \(run.pid) on "), status.stdout)
        XCTAssertTrue(status.stdout.contains("mastodon-help (mastodon, mastodonpy_test): polled"), status.stdout)
        XCTAssertTrue(status.stdout.contains("ok; cursor 21"), status.stdout)

        let conversation = try XCTUnwrap(try database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention") })
        let queued = Date()
        XCTAssertEqual(try heed(["reply", String(conversation), "--text", "On it!", "--as", "sam"]).status, 0)
        try wait(10, for: "the reply on the instance") { server.requests.contains { $0.method == "POST" } }
        let delay = Date().timeIntervalSince(queued)
        XCTAssertLessThan(delay, 2 + 1.5, "sent within a second or so of its undo window ending")
        try wait(5, for: "the post marked sent") {
            try database.read { db in try String.fetchOne(db, sql: "SELECT state FROM outbox") } == "sent"
        }
        usleep(1_500_000)
        XCTAssertEqual(server.requests.filter { $0.method == "POST" }.count, 1, "exactly once")

        run.kill(SIGTERM)
        let exit = run.wait()
        XCTAssertEqual(exit.status, 0, "a clean stop")
        let lines = try String(contentsOfFile: log, encoding: .utf8)
        XCTAssertTrue(lines.contains("level=info logger=heed") && lines.contains("msg=started"), lines)
        XCTAssertTrue(lines.contains("component=deliver") && lines.contains("msg=delivered"), lines)
        XCTAssertTrue(lines.contains("msg=stopped"), lines)
        XCTAssertFalse(lines.contains("On it!") || lines.contains("hello!"), "no customer text, nor ours, above debug")
        XCTAssertFalse(lines.contains("token-123"), "no secret")
        XCTAssertEqual(try heed(["status"]).status, 3, "gone with its process")
    }

    /// The instance streams from its own host (it names none); the stream carries the recorded
    /// notification 14 (Mastodon.py's recording, `Tests/HeedCoreTests/Fixtures/recorded`).
    func testRunStreamsMentionsAsTheyHappenAndStopsMidStream() throws {
        let stream = ResponseStream()
        defer { stream.close() }
        let server = try LocalServer { request in
            switch request.path {
            case "/api/v1/notifications": return .json("[]")
            case "/api/v1/streaming/user/notification": return .events(stream, first: ":)\n")
            default: return .json(#"{"error":"Record not found"}"#, status: 404)
            }
        }
        writeConfig(server, stream: true)
        XCTAssertEqual(try heed(["init"]).status, 0)
        let log = folder.file("run.log")
        let run = try ChildProcess.spawn([Paths.heedBinary, "run", "--cache", cache, "--config", config], stdout: log, stderr: log,
                                         environment: ["HEED_SECRET_MASTODON_HELP": "token-123", "HOME": folder.path])
        defer { run.kill() }
        let database = try AppDatabase.open(path: cache)
        try wait(10, for: "the stream to open") {
            try database.read { db in try Int64.fetchOne(db, sql: "SELECT streaming_since FROM account_state") } != nil
        }
        let recorded = try String(contentsOfFile: Paths.packageRoot + "/Tests/HeedCoreTests/Fixtures/recorded/mastodon-streaming-user.sse", encoding: .utf8)
        let notification = try XCTUnwrap(recorded.components(separatedBy: "\n").first { $0.hasPrefix(#"data: {"id":"14","type":"mention""#) })
        let sent = Date()
        stream.send("event: notification\n\(notification)\n\n")
        try wait(2, for: "the streamed mention, within 2 s") {
            try database.read { db in try String.fetchOne(db, sql: "SELECT source_id FROM mention") } == "117024236408130890"
        }
        print("streamed mention stored after \(Int(Date().timeIntervalSince(sent) * 1000)) ms")
        let status = try heed(["status"])
        XCTAssertTrue(status.stdout.contains("ok; streaming for "), status.stdout)
        XCTAssertTrue(status.stdout.contains("cursor 14"), status.stdout)
        let stopping = Date()
        run.kill(SIGTERM)
        XCTAssertEqual(run.wait().status, 0, "a clean stop, the stream open")
        XCTAssertLessThan(Date().timeIntervalSince(stopping), 5)
        XCTAssertFalse(try heed(["status"]).stdout.contains("streaming for"), "not shown as streaming once stopped")
        let lines = try String(contentsOfFile: log, encoding: .utf8)
        XCTAssertTrue(lines.contains("msg=streaming"), lines)
        XCTAssertEqual(server.requests.filter { $0.path == "/api/v1/streaming/user/notification" }.count, 1, "one stream, held open")
    }

    func testAccountCheckSaysWhatIsWrongAndTheUnitRunsIt() throws {
        let server = try LocalServer { request in
            request.headers["authorization"] == "Bearer good" ? .file(Self.fixtures + "/test_status_reply.1.json")
                : .json(#"{"error":"The access token is invalid"}"#, status: 401)
        }
        writeConfig(server)
        let good = try heed(["account", "check"], environment: ["HEED_SECRET_MASTODON_HELP": "good"])
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertEqual(good.stdout, "mastodon-help: ok, signed in as @admin on 127.0.0.1 (id 117020565693913441)\n")
        let bad = try heed(["account", "check", "mastodon-help"], environment: ["HEED_SECRET_MASTODON_HELP": "stale"])
        XCTAssertEqual(bad.status, 77)
        XCTAssertEqual(bad.stdout, "mastodon-help: checking the token: HTTP 401 (The access token is invalid): the network refused the secret "
            + "(a wrong or revoked token, or a missing scope)\n")
        let none = try heed(["account", "check"])
        XCTAssertEqual(none.status, 78)
        XCTAssertTrue(none.stdout.contains("mastodon-help has no secret: put it in \(folder.file("secrets.json"))"), none.stdout)
        // A secrets file others may read is refused, as ssh refuses such a key.
        folder.write("secrets.json", #"{"mastodon-help": "good"}"#)
        chmod(folder.file("secrets.json"), 0o644)
        let open = try heed(["account", "check"])
        XCTAssertTrue(open.stdout.contains("may be read by others (mode 644): heed does not read secrets from it"), open.stdout)
        chmod(folder.file("secrets.json"), 0o600)
        XCTAssertEqual(try heed(["account", "check"]).status, 0)

        let unit = try heed(["run", "--unit"])
        XCTAssertEqual(unit.status, 0)
        XCTAssertTrue(unit.stdout.contains("ExecStart=\(Paths.heedBinary) run --cache \(cache) --config \(config)"), unit.stdout)
        XCTAssertTrue(unit.stdout.contains("Restart=on-failure") && unit.stdout.contains("KillSignal=SIGTERM"), unit.stdout)
    }
}
