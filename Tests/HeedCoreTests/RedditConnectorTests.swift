import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// heed hearing and answering Reddit through its OAuth API, against a local server playing
/// Reddit from PRAW's recordings of the real one (`Fixtures/recorded`, BSD-2-Clause): the inbox,
/// a token renewal, `api/v1/me` and a comment posted.
final class RedditConnectorTests: ConnectorTestCase {
    static let recorded = Paths.packageRoot + "/Tests/HeedCoreTests/Fixtures/recorded"
    /// The inbox's newest item: a reply to one of our comments.
    static let newest = "t1_myngt77"

    func config(_ server: LocalServer) -> Config {
        var account = ConnectedAccount(name: "reddit-help", channel: "reddit", network: .reddit, handle: "NorthwindHelp", url: server.url)
        account.clientID = "client-1"
        var config = ActionServiceTests.config
        config.connectedAccounts = [account]
        config.accounts = ["reddit": ["NorthwindHelp"]]
        return config
    }

    func signedIn(expiresIn seconds: Int64) throws {
        try secrets.store(OAuthTokens(access: Secret("access-1"), refresh: Secret("refresh-1"), expiresAt: clock.now() + seconds * 1000),
                          for: "reddit-help")
    }

    func reddit(comment: LocalServer.Response? = nil) throws -> LocalServer {
        let posted = comment ?? .file(Self.recorded + "/reddit-api-comment.json")
        return try LocalServer { request in
            switch (request.method, request.path) {
            case ("POST", "/api/v1/access_token"): return .file(Self.recorded + "/reddit-access-token.json")
            case ("GET", "/api/v1/me"): return .file(Self.recorded + "/reddit-api-v1-me.json")
            case ("GET", "/message/inbox"):
                return request.query("before") == nil
                    ? .file(Self.recorded + "/reddit-message-inbox.json", headers: [("x-ratelimit-remaining", "9344.0"), ("x-ratelimit-used", "656"),
                                                                                    ("x-ratelimit-reset", "69")])
                    : .json(#"{"kind": "Listing", "data": {"after": null, "dist": 0, "children": [], "before": null}}"#)
            case ("POST", "/api/comment"): return posted
            default: return .json(#"{"message": "Not Found", "error": 404}"#, status: 404)
            }
        }
    }

    func testTheInboxsMentionsAndRepliesAreHeardSinceTheNewest() async throws {
        try signedIn(expiresIn: 3_600)
        let server = try reddit()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let stored = try database.read { db in try String.fetchAll(db, sql: "SELECT source_id FROM mention ORDER BY source_id") }
        XCTAssertEqual(stored.count, 99, "the comment and post replies, and the private messages but one a subreddit's moderators sent without an author (rejected, said so)")
        XCTAssertEqual(stored.filter { $0.hasPrefix("t1_") }, ["t1_m30xcs6", Self.newest])
        let message = try XCTUnwrap(try database.read { db in try Row.fetchOne(db, sql: "SELECT text, url, extra FROM mention WHERE source_id = 't4_2r17c8r'") })
        XCTAssertEqual(message["text"] as String?, "Test message\n\ntest", "a private conversation's first message leads with its subject")
        XCTAssertEqual(message["url"] as String?, "https://www.reddit.com/message/messages/2r17c8r")
        XCTAssertEqual(message["extra"] as String?, #"{"private_message":true}"#)
        // A reply within a private conversation joins its first message's conversation.
        let threads = try database.read { db in
            try Int64.fetchAll(db, sql: "SELECT conversation_id FROM mention WHERE source_id IN ('t4_22ydizw', 't4_22ydi4h')")
        }
        XCTAssertEqual(Set(threads).count, 1, "\(threads)")
        let state = try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "reddit-help") })
        XCTAssertEqual(state.cursor, Self.newest)
        XCTAssertEqual(state.rateRemaining, 9_344)
        XCTAssertEqual(state.rateLimit, 10_000, "remaining and used")
        XCTAssertEqual(state.rateResetAt, clock.now() + 69_000, "Reddit's reset is the seconds to go")
        _ = try await listen(database, config)
        let polls = server.requests.filter { $0.path == "/message/inbox" }
        XCTAssertEqual(polls.map { $0.query("before") }, [nil, Self.newest])
        XCTAssertEqual(Set(polls.map { $0.query("raw_json") }), ["1"], "text as written, not HTML-escaped")
        XCTAssertEqual(Set(server.requests.map { $0.headers["user-agent"] ?? "" }), ["linux:heed:1 (by /u/NorthwindHelp)"])
        XCTAssertEqual(Set(server.requests.map { $0.headers["authorization"] ?? "" }), ["Bearer access-1"])
    }

