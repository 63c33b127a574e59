import Foundation
import HeedCore
import HeedTestSupport
import XCTest

/// `heed account add` as a newcomer uses it, answering its questions (one a line on standard
/// input), against a local server playing a Mastodon instance from Mastodon.py's recording of
/// `verify_credentials`: the account is checked before anything is saved, then added to the
/// config as one entry, the secret beside it.
final class AccountAddTests: XCTestCase {
    let folder = TemporaryFolder()
    var config: String { folder.file("team.json") }
    static let verified = Paths.sharedFixtures + "/mastodon/test_status_reply.1.json"
    static let original = """
        {
          "brand": "Northwind Bank",
          "accounts": {
            "x": ["NorthwindHelp"]
          }
        }

        """

    /// Answers `token-123` alone; anything else is refused as Mastodon refuses a token.
    func instance() throws -> LocalServer {
        try LocalServer { request in
            guard request.path == "/api/v1/accounts/verify_credentials" else { return .json(#"{"error":"Record not found"}"#, status: 404) }
            return request.headers["authorization"] == "Bearer token-123" ? .file(Self.verified)
                : .json(#"{"error":"The access token is invalid"}"#, status: 401)
        }
    }

    func add(_ arguments: [String], answers: [String], configFlag: Bool = true) throws -> HeedRun {
        folder.write("answers.txt", answers.map { $0 + "\n" }.joined())
        return try HeedRun.run(["account", "add"] + arguments + (configFlag ? ["--config", config] : []), in: folder, stdin: folder.file("answers.txt"))
    }

    func testAnAccountIsAskedForCheckedAndAddedWithItsSecretBeside() throws {
        let server = try instance()
        folder.write("team.json", Self.original)
        XCTAssertEqual(try HeedRun.run(["init", "--config", config], in: folder).status, 0, "a cache scored by the config as it was")
        let run = try add(["mastodon-help", "--stream"], answers: ["mastodon", server.url.absoluteString, "mastodonpy_test", "token-123"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let cache = folder.file("data-home") + "/heed/cache.sqlite"
        XCTAssertEqual(run.stdout, """
            mastodon-help: ok, signed in as @admin on 127.0.0.1 (id 117020565693913441)
            added mastodon-help to \(config) under accounts.mastodon, its secret to secrets.json beside it; `heed run` hears it (a running one once restarted)
            mastodonpy_test is new to \(config) as one of ours: the cache \(cache) counts it so once the config is applied — `heed config apply \(config)` (scores every open conversation again)

            """)
        XCTAssertTrue(run.stderr.contains("network (mastodon, bluesky, discourse, feed, email, x, reddit, youtube, facebook): "), run.stderr)
        XCTAssertTrue(run.stderr.contains("Preferences → Development → New application"), "what to do on the instance first")
        XCTAssertFalse(run.stderr.contains("token-123") || run.stdout.contains("token-123"), "the secret is never printed")
        let entry = #"{"name":"mastodon-help","url":"\#(server.url.absoluteString)","handle":"mastodonpy_test","stream":true}"#
        XCTAssertEqual(try String(contentsOfFile: config, encoding: .utf8),
                       Self.original.replacingOccurrences(of: #""x": ["NorthwindHelp"]"#, with: #""mastodon": [\#(entry)],"# + "\n    " + #""x": ["NorthwindHelp"]"#))
        XCTAssertEqual(try String(contentsOfFile: folder.file("secrets.json"), encoding: .utf8), #"{"mastodon-help":"token-123"}"# + "\n")
        var info = stat()
        stat(folder.file("secrets.json"), &info)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
        XCTAssertEqual(server.requests.map(\.description), ["GET /api/v1/accounts/verify_credentials"], "one authenticated request")

        let check = try HeedRun.run(["account", "check", "--config", config], in: folder)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        let again = try add(["mastodon-help"], answers: [])
        XCTAssertEqual(again.status, 64)
        XCTAssertTrue(again.stderr.contains("connects an account \"mastodon-help\" already"), again.stderr)
    }

    func testNothingIsSavedWhenTheNetworkRefusesOrAnAnswerIsWrong() throws {
        let server = try instance()
        folder.write("team.json", Self.original)
        let refused = try add(["mastodon-help", "--network", "mastodon", "--url", server.url.absoluteString, "--handle", "help"], answers: ["stale"])
        XCTAssertEqual(refused.status, 77)
        XCTAssertTrue(refused.stderr.contains("checking the token: HTTP 401 (The access token is invalid): the network refused the secret"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("nothing was saved"), refused.stderr)
        let wrongURL = try add(["mastodon-help"], answers: ["mastodon", "mastodon.social"])
        XCTAssertEqual(wrongURL.status, 64)
        XCTAssertTrue(wrongURL.stderr.contains("its address: the instance, such as https://mastodon.social: \"mastodon.social\" is not an http(s) address"),
                      wrongURL.stderr)
        let wrongNetwork = try add(["x-help"], answers: ["twitter"])
        XCTAssertEqual(wrongNetwork.status, 64)
        XCTAssertTrue(wrongNetwork.stderr.contains("the networks heed connects to are mastodon, bluesky, discourse, feed, email"), wrongNetwork.stderr)
        let badName = try add(["help desk"], answers: [])
        XCTAssertEqual(badName.status, 64)
        XCTAssertEqual(try String(contentsOfFile: config, encoding: .utf8), Self.original, "the config as it was")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("secrets.json")))
    }

    func testWithNoConfigYetTheFirstAccountBeginsOne() throws {
        let server = try instance()
        let run = try add(["comments", "--network", "feed", "--url", server.url.absoluteString + "/feed", "--no-check"], answers: [], configFlag: false)
        XCTAssertEqual(run.status, 0, run.stderr)
        let made = folder.file("config-home") + "/heed/config.json"
        XCTAssertEqual(try String(contentsOfFile: made, encoding: .utf8),
                       #"{"accounts": {"blog": [{"name":"comments","url":"\#(server.url.absoluteString)/feed"}]}}"# + "\n")
        XCTAssertTrue(run.stdout.contains("added comments to \(made) under accounts.blog;"), run.stdout)
        XCTAssertEqual(server.requests.count, 0, "--no-check asks nothing of the network")
        XCTAssertEqual(try HeedRun.run(["config", "check"], in: folder).status, 0)
    }
}
