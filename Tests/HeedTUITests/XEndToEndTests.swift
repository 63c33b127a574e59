import Foundation
import HeedCore
import HeedTestSupport
import XCTest

/// X as a team uses it, in tmux beside `heed run`, against a local server playing the X API v2
/// from recorded answers (twarc's page of tweets, tweepy's `users/me` and `POST /2/tweets`):
/// mentions show on the screen as they come, a reply goes once, the access token running out
/// mid-shift is renewed without the operator seeing anything, and a renewal X refuses shows on
/// the screen with what to do, nothing queued lost.
final class XEndToEndTests: XCTestCase {
    static let page = Paths.sharedFixtures + "/x/brexit.jsonl"
    static let recorded = Paths.packageRoot + "/Tests/HeedCoreTests/Fixtures/recorded"

    final class Network: @unchecked Sendable {
        let lock = NSLock()
        var arrived = false
        var refuseRenewal = false
        var server: LocalServer!

        init() throws {
            let page = String(try String(contentsOfFile: XEndToEndTests.page, encoding: .utf8).split(separator: "\n")[0])
            server = try LocalServer { [unowned self] request in
                let (arrived, refuse) = self.lock.withLock { (self.arrived, self.refuseRenewal) }
                switch (request.method, request.path) {
                case ("POST", "/2/oauth2/token"):
                    return refuse ? .json(#"{"error":"invalid_request","error_description":"Value passed for the token was invalid."}"#, status: 400)
                        : .json(#"{"token_type":"bearer","expires_in":7200,"access_token":"access-2","refresh_token":"refresh-2","scope":"tweet.read users.read tweet.write offline.access"}"#)
                case ("GET", "/2/users/me"): return .file(XEndToEndTests.recorded + "/x-users-me.json")
                case ("GET", "/2/users/1072250532645998596/mentions"):
                    return arrived && request.query("since_id") == nil ? .json(page) : .json(#"{"meta":{"result_count":0}}"#)
                case ("POST", "/2/tweets"): return .file(XEndToEndTests.recorded + "/x-create-tweet.json", status: 201)
                default: return .json(#"{"title":"Not Found Error","status":404}"#, status: 404)
                }
            }
        }

        func requests(_ path: String) -> [LocalServer.Request] { server.requests.filter { $0.path == path } }
    }

    func testMentionsRepliesAndASignInRunningOutOnTheScreen() throws {
        XCTAssertTrue(Tmux.isAvailable, "tmux is needed for the screen tests: apt-get install tmux")
        let folder = TemporaryFolder()
        let network = try Network()
        let config = folder.write("config.json", """
            {"brand": "Northwind", "undo_seconds": 3,
             "operators": [{"handle": "sam", "name": "Sam Brooks", "role": "lead", "signature": "^SB"}],
             "accounts": {"x": [{"name": "x-help", "handle": "TweepyDev", "client_id": "client-1", "url": "\(network.server.url.absoluteString)",
                                 "poll_seconds": 1}]}}
            """)
        let secrets = Secrets(configPath: config, environment: [:])
        // Signed in a while ago: the access token has a minute and a few seconds left.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try secrets.store(OAuthTokens(access: Secret("access-1"), refresh: Secret("refresh-1"), expiresAt: now + 66_000,
                                      scope: "tweet.read users.read tweet.write offline.access"), for: "x-help")
        let cache = folder.file("cache.sqlite")
        let screen = try ScreenBesideRun(folder: folder, config: config, cache: cache)
        defer { screen.run.kill() }
        let tmux = screen.tmux

        // The mentions arrive while the screen is open.
        let authors = try Self.usernames()
        network.lock.withLock { network.arrived = true }
        let arrived = Date()
        try tmux.waitFor("a mention from the page", timeout: 10) { screen in authors.contains { screen.contains("@" + $0) } }
        XCTAssertLessThan(Date().timeIntervalSince(arrived), 2 + 1, "on the screen within a poll and a screen refresh\n" + screen.log)

        // A reply written on the screen goes once, after its undo window, as a reply.
        try tmux.send("Enter")
        try tmux.waitFor(text: "▸ @")
        try screen.reply("Thanks for telling us")
        ScreenBesideRun.wait(before: Date() + 15) { !network.requests("/2/tweets").isEmpty }
        let posts = network.requests("/2/tweets")
        XCTAssertEqual(posts.count, 1, screen.log)
        let body = try JSONParser.parse(posts.first?.body ?? Data())
        XCTAssertEqual(body["text"]?.string, "Thanks for telling us ^SB")
        XCTAssertNotNil(body["reply"]?["in_reply_to_tweet_id"]?.string)

        // The token's last minute came meanwhile: renewed once, and used since, with nothing shown.
        let renewDeadline = Date() + 20
        ScreenBesideRun.wait(before: renewDeadline) { !network.requests("/2/oauth2/token").isEmpty }
        XCTAssertEqual(network.requests("/2/oauth2/token").count, 1, screen.log)
        let polled = network.requests("/2/users/1072250532645998596/mentions").count
        ScreenBesideRun.wait(before: renewDeadline) { network.requests("/2/users/1072250532645998596/mentions").count >= polled + 2 }
        XCTAssertEqual(network.requests("/2/users/1072250532645998596/mentions").last?.headers["authorization"], "Bearer access-2")
        XCTAssertEqual(try secrets.tokens(for: ConnectedAccount(name: "x-help", channel: "x", network: .x, handle: "TweepyDev"))?.refresh?.reveal(),
                       "refresh-2")
        XCTAssertFalse(try tmux.screen().contains("⚠"), "the operator sees nothing of it")

        // Later X refuses to renew it: the screen says so and what to do; a reply written meanwhile waits.
        network.lock.withLock { network.refuseRenewal = true }
        try secrets.store(OAuthTokens(access: Secret("access-2"), refresh: Secret("refresh-2"), expiresAt: now - 1_000), for: "x-help")
        try tmux.waitFor(text: "⚠ x-help: in trouble", timeout: 10)
        try tmux.send("Escape")
        try tmux.waitFor(text: "⚠ x-help: sign in again — `heed account login x-help` (the network refused to renew")
        try tmux.send("Enter")
        try screen.reply("Still here")
        let database = try AppDatabase.open(path: cache)
        func second() throws -> String? {
            try database.read { db in try String.fetchOne(db, sql: "SELECT state || ' ' || coalesce(last_error, '') FROM outbox WHERE text LIKE 'Still here%'") }
        }
        try ScreenBesideRun.wait(before: Date() + 10) { try second()?.hasPrefix("queued sign") == true }
        XCTAssertEqual(try second(), "queued sign in again — `heed account login x-help` (the network refused to renew the sign-in: "
                       + "Value passed for the token was invalid.)", "kept, with the reason")
        XCTAssertEqual(network.requests("/2/tweets").count, 1, "nothing sent without a sign-in")
        try tmux.send("Escape")
        try tmux.send("q")
    }

    /// The authors of the recorded page, as the queue names them.
    static func usernames() throws -> [String] {
        let line = String(try String(contentsOfFile: page, encoding: .utf8).split(separator: "\n")[0])
        guard case .array(let users)? = try JSONParser.parse(Data(line.utf8))["includes"]?["users"]?.value else { throw HeedError("no users") }
        return users.compactMap { $0["username"]?.string }
    }
}