    func testAnExpiredTokenIsRenewedWithTheAppsBasicCredentials() async throws {
        try signedIn(expiresIn: -1)
        let server = try reddit()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let renewal = try XCTUnwrap(server.requests.first { $0.path == "/api/v1/access_token" })
        XCTAssertEqual(renewal.headers["authorization"], "Basic " + Data("client-1:".utf8).base64EncodedString(), "an installed app: no secret")
        XCTAssertEqual(renewal.bodyText, "grant_type=refresh_token&refresh_token=refresh-1", "the client in the header, not the form")
        XCTAssertEqual(server.requests.last?.headers["authorization"], "Bearer <ACCESS_TOKEN>", "the renewed token, as PRAW's recording redacted it")
        let kept = try XCTUnwrap(try secrets.tokens(for: config.connectedAccounts[0]))
        XCTAssertEqual(kept.refresh?.reveal(), "<REFRESH_TOKEN>")
        XCTAssertEqual(kept.expiresAt, clock.now() + 86_400_000)

        let app = try OAuthApp.of(config.connectedAccounts[0], secrets: secrets)
        let page = app.authorization(redirectURI: "http://127.0.0.1:8765/callback", state: "s", pkce: PKCE(verifier: String(repeating: "a", count: 43)))
        let asked = Dictionary(uniqueKeysWithValues: (URLComponents(url: page, resolvingAgainstBaseURL: false)?.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        XCTAssertEqual(page.path, "/api/v1/authorize")
        XCTAssertEqual(asked["duration"], "permanent", "a grant that can be renewed")
        XCTAssertEqual(asked["scope"], "identity privatemessages read submit")
    }

    func testAReplyIsACommentUnderTheMessageAndRedditsRefusalsAreSorted() async throws {
        try signedIn(expiresIn: 3_600)
        let server = try reddit()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let conversation = try XCTUnwrap(try database.read { db in
            try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention WHERE source_id = ?", arguments: [Self.newest])
        })
        let service = ActionService(database: database, config: config, clock: clock)
        try service.reply(to: conversation, text: "Thanks, we're looking", by: config.operators[0])
        clock.advance(seconds: 11)
        let delivery = Delivery(database: database, config: config, clock: clock, connectors: connectors(config))
        let report = try await delivery.runOnce()
        XCTAssertEqual(report.sent, 1)
        let post = try XCTUnwrap(server.requests.first { $0.path == "/api/comment" })
        XCTAssertEqual(post.headers["content-type"], "application/x-www-form-urlencoded")
        XCTAssertEqual(post.bodyText, "api_type=json&thing_id=\(Self.newest)&text=Thanks%2C%20we%27re%20looking%20%5ESB")
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT external_id FROM outbox") }, "t1_d1680wu")

        // Reddit says "too much" inside a 200: a rate limit, the post kept; a deleted parent: refused for good.
        server.answer { request in
            request.path == "/api/comment"
                ? .json(#"{"json": {"errors": [["RATELIMIT", "Looks like you've been doing that a lot. Take a break for 5 minutes.", "ratelimit"]]}}"#)
                : .json("{}", status: 404)
        }
        try service.reply(to: conversation, text: "And again", by: config.operators[0], anyway: true)
        clock.advance(seconds: 11)
        _ = try await delivery.runOnce()
        func latest() throws -> Row? { try database.read { db in try Row.fetchOne(db, sql: "SELECT state, attempts, last_error FROM outbox ORDER BY id DESC") } }
        XCTAssertEqual(try latest()?["state"] as String?, "queued")
        XCTAssertEqual(try latest()?["attempts"] as Int?, 0, "a rate limit is no failed attempt")
        server.answer { request in
            request.path == "/api/comment"
                ? .json(#"{"json": {"errors": [["DELETED_COMMENT", "that comment has been deleted", "parent"]]}}"#) : .json("{}", status: 404)
        }
        clock.advance(seconds: 120)
        _ = try await delivery.runOnce()
        XCTAssertEqual(try latest()?["state"] as String?, "failed")
        XCTAssertEqual(try latest()?["last_error"] as String?, "posting: that comment has been deleted")
    }

    func testAPrivateMessageIsAnsweredPrivatelyAndAnInterruptedAnswerLookedForAmongTheSent() async throws {
        try signedIn(expiresIn: 3_600)
        let server = try reddit(comment: .json(#"{"json": {"errors": [], "data": {"things": [{"kind": "t4", "data": {"name": "t4_answer1", "#
            + #""parent_id": "t4_2r17c8r", "body": "Hello ^SB"}}]}}}"#))
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let conversation = try XCTUnwrap(try database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention WHERE source_id = 't4_2r17c8r'") })
        let service = ActionService(database: database, config: config, clock: clock)
        try service.reply(to: conversation, text: "Hello", by: config.operators[0])
        clock.advance(seconds: 11)
        let delivery = Delivery(database: database, config: config, clock: clock, connectors: connectors(config))
        _ = try await delivery.runOnce()
        XCTAssertEqual(server.requests.first { $0.path == "/api/comment" }?.bodyText, "api_type=json&thing_id=t4_2r17c8r&text=Hello%20%5ESB")
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT external_id FROM outbox") }, "t4_answer1")

        try service.reply(to: conversation, text: "One more thing", by: config.operators[0], anyway: true)
        try database.write { db in try db.execute(sql: "UPDATE outbox SET state = 'sending', attempts = 1 WHERE state = 'queued'") }
        server.answer { request in
            guard request.path == "/message/sent" else { return .json("{}", status: 404) }
            return .json(#"{"kind": "Listing", "data": {"children": [{"kind": "t4", "data": {"name": "t4_answer2", "parent_id": "t4_2r17c8r", "#
                + #""body": "One more thing ^SB", "created_utc": 1795435215.0}}]}}"#)
        }
        let looked = try await delivery.recover()
        XCTAssertEqual(looked, 1)
        XCTAssertEqual(try database.read { db in try String.fetchAll(db, sql: "SELECT external_id FROM outbox ORDER BY id") }, ["t4_answer1", "t4_answer2"])
        XCTAssertEqual(server.requests.filter { $0.path == "/api/comment" }.count, 1, "never sent twice")
    }

    func testCheckSaysWhoWeAreSignedInAs() async throws {
        try signedIn(expiresIn: 3_600)
        let server = try reddit()
        let config = config(server)
        guard case .success(let line) = await connectors(config).check(config.connectedAccounts[0]) else { return XCTFail("signed in") }
        XCTAssertEqual(line, "signed in as u/PyAPITestUser2 on Reddit")
    }
}
