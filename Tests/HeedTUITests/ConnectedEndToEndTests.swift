import Foundation
import GRDB
import HeedCore
import HeedTestSupport
import XCTest

/// The screen and `heed run` as a team uses them, in tmux, with a local server playing a
/// Mastodon instance (from its real recorded answers) and a Bluesky service (as its reference
/// says), and a Maildir with a fake sendmail: what the networks say shows on the screen, a reply
/// written there reaches the network once, and a run killed mid-delivery does not post twice.
final class ConnectedEndToEndTests: XCTestCase {
    static let mastodon = Paths.sharedFixtures + "/mastodon"
    static let notifications = Paths.packageRoot + "/Tests/HeedCoreTests/Fixtures/bluesky-list-notifications.json"

    /// A Mastodon instance that brings a mention once `mentionArrived` is set and takes replies,
    /// and a Bluesky service with its notifications — on one local server.
    final class Networks: @unchecked Sendable {
        let lock = NSLock()
        var mentionArrived = false
        var postDelay = 0.0
        var posted: [LocalServer.Request] = []
        var server: LocalServer!

        init() throws {
            let statusJSON = try RecordedMastodon.mentionStatusJSON()
            server = try LocalServer { [unowned self] request in
                switch (request.method, request.path) {
                case ("GET", "/api/v1/notifications"):
                    return self.lock.withLock { self.mentionArrived } && request.query("min_id") == nil ? .file(mastodon + "/test_notifications_mentions_only.1.json") : .json("[]")
                case ("GET", "/api/v1/statuses/117020577157693549"): return .json(statusJSON)
                case ("POST", "/api/v1/statuses"):
                    let delay = self.lock.withLock { () -> Double in
                        self.posted.append(request)
                        return self.postDelay
                    }
                    var response = LocalServer.Response.file(mastodon + "/test_status_reply.2.json")
                    response.delay = delay
                    return response
                case ("GET", "/api/v1/accounts/verify_credentials"): return .file(mastodon + "/test_status_reply.1.json")
                case ("GET", "/api/v1/accounts/117020565693913441/statuses"):
                    // What the instance holds of ours: the reply, once it was posted.
                    let posted = self.lock.withLock { !self.posted.isEmpty }
                    return .json(posted ? #"[{"id": "117020583258292382", "in_reply_to_id": "117020577157693549", "created_at": "2099-01-01T00:00:00.000Z", "#
                        + #""content": "<p>@admin Sorry, checking now ^SB</p>"}]"# : "[]")
                case ("POST", "/xrpc/com.atproto.server.createSession"):
                    return .json(#"{"accessJwt": "a", "refreshJwt": "r", "did": "did:plc:northwindhelp00000000000"}"#)
                case ("GET", "/xrpc/app.bsky.notification.listNotifications"):
                    return request.query("cursor") == nil ? .file(notifications) : .json(#"{"notifications": []}"#)
                default: return .json(#"{"error": "not here"}"#, status: 404)
                }
            }
        }

        var posts: [LocalServer.Request] { lock.withLock { posted } }
    }

    func testTheNetworksOnTheScreenAReplyOnceAndAKilledRunNeverPostsTwice() throws {
        XCTAssertTrue(Tmux.isAvailable, "tmux is needed for the screen tests: apt-get install tmux")
        let folder = TemporaryFolder()
        let networks = try Networks()
        let maildir = folder.file("Mail")
        for sub in ["new", "cur", "tmp"] { try FileManager.default.createDirectory(atPath: maildir + "/" + sub, withIntermediateDirectories: true) }
        // Written aside and moved into place: the test looks for the file while sendmail writes it.
        folder.write("sendmail", "#!/bin/sh\ncat > '\(folder.file("sending.eml"))' && mv '\(folder.file("sending.eml"))' '\(folder.file("sent.eml"))'\n")
        chmod(folder.file("sendmail"), 0o755)
        let url = networks.server.url.absoluteString
        folder.write("config.json", """
            {"brand": "Northwind", "undo_seconds": 3,
             "operators": [{"handle": "sam", "name": "Sam Brooks", "role": "lead", "signature": "^SB"}],
             "accounts": {
               "mastodon": [{"name": "mastodon-help", "handle": "mastodonpy_test", "url": "\(url)", "poll_seconds": 1}],
               "bluesky": [{"name": "bluesky-help", "handle": "help.northwind.bank", "url": "\(url)", "poll_seconds": 1}],
               "email": [{"name": "newsletter", "handle": "newsletter@northwind.example", "maildir": "\(maildir)", "from": "help@northwind.example",
                          "sendmail": {"program": "\(folder.file("sendmail"))", "args": ["-t", "-i"]}, "poll_seconds": 1}]}}
            """)
        folder.write("secrets.json", #"{"mastodon-help": "token-1", "bluesky-help": "app-password-1"}"#)
        chmod(folder.file("secrets.json"), 0o600)
        var screen = try ScreenBesideRun(folder: folder, config: folder.file("config.json"), cache: folder.file("cache.sqlite"))
        defer { screen.run.kill() }
        let (tmux, cache) = (screen.tmux, screen.cache)
        // Bluesky's notifications came by themselves: Dana's mention and our answer, so it waits on her.
        try tmux.send("/")
        try tmux.send("-l", "channel:bluesky is:waiting")
        try tmux.send("Enter")
        try tmux.waitFor(text: "my card was charged twice")
        try tmux.send("Escape")
        try tmux.waitFor(text: "Northwind · Triage")
        // The Mastodon mention arrives while the screen is open.
        networks.lock.withLock { networks.mentionArrived = true }
        let arrived = Date()
        try tmux.waitFor(text: "hello!", timeout: 10)
        XCTAssertLessThan(Date().timeIntervalSince(arrived), 2 + 1, "on the screen within a poll and a screen refresh")

        // A reply written on the screen goes once, after its undo window.
        try tmux.send("/")
        try tmux.send("-l", "channel:mastodon")
        try tmux.send("Enter")
        try tmux.waitFor(text: "search: channel:mastodon")
        try tmux.send("Enter")
        try tmux.waitFor(text: "hello!")
        try tmux.send("r")
        try tmux.waitFor(text: "reply to #")
        try tmux.send("-l", "Sorry, checking now")
        networks.lock.withLock { networks.postDelay = 3 }
        try tmux.send("Enter")
        try tmux.waitFor(text: "goes in")
        // Killed while the instance is answering the post: the next run finds it there and posts nothing.
        let deadline = Date().addingTimeInterval(10)
        while networks.posts.isEmpty && Date() < deadline { usleep(50_000) }
        XCTAssertEqual(networks.posts.count, 1)
        screen.run.kill(SIGKILL)
        _ = screen.run.wait()
        networks.lock.withLock { networks.postDelay = 0 }
        let database = try AppDatabase.open(path: cache)
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT state FROM outbox") }, "sending", "killed mid-send")
        try screen.restartRun()
        try tmux.waitFor(text: "Sorry, checking now", timeout: 10)
        let sentDeadline = Date().addingTimeInterval(10)
        while try database.read({ db in try String.fetchOne(db, sql: "SELECT state FROM outbox") }) != "sent" && Date() < sentDeadline { usleep(100_000) }
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT external_id FROM outbox") }, "117020583258292382",
                       "found on the instance")
        usleep(1_500_000)
        XCTAssertEqual(networks.posts.count, 1, "never posted twice")
        let body = try JSONParser.parse(networks.posts[0].body)
        XCTAssertEqual(body["status"]?.string, "@admin Sorry, checking now ^SB")

        // A newsletter reply lands in the Maildir; its answer goes through sendmail, threaded.
        _ = FileManager.default.createFile(atPath: maildir + "/new/1.host", contents: Data("""
            From: Dana K <dana@example.org>\r\nSubject: Re: News\r\nDate: Mon, 23 Nov 2026 09:41:07 +0000\r\nMessage-ID: <r1@example.org>\r\n\r\nplease call me about my mortgage\r\n
            """.utf8))
        try tmux.send("Escape")
        try tmux.waitFor(text: "search: channel:mastodon")
        try tmux.send("Escape")
        try tmux.waitFor(text: "please call me about my mortgage")
        try tmux.send("/")
        try tmux.send("-l", "channel:email")
        try tmux.send("Enter")
        try tmux.waitFor(text: "search: channel:email")
        try tmux.send("r")
        try tmux.waitFor(text: "reply to #")
        try tmux.send("-l", "We will call you today")
        try tmux.send("Enter")
        let mailDeadline = Date().addingTimeInterval(15)
        while !FileManager.default.fileExists(atPath: folder.file("sent.eml")) && Date() < mailDeadline { usleep(100_000) }
        let sent = folder.read("sent.eml")
        XCTAssertTrue(sent.contains("To: dana@example.org\nSubject: Re: News\n"), sent)
        XCTAssertTrue(sent.contains("In-Reply-To: <r1@example.org>"), sent)
        try tmux.send("q")
    }
}
