import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// heed answering as a Facebook Page through the Graph API, against a local server answering as
/// the Graph API reference has it (Facebook Login's token exchange, `me/accounts`, a page's
/// feed and comments, its error codes): no public recording of these answers was found, so they
/// follow the reference (`Fixtures/README.md`).
final class FacebookConnectorTests: ConnectorTestCase {
    override class var startsAt: String { "2026-11-23T12:00:00Z" }
    static let comments = Paths.packageRoot + "/Tests/HeedCoreTests/Fixtures/facebook-comments.json"
    static let pageID = "104000000000001"
    static let post = "104000000000001_122111223344556677"
    static let feed = """
        {"data": [
          {"id": "\(post)", "message": "Our new savings rates are here", "from": {"name": "Northwind Bank", "id": "\(pageID)"},
           "created_time": "2026-11-20T09:00:00+0000", "updated_time": "2026-11-23T09:02:10+0000"},
          {"id": "\(pageID)_9988", "message": "Your app logged me out three times today", "from": {"name": "Sam Patel", "id": "7300000000000009"},
           "created_time": "2026-11-23T07:00:00+0000", "updated_time": "2026-11-23T07:00:00+0000",
           "permalink_url": "https://www.facebook.com/NorthwindBank/posts/9988"}],
         "paging": {"cursors": {"before": "QVFIUmJ4", "after": "QVFIUkxk"}}}
        """

    func config(_ server: LocalServer) -> Config {
        var account = ConnectedAccount(name: "facebook-help", channel: "facebook", network: .facebook, handle: "Northwind Bank", url: server.url)
        account.clientID = "app-1"
        var config = ActionServiceTests.config
        config.connectedAccounts = [account]
        config.accounts = ["facebook": ["Northwind Bank"]]
        return config
    }

    /// Facebook's answers to "was the code typed?", in turn (error subcodes), then the person's token.
    final class DeviceLogin: @unchecked Sendable {
        let lock = NSLock()
        var waiting: [(code: Int, subcode: Int, message: String)]
        init(_ waiting: [(code: Int, subcode: Int, message: String)] = []) { self.waiting = waiting }

