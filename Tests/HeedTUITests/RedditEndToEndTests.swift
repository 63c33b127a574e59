import Foundation
import HeedCore
import HeedTestSupport
import XCTest

/// Reddit as a team uses it, in tmux beside `heed run`, against a local server playing Reddit
/// from PRAW's recordings (its inbox, a token renewal, a comment posted): replies to our
/// comments show on the screen as they come, an answer written there goes once as a comment
/// under them, and the sign-in running out mid-shift is renewed without the operator seeing it.
final class RedditEndToEndTests: XCTestCase {
    static let recorded = Paths.packageRoot + "/Tests/HeedCoreTests/Fixtures/recorded"

    final class Network: @unchecked Sendable {
        let lock = NSLock()
        var arrived = false
        var server: LocalServer!

        init() throws {
            server = try LocalServer { [unowned self] request in
                let arrived = self.lock.withLock { self.arrived }
                switch (request.method, request.path) {
                case ("POST", "/api/v1/access_token"): return .file(RedditEndToEndTests.recorded + "/reddit-access-token.json")
                case ("GET", "/message/inbox"):
                    return arrived && request.query("before") == nil ? .file(RedditEndToEndTests.recorded + "/reddit-message-inbox.json")
                        : .json(#"{"kind": "Listing", "data": {"after": null, "dist": 0, "children": [], "before": null}}"#)
                case ("POST", "/api/comment"): return .file(RedditEndToEndTests.recorded + "/reddit-api-comment.json")
                default: return .json(#"{"message": "Not Found", "error": 404}"#, status: 404)
                }
            }
        }

        func requests(_ path: String) -> [LocalServer.Request] { server.requests.filter { $0.path == path } }
    }

    func testRepliesToUsShowAndAreAnsweredOnceAcrossARenewedSignIn() throws {
        XCTAssertTrue(Tmux.isAvailable, "tmux is needed for the screen tests: apt-get install tmux")
        let folder = TemporaryFolder()
        let network = try Network()
        let config = folder.write("config.json", """
            {"brand": "Northwind", "undo_seconds": 3,
             "operators": [{"handle": "sam", "name": "Sam Brooks", "role": "lead", "signature": "^SB"}],
             "accounts": {"reddit": [{"name": "reddit-help", "handle": "NorthwindHelp", "client_id": "client-1",
                                      "url": "\(network.server.url.absoluteString)", "poll_seconds": 1}]}}
            """)
        // Signed in a while ago: the access token has a minute and a few seconds left.
        try Secrets(configPath: config, environment: [:]).store(
            OAuthTokens(access: Secret("access-1"), refresh: Secret("refresh-1"), expiresAt: Int64(Date().timeIntervalSince1970 * 1000) + 66_000,
                        scope: "identity privatemessages read submit"), for: "reddit-help")
        let screen = try ScreenBesideRun(folder: folder, config: config, cache: folder.file("cache.sqlite"))
        defer { screen.run.kill() }
        let tmux = screen.tmux

        // Watching for her reply to our comment while the inbox fills (its private messages, hers
        // among them, are mostly a bot's).
        try tmux.send("/")
        try tmux.send("-l", "from:Lil_SpazTest Reply")
        try tmux.send("Enter")
        try tmux.waitFor(text: "search: from:Lil_SpazTest Reply")
        network.lock.withLock { network.arrived = true }
        let arrived = Date()
        try tmux.waitFor(text: "@Lil_SpazTest", timeout: 10)
        XCTAssertLessThan(Date().timeIntervalSince(arrived), 2 + 1, "on the screen within a poll and a screen refresh\n" + screen.log)
        try tmux.send("Enter")
        try tmux.waitFor(text: "▸ @Lil_SpazTest")
        try screen.reply("Thanks, passing it on")
        ScreenBesideRun.wait(before: Date() + 15) { !network.requests("/api/comment").isEmpty }
        let posts = network.requests("/api/comment")
        XCTAssertEqual(posts.count, 1, screen.log)
        XCTAssertEqual(posts.first?.bodyText, "api_type=json&thing_id=t1_myngt77&text=Thanks%2C%20passing%20it%20on%20%5ESB")

        // The token's last minute came meanwhile: renewed once, unseen.
        let renewDeadline = Date() + 20
        ScreenBesideRun.wait(before: renewDeadline) { !network.requests("/api/v1/access_token").isEmpty }
        XCTAssertEqual(network.requests("/api/v1/access_token").count, 1, screen.log)
        let polled = network.requests("/message/inbox").count
        ScreenBesideRun.wait(before: renewDeadline) { network.requests("/message/inbox").count >= polled + 2 }
        XCTAssertEqual(network.requests("/message/inbox").last?.headers["authorization"], "Bearer <ACCESS_TOKEN>", "the renewed token, as PRAW recorded it")
        XCTAssertEqual(Set(network.requests("/message/inbox").map { $0.headers["user-agent"] ?? "" }), ["linux:heed:1 (by /u/NorthwindHelp)"])
        XCTAssertFalse(try tmux.screen().contains("⚠"), "the operator sees nothing of it")
        try tmux.send("Escape")
        try tmux.send("q")
    }
}