        func status() -> LocalServer.Response {
            lock.withLock {
                guard !waiting.isEmpty else { return .json(#"{"access_token": "user-short", "data_access_expiration_time": 1771934400, "expires_in": 5183999}"#) }
                let (code, subcode, message) = waiting.removeFirst()
                return .json(#"{"error": {"message": "\#(message)", "type": "OAuthException", "code": \#(code), "error_subcode": \#(subcode), "#
                    + #""is_transient": false, "fbtrace_id": "AzXq1"}}"#, status: 400)
            }
        }
    }

    func graph(tokenRefused: Bool = false, device: DeviceLogin = DeviceLogin()) throws -> LocalServer {
        try LocalServer { request in
            if tokenRefused {
                return .json(#"{"error": {"message": "Error validating access token: The session has been invalidated because the user changed their "#
                    + #"password.", "type": "OAuthException", "code": 190, "error_subcode": 460, "fbtrace_id": "A1b2C3"}}"#, status: 400)
            }
            switch (request.method, request.path) {
            case ("POST", "/v21.0/oauth/access_token"):
                return request.bodyText.contains("grant_type=fb_exchange_token&fb_exchange_token=user-short")
                    ? .json(#"{"access_token": "user-long", "token_type": "bearer", "expires_in": 5183944}"#)
                    : .json(#"{"access_token": "user-short", "token_type": "bearer", "expires_in": 5183}"#)
            case ("POST", "/v21.0/device/login"):
                return .json(#"{"code": "92a2b2e351f2b0b3503b2de251132f47", "user_code": "A1NWZ9", "verification_uri": "https://www.facebook.com/device", "#
                    + #""expires_in": 420, "interval": 5}"#)
            case ("POST", "/v21.0/device/login_status"): return device.status()
            case ("GET", "/v21.0/me/accounts"):
                return .json(#"{"data": [{"id": "200000000000002", "name": "Northwind Careers", "access_token": "other-page"}, "#
                    + #"{"id": "\#(Self.pageID)", "name": "Northwind Bank", "access_token": "page-token-1", "category": "Bank"}]}"#)
            case ("GET", "/v21.0/me"): return .json(#"{"id": "\#(Self.pageID)", "name": "Northwind Bank"}"#)
            case ("GET", "/v21.0/\(Self.pageID)/feed"):
                return .json(Self.feed, headers: [("X-Page-Usage", #"{"call_count":3,"total_cputime":1,"total_time":2}"#)])
            case ("GET", "/v21.0/\(Self.post)/comments"): return .file(Self.comments)
            case ("GET", "/v21.0/122111223344556677_1598765432109876/comments"):
                // A reply under the comment we answered, as only reading that comment again finds it.
                return .json(#"{"data": [{"id": "122111223344556677_1598765432133333", "from": {"name": "Maria Lopez", "id": "7312345678901234"}, "#
                    + #""message": "thanks, that worked", "created_time": "2026-11-23T10:00:00+0000", "parent": {"id": "122111223344556677_1598765432109876"}}]}"#)
            case ("GET", let path) where path.hasSuffix("/comments"): return .json(#"{"data": []}"#)
            case ("POST", let path) where path.hasSuffix("/comments"): return .json(#"{"id": "122111223344556677_1598999999999999"}"#)
            default: return .json(#"{"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}}"#, status: 400)
            }
        }
    }

    func testTheProofIsTheTokenSignedWithTheAppsSecret() {
        // RFC 4231, test case 2.
        XCTAssertEqual(HMAC.sha256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)).hex,
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(Facebook.proof(token: Secret("page-token-1"), secret: Secret("app-secret-1")),
                       "e17cc3f0898947da335ba22917d62b78810958c2beb8fc6bc57c45bd4c76c9be")
    }

    func testSigningInEndsWithThePagesOwnToken() async throws {
        let server = try graph()
        let account = config(server).connectedAccounts[0]
        XCTAssertThrowsError(try OAuthSignIn(account: account, secrets: secrets)) {
            XCTAssertTrue("\($0)".contains("Facebook signs every call with the app's secret"), "\($0)")
        }
        try secrets.store(Secret("app-secret-1"), for: "facebook-help.client_secret")
        let signIn = try OAuthSignIn(account: account, secrets: secrets)
        XCTAssertEqual(URLComponents(url: signIn.url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "scope" }?.value,
                       "pages_show_list pages_read_engagement pages_read_user_content pages_manage_engagement")
        let (tokens, _) = try await signIn.finish(code: "code-1", secrets: secrets, clock: clock)
        XCTAssertEqual(tokens.access.reveal(), "page-token-1", "the page's token, found by the page's name")
        XCTAssertNil(tokens.expiresAt, "a page token from a long-lived sign-in does not run out")
        let exchanges = server.requests.filter { $0.path == "/v21.0/oauth/access_token" }.map(\.bodyText)
        XCTAssertEqual(exchanges.count, 2)
        XCTAssertTrue(exchanges[0].hasPrefix("grant_type=authorization_code&code=code-1&redirect_uri="), exchanges[0])
        XCTAssertTrue(exchanges[0].hasSuffix("&client_id=app-1&client_secret=app-secret-1"), exchanges[0])
        XCTAssertEqual(exchanges[1], "grant_type=fb_exchange_token&fb_exchange_token=user-short&client_id=app-1&client_secret=app-secret-1")
        let pages = try XCTUnwrap(server.requests.first { $0.path == "/v21.0/me/accounts" })
        XCTAssertEqual(pages.headers["authorization"], "Bearer user-long")
        XCTAssertEqual(pages.query("appsecret_proof"), Facebook.proof(token: Secret("user-long"), secret: Secret("app-secret-1")))
        XCTAssertEqual(try secrets.tokens(for: account)?.access.reveal(), "page-token-1")
    }

    func testSigningInByACodeTypedOnAPhoneAsksFacebookAtItsPaceAndEndsWithThePagesToken() async throws {
        let pending = (code: 31, subcode: 1_349_174, message: "authorization pending")
        let server = try graph(device: DeviceLogin([pending, (code: 17, subcode: 1_349_172, message: "polling too frequently"), pending]))
        let account = config(server).connectedAccounts[0]
        try secrets.store(Secret("app-secret-1"), for: "facebook-help.client_secret")
        XCTAssertThrowsError(try OAuthDeviceSignIn(account: account, secrets: secrets)) {
            XCTAssertTrue("\($0)".contains("names the app by its client token (the app's Settings › Advanced › Client token): put it in "), "\($0)")
            XCTAssertTrue("\($0)".contains(#"as {"facebook-help.client_token": "…"}"#), "\($0)")
        }
        try secrets.store(Secret("client-token-1"), for: "facebook-help.client_token")
        let signIn = try OAuthDeviceSignIn(account: account, secrets: secrets)
        let prompt = try await signIn.start(http: URLSessionHTTPClient(), clock: clock)
        XCTAssertEqual(prompt.page, "https://www.facebook.com/device")
        XCTAssertEqual(prompt.userCode, "A1NWZ9")
        XCTAssertEqual(prompt.expiresAt, clock.now() + 420_000)
        XCTAssertEqual(server.requests.first?.bodyText, "access_token=app-1%7Cclient-token-1"
            + "&scope=pages_show_list%2Cpages_read_engagement%2Cpages_read_user_content%2Cpages_manage_engagement",
                       "the app named by its id and client token, the page's scopes comma-separated")

        let clock = clock, waits = DeviceSignInTests.Waits()
        let (tokens, missing) = try await signIn.finish(prompt, secrets: secrets, http: URLSessionHTTPClient(), clock: clock) { seconds in
            waits.lock.withLock { waits.seconds.append(seconds) }
            clock.advance(seconds: Int64(seconds))
        }
        XCTAssertEqual(waits.seconds, [5, 5, 10, 10], "five seconds, five more after Facebook's 'polling too frequently'")
        let polls = server.requests.filter { $0.path == "/v21.0/device/login_status" }.map(\.bodyText)
        XCTAssertEqual(polls, Array(repeating: "access_token=app-1%7Cclient-token-1&code=92a2b2e351f2b0b3503b2de251132f47", count: 4))
        XCTAssertEqual(tokens.access.reveal(), "page-token-1", "the person's token traded for a long-lived one, and that for the page's")
        XCTAssertEqual(missing, [])
        XCTAssertEqual(server.requests.filter { $0.path == "/v21.0/oauth/access_token" }.map(\.bodyText),
                       ["grant_type=fb_exchange_token&fb_exchange_token=user-short&client_id=app-1&client_secret=app-secret-1"])
        XCTAssertEqual(try secrets.tokens(for: account)?.access.reveal(), "page-token-1")
    }

    func testACodeThatRunsOutOnFacebookSaysSo() async throws {
        let server = try graph(device: DeviceLogin([(code: 31, subcode: 1_349_174, message: "authorization pending"),
                                                    (code: 463, subcode: 1_349_152, message: "Activation code expired")]))
        let account = config(server).connectedAccounts[0]
        try secrets.store(Secret("app-secret-1"), for: "facebook-help.client_secret")
        try secrets.store(Secret("client-token-1"), for: "facebook-help.client_token")
        let signIn = try OAuthDeviceSignIn(account: account, secrets: secrets)
        let prompt = try await signIn.start(http: URLSessionHTTPClient(), clock: clock)
        do {
            _ = try await signIn.finish(prompt, secrets: secrets, http: URLSessionHTTPClient(), clock: clock) { _ in }
            XCTFail("signed in")
        } catch let error as HeedError {
            XCTAssertEqual(error.message, "facebook-help: the code A1NWZ9 ran out before it was typed: sign in again")
        }
        XCTAssertNil(try secrets.tokens(for: account))
    }

    func signedIn() throws {
        try secrets.store(Secret("app-secret-1"), for: "facebook-help.client_secret")
        try secrets.store(OAuthTokens(access: Secret("page-token-1"), scope: "pages_show_list,pages_read_engagement,pages_read_user_content,pages_manage_engagement"),
                          for: "facebook-help")
    }

    func testVisitorsPostsAndTheCommentsUnderThePagesPostsAreHeardAndAnswered() async throws {
        try signedIn()
        let server = try graph()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let stored = try database.read { db in try String.fetchAll(db, sql: "SELECT source_id FROM mention ORDER BY created_at") }
        XCTAssertEqual(stored, ["\(Self.pageID)_9988", "122111223344556677_1598765432109876", "122111223344556677_1598765432111111",
                                "122111223344556677_1598765432122222", "122111223344556677_1598765432133333"],
                       "the visitor's post and the comments, the one with a broken time rejected; the reply under what we answered")
        XCTAssertEqual(try database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(DISTINCT conversation_id) FROM mention WHERE source_id IN (?, ?)",
                             arguments: ["122111223344556677_1598765432109876", "122111223344556677_1598765432133333"])
        }, 1, "in the conversation it answers")
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT ours FROM mention WHERE source_id = '122111223344556677_1598765432111111'") }, 1,
                       "the page's own answer is ours")
        let state = try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "facebook-help") })
        XCTAssertEqual(state.cursor, String(RFC3339.milliseconds(from: "2026-11-23T09:02:10Z")! / 1000), "the newest, in seconds, as `since` takes it")
        XCTAssertEqual(state.rateLimit, 100)
        XCTAssertEqual(state.rateRemaining, 97, "X-Page-Usage: 3% of the hour's calls used")
        let proof = Facebook.proof(token: Secret("page-token-1"), secret: Secret("app-secret-1"))
        XCTAssertEqual(Set(server.requests.map { $0.query("appsecret_proof") }), [proof], "every call signed")
        let commentsAsked = try XCTUnwrap(server.requests.first { $0.path.hasSuffix("/comments") })
        XCTAssertEqual(commentsAsked.query("filter"), "stream", "replies too, not only the top comments")

        // Nothing newer: the next poll asks since the cursor and reads no post's comments again.
        _ = try await listen(database, config)
        let polled = ["/v21.0/\(Self.post)/comments", "/v21.0/\(Self.pageID)_9988/comments"]
        let comments = server.requests.filter { $0.path.hasSuffix("/comments") }.map(\.path)
        XCTAssertEqual(comments.filter(polled.contains).count, 2, "the page's post and the visitor's, once")
        XCTAssertEqual(Set(comments.filter { !polled.contains($0) }),
                       ["/v21.0/122111223344556677_1598765432109876/comments"], "the comment we answered, read again for replies under older posts")

        let conversation = try XCTUnwrap(try database.read { db in
            try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention WHERE source_id = '\(Self.pageID)_9988'")
        })
        try ActionService(database: database, config: config, clock: clock).reply(to: conversation, text: "Sorry Sam, we're looking into it",
                                                                                   by: config.operators[0])
        clock.advance(seconds: 11)
        let report = try await Delivery(database: database, config: config, clock: clock, connectors: connectors(config)).runOnce()
        XCTAssertEqual(report.sent, 1)
        let post = try XCTUnwrap(server.requests.first { $0.method == "POST" })
        XCTAssertEqual(post.path, "/v21.0/\(Self.pageID)_9988/comments")
        XCTAssertEqual(post.bodyText, "message=Sorry%20Sam%2C%20we%27re%20looking%20into%20it%20%5ESB")
        XCTAssertEqual(post.query("appsecret_proof"), proof)
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT external_id FROM outbox") }, "122111223344556677_1598999999999999")
    }

    /// The page's posts a day apart, the newest first, twenty a page whatever the limit (the
    /// Graph API may give fewer); a comment came lately under posts 28 (within 30 days) and 35, and
    /// one three days ago under post 28.
    func olderPostsServer() throws -> LocalServer {
        let now = clock.now() / 1000
        @Sendable func time(_ seconds: Int64) -> String { RFC3339.string(fromMilliseconds: seconds * 1000).prefix(19) + "+0000" }
        let lately: [Int: Int64] = [28: now - 600, 35: now - 300]
        return try LocalServer { request in
            switch request.path {
            case "/v21.0/me": return .json(#"{"id": "\#(Self.pageID)", "name": "Northwind Bank"}"#)
            case "/v21.0/\(Self.pageID)/feed":
                let offset = request.query("after").flatMap { Int($0) } ?? 0
                let posts = (offset..<min(offset + 20, 60)).map { day in
                    let created = now - Int64(day) * 86_400 - 3_600
                    return #"{"id": "\#(Self.pageID)_\#(day)", "message": "Post \#(day)", "from": {"name": "Northwind Bank", "id": "\#(Self.pageID)"}, "#
                        + #""created_time": "\#(time(created))", "updated_time": "\#(time(lately[day] ?? created))"}"#
                }
                return .json(#"{"data": [\#(posts.joined(separator: ","))], "paging": {"cursors": {"after": "\#(offset + 20)"}, "#
                    + #""next": "https://graph.facebook.com/v21.0/next"}}"#)
            case let path where path.hasSuffix("/comments"):
                let day = Int(path.dropFirst("/v21.0/\(Self.pageID)_".count).dropLast("/comments".count)) ?? -1
                let since = request.query("since").flatMap { Int64($0) } ?? 0
                let comments = [(lately[day] ?? 0, "late"), (day == 28 ? now - 3 * 86_400 : 0, "earlier")].filter { $0.0 > 0 && $0.0 >= since }.map { at, which in
                    #"{"id": "\#(day)_\#(which)", "from": {"id": "7300000000000042", "name": "Ana Ruiz"}, "message": "Is this still on? (\#(which))", "#
                        + #""created_time": "\#(time(at))"}"#
                }
                return .json(#"{"data": [\#(comments.joined(separator: ","))]}"#)
            default: return .json(#"{"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}}"#, status: 400)
            }
        }
    }

    func testACommentUnderAnOlderPostIsHeardWithinAQuarterOfAnHour() async throws {
        try signedIn()
        let server = try olderPostsServer()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let stored = try database.read { db in try String.fetchAll(db, sql: "SELECT source_id FROM mention ORDER BY source_id") }
        XCTAssertEqual(stored, ["28_late"], "the comment of the last day under a post a month old; not post 35's, beyond 30 days, nor one from before")
        let asked = server.requests.filter { $0.path.hasSuffix("/comments") && $0.query("since") != nil }.map(\.path)
        XCTAssertEqual(asked, ["/v21.0/\(Self.pageID)_28/comments"], "only the older post a comment came to")
        let walked = server.requests.filter { $0.path.hasSuffix("/feed") && $0.query("limit") == "100" }.map { $0.query("after") }
        XCTAssertEqual(walked, [nil, "20"], "the feed walked page after page until a post older than 30 days and not commented on since")

        // A quarter of an hour on: post 28 drew nothing since the last look and is not read again.
        clock.advance(seconds: 15 * 60)
        _ = try await listen(database, config)
        XCTAssertEqual(server.requests.filter { $0.path == "/v21.0/\(Self.pageID)_28/comments" && $0.query("since") != nil }.count, 1)
    }

    /// Comments under one busy post, a second apart: the Graph API's paging (`limit`, the
    /// `after` cursor, `since` in seconds, either order) played over them.
    final class BusyPost: @unchecked Sendable {
        static let id = "\(FacebookConnectorTests.pageID)_7"
        let lock = NSLock()
        var times: [Int64] = []

        func add(_ count: Int, from start: Int64) { lock.withLock { times += (0..<Int64(count)).map { start + $0 } } }

        func comments(_ request: LocalServer.Request) -> LocalServer.Response {
            let since = request.query("since").flatMap { Int64($0) } ?? 0
            let limit = Int(request.query("limit") ?? "25")!, offset = request.query("after").flatMap { Int($0) } ?? 0
            let all: [Int64] = lock.withLock { times.filter { $0 >= since } }
            let ordered = request.query("order") == "chronological" ? all : all.reversed()
            let data = ordered.dropFirst(offset).prefix(limit).map { time in
                #"{"id": "7_\#(time)", "from": {"id": "73\#(time % 7)", "name": "Customer \#(time % 7)"}, "message": "Still waiting \#(time)", "#
                    + #""created_time": "\#(RFC3339.string(fromMilliseconds: time * 1000).prefix(19))+0000"}"#
            }
            let more = offset + limit < ordered.count
            return .json(#"{"data": [\#(data.joined(separator: ","))]"#
                + (more ? #", "paging": {"cursors": {"after": "\#(offset + limit)"}, "next": "https://graph.facebook.com/v21.0/next"}}"# : "}"))
        }

        var updated: String { lock.withLock { RFC3339.string(fromMilliseconds: (times.last ?? 0) * 1000).prefix(19) + "+0000" } }
    }

    func testABusyPostsCommentsAreReadPageAfterPageAThousandACall() async throws {
        try signedIn()
        let busy = BusyPost()
        let start = RFC3339.milliseconds(from: "2026-11-23T08:00:00Z")! / 1000
        busy.add(250, from: start)
        let server = try LocalServer { request in
            if request.path == "/v21.0/\(Self.pageID)/feed" {
                return .json(#"{"data": [{"id": "\#(BusyPost.id)", "message": "Branch closures", "from": {"name": "Northwind Bank", "id": "\#(Self.pageID)"}, "#
                    + #""created_time": "2026-11-22T09:00:00+0000", "updated_time": "\#(busy.updated)"}]}"#)
            }
            if request.path == "/v21.0/me" { return .json(#"{"id": "\#(Self.pageID)", "name": "Northwind Bank"}"#) }
            return busy.comments(request)
        }
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        func stored() throws -> Int { try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") } ?? 0 }

        _ = try await listen(database, config)
        XCTAssertEqual(try stored(), 25, "the first time, only the latest comments")
        XCTAssertEqual(try state(database, "facebook-help").cursor, String(start + 249))

        // Thousands of comments between two polls: every one is stored, read a thousand at a time
        // while the last thousand are stored, no page read twice.
        let more = 5_150
        busy.add(more, from: start + 250)
        let before = server.requests.count
        _ = try await listen(database, config)
        XCTAssertEqual(try stored(), 25 + more, "none lost")
        let asked = server.requests.dropFirst(before).filter { $0.path.hasSuffix("/comments") }
        XCTAssertEqual(Set(asked.map { $0.query("order") }), ["chronological"])
        XCTAssertEqual(Set(asked.map { $0.query("since") }), [String(start + 249)], "the round's since, kept while it goes on")
        XCTAssertEqual(asked.compactMap { $0.query("after") }, (1...51).map { String($0 * 100) }, "each page once, after the one before")
        XCTAssertGreaterThan(server.requests.dropFirst(before).filter { $0.path.hasSuffix("/feed") }.count, 5, "a thousand comments a call")
        XCTAssertEqual(try state(database, "facebook-help").cursor, String(start + 250 + Int64(more) - 1))
    }

    func testAnInvalidatedSessionSaysToSignInAgain() async throws {
        try signedIn()
        let server = try graph(tokenRefused: true)
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let state = try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "facebook-help") })
        XCTAssertTrue(state.stopped)
        XCTAssertEqual(state.trouble, "sign in again — `heed account login facebook-help` (our page: Error validating access token: The session has been "
                       + "invalidated because the user changed their password.)")
    }
}
