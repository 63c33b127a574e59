import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// heed hearing and answering a YouTube channel's comments through the Data API v3, against a
/// local server answering as the API reference has it (`commentThreads.list`, `comments.insert`,
/// `comments.list`, `channels.list`, Google's token endpoint and its quota errors): no public
/// recording of these answers was found, so they follow the reference (`Fixtures/README.md`).
final class YouTubeConnectorTests: ConnectorTestCase {
    override class var startsAt: String { "2026-11-23T12:00:00Z" }
    static let threads = Paths.packageRoot + "/Tests/HeedCoreTests/Fixtures/youtube-comment-threads.json"
    static let channel = "UCnorthwindbank00000000"
    /// A thread newer than the fixture's, on the next poll's first page.
    static let newer = """
        {"kind": "youtube#commentThreadListResponse", "nextPageToken": "page-2", "items": [{"kind": "youtube#commentThread", "id": "UgwNEW",
         "snippet": {"channelId": "\(channel)", "videoId": "dQw9WgXcQ1a", "topLevelComment": {"kind": "youtube#comment", "id": "UgwNEW",
           "snippet": {"videoId": "dQw9WgXcQ1a", "textOriginal": "my transfer has been pending for three days", "authorDisplayName": "@rosa_m",
                       "authorChannelId": {"value": "UCrosa"}, "likeCount": 0, "publishedAt": "2026-11-23T11:00:00Z", "updatedAt": "2026-11-23T11:00:00Z"}},
           "canReply": true, "totalReplyCount": 0, "isPublic": true}}]}
        """

    func config(_ server: LocalServer) -> Config {
        var account = ConnectedAccount(name: "youtube-help", channel: "youtube", network: .youtube, handle: "NorthwindBank", url: server.url)
        account.clientID = "client-1.apps.googleusercontent.com"
        var config = ActionServiceTests.config
        config.connectedAccounts = [account]
        config.accounts = ["youtube": ["NorthwindBank"]]
        return config
    }

    func signedIn() throws {
        try secrets.store(Secret("desktop-secret"), for: "youtube-help.client_secret")
        try secrets.store(OAuthTokens(access: Secret("access-1"), refresh: Secret("refresh-1"), expiresAt: clock.now() + 3_600_000,
                                      scope: "https://www.googleapis.com/auth/youtube.force-ssl"), for: "youtube-help")
    }

    final class Polls: @unchecked Sendable {
        let lock = NSLock()
        var count = 0
        func next() -> Int { lock.withLock { count += 1; return count } }
    }

    func youtube(quotaSpent: Bool = false) throws -> LocalServer {
        let polls = Polls()
        return try LocalServer { request in
            if quotaSpent {
                return .json(#"{"error": {"code": 403, "message": "The request cannot be completed because you have exceeded your quota.", "#
                    + #""errors": [{"message": "The request cannot be completed because you have exceeded your quota.", "domain": "youtube.quota", "#
                    + #""reason": "quotaExceeded"}]}}"#, status: 403)
            }
            switch (request.method, request.path) {
            case ("GET", "/youtube/v3/channels"):
                return .json(#"{"kind": "youtube#channelListResponse", "items": [{"kind": "youtube#channel", "id": "\#(Self.channel)", "#
                    + #""snippet": {"title": "Northwind Bank", "customUrl": "@northwindbank"}}]}"#)
            case ("GET", "/youtube/v3/commentThreads"):
                if request.query("pageToken") == "page-2" { return .file(Self.threads) }
                switch polls.next() {
                case 1: return .file(Self.threads)
                case 2: return .json(Self.newer)
                default: return .json(#"{"kind": "youtube#commentThreadListResponse", "items": []}"#)
                }
            case ("POST", "/youtube/v3/comments"):
                return .json(#"{"kind": "youtube#comment", "id": "UgxR2bXyZ3Kp7L9m1Qd4AaABAg.reply1", "snippet": {"textOriginal": "ok", "#
                    + #""parentId": "UgxR2bXyZ3Kp7L9m1Qd4AaABAg", "authorChannelId": {"value": "\#(Self.channel)"}}}"#)
            default: return .json(#"{"error": {"code": 404, "message": "Not Found", "errors": [{"reason": "notFound"}]}}"#, status: 404)
            }
        }
    }

    func testSigningInAsksGoogleForARenewableGrantWithTheDesktopAppsSecret() throws {
        let server = try youtube()
        let account = config(server).connectedAccounts[0]
        XCTAssertThrowsError(try OAuthApp.of(account, secrets: secrets)) {
            XCTAssertTrue("\($0)".contains(#"Google asks for the app's client secret too: put it in \#(folder.file("secrets.json")) as {"youtube-help.client_secret": "…"}"#),
                          "\($0)")
        }
        try secrets.store(Secret("desktop-secret"), for: "youtube-help.client_secret")
        let app = try OAuthApp.of(account, secrets: secrets)
        let page = app.authorization(redirectURI: "http://127.0.0.1:8765/callback", state: "s", pkce: PKCE(verifier: String(repeating: "a", count: 43)))
        let asked = Dictionary(uniqueKeysWithValues: (URLComponents(url: page, resolvingAgainstBaseURL: false)?.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        XCTAssertEqual(page.path, "/o/oauth2/v2/auth")
        XCTAssertEqual(asked["scope"], "https://www.googleapis.com/auth/youtube.force-ssl", "reads comments and replies, nothing more")
        XCTAssertEqual(asked["access_type"], "offline", "a refresh token")
        let exchange = app.tokenRequest([("grant_type", "authorization_code"), ("code", "c")])
        XCTAssertEqual(exchange.url.path, "/token")
        XCTAssertEqual(String(decoding: exchange.body ?? Data(), as: UTF8.self),
                       "grant_type=authorization_code&code=c&client_id=client-1.apps.googleusercontent.com&client_secret=desktop-secret")
        XCTAssertFalse(try String(contentsOfFile: folder.file("secrets.json"), encoding: .utf8).isEmpty)
        XCTAssertNil(try secrets.tokens(for: account), "a client secret is not a sign-in")
    }

    func testTheChannelsCommentsAreHeardNewestFirstBackToWhatWasStored() async throws {
        try signedIn()
        let server = try youtube()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        func stored() throws -> [String] { try database.read { db in try String.fetchAll(db, sql: "SELECT source_id FROM mention ORDER BY created_at") } }
        XCTAssertEqual(try stored(), ["UgzQ8v3ZkN5Wq1X2d4F4AaABAg", "UgzQ8v3ZkN5Wq1X2d4F4AaABAg.9xYzAbCdEfG9xYzAbCdEfH", "UgxR2bXyZ3Kp7L9m1Qd4AaABAg"])
        var state = try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "youtube-help") })
        XCTAssertEqual(state.cursor, String(RFC3339.milliseconds(from: "2026-11-23T01:12:45Z")!))
        XCTAssertEqual(state.rateRemaining, 9_998, "our channel and a page of threads: a unit each")
        XCTAssertEqual(state.rateLimit, 10_000)
        XCTAssertEqual(state.rateResetAt, RFC3339.milliseconds(from: "2026-11-24T08:00:00Z"), "midnight Pacific")

        _ = try await listen(database, config)
        state = try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "youtube-help") })
        XCTAssertEqual(state.cursor, String(RFC3339.milliseconds(from: "2026-11-23T11:00:00Z")!), "back to what was stored, then the newest")
        XCTAssertEqual(try stored().last, "UgwNEW")
        XCTAssertEqual(try stored().count, 4, "nothing stored twice")
        let polls = server.requests.filter { $0.path == "/youtube/v3/commentThreads" }
        XCTAssertEqual(polls.map { $0.query("pageToken") }, [nil, nil, "page-2"])
        XCTAssertEqual(Set(polls.map { $0.query("allThreadsRelatedToChannelId") }), [Self.channel])
        XCTAssertEqual(Set(polls.map { $0.query("part") }), ["snippet,replies"])
        XCTAssertEqual(server.requests.filter { $0.path == "/youtube/v3/channels" }.count, 1, "our channel asked once a run")
    }

    func testAReplyGoesUnderTheThreadAndCostsItsUnits() async throws {
        try signedIn()
        let server = try youtube()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let conversation = try XCTUnwrap(try database.read { db in
            try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention WHERE source_id = 'UgxR2bXyZ3Kp7L9m1Qd4AaABAg'")
        })
        try ActionService(database: database, config: config, clock: clock).reply(to: conversation, text: "Thanks Yuki, noted", by: config.operators[0])
        clock.advance(seconds: 11)
        let report = try await Delivery(database: database, config: config, clock: clock, connectors: connectors(config)).runOnce()
        XCTAssertEqual(report.sent, 1)
        let post = try XCTUnwrap(server.requests.first { $0.method == "POST" })
        XCTAssertEqual(post.query("part"), "snippet")
        let body = try JSONParser.parse(post.body)
        XCTAssertEqual(body["snippet"]?["parentId"]?.string, "UgxR2bXyZ3Kp7L9m1Qd4AaABAg")
        XCTAssertEqual(body["snippet"]?["textOriginal"]?.string, "Thanks Yuki, noted ^SB")
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT external_id FROM outbox") }, "UgxR2bXyZ3Kp7L9m1Qd4AaABAg.reply1")
        _ = try await listen(database, config)
        let spent = try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "youtube-help") })
        XCTAssertEqual(spent.rateRemaining, 10_000 - 2 - 1 - 50 - 2,
                       "an insert is 50 units; the thread we answered read again, the newer page and the one behind it one each")

        // A run killed after YouTube took a second reply: found among the thread's replies, by us, never sent again.
        let service = ActionService(database: database, config: config, clock: clock)
        try service.reply(to: conversation, text: "One more thing", by: config.operators[0], anyway: true)
        try database.write { db in try db.execute(sql: "UPDATE outbox SET state = 'sending', attempts = 1 WHERE state = 'queued'") }
        server.answer { request in
            guard request.path == "/youtube/v3/comments", request.query("parentId") == "UgxR2bXyZ3Kp7L9m1Qd4AaABAg" else { return .json("{}", status: 404) }
            return .json(#"{"kind": "youtube#commentListResponse", "items": [{"kind": "youtube#comment", "id": "UgxR2bXyZ3Kp7L9m1Qd4AaABAg.someone", "#
                + #""snippet": {"textOriginal": "One more thing ^SB", "authorChannelId": {"value": "UCsomeoneelse"}}}, {"kind": "youtube#comment", "#
                + #""id": "UgxR2bXyZ3Kp7L9m1Qd4AaABAg.reply2", "snippet": {"textOriginal": "One more thing ^SB", "#
                + #""authorChannelId": {"value": "\#(Self.channel)"}}}]}"#)
        }
        let looked = try await Delivery(database: database, config: config, clock: clock, connectors: connectors(config)).recover()
        XCTAssertEqual(looked, 1)
        XCTAssertEqual(try database.read { db in try String.fetchAll(db, sql: "SELECT external_id FROM outbox ORDER BY id") },
                       ["UgxR2bXyZ3Kp7L9m1Qd4AaABAg.reply1", "UgxR2bXyZ3Kp7L9m1Qd4AaABAg.reply2"], "ours, not the same words from someone else")
        XCTAssertEqual(server.requests.filter { $0.method == "POST" }.count, 1)
    }

    func testAThreadWeAnsweredIsReadAgainForRepliesPollingNoLongerReaches() async throws {
        try signedIn()
        let server = try youtube()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let answered = "UgzQ8v3ZkN5Wq1X2d4F4AaABAg"
        func conversation(_ sourceID: String) throws -> Int64? {
            try database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention WHERE source_id = ?", arguments: [sourceID]) }
        }
        let thread = try conversation(answered)
        XCTAssertNotNil(try database.read { db in try Int64.fetchOne(db, sql: "SELECT last_ours_at FROM conversation WHERE id = ?", arguments: [thread]) },
                        "the fixture's thread holds our reply")

        // The customer answers us in that thread; it is older than anything on the first page now.
        server.answer { request in
            switch request.path {
            case "/youtube/v3/commentThreads": return .json(#"{"kind": "youtube#commentThreadListResponse", "items": []}"#)
            case "/youtube/v3/comments" where request.query("parentId") == answered:
                return .json(#"{"kind": "youtube#commentListResponse", "items": [{"kind": "youtube#comment", "id": "\#(answered).late", "#
                    + #""snippet": {"parentId": "\#(answered)", "textOriginal": "still not fixed, the app crashes on login", "#
                    + #""authorDisplayName": "@kai_novak", "authorChannelId": {"value": "UCkainovak1234567890abcd"}, "likeCount": 0, "#
                    + #""publishedAt": "2026-11-23T10:00:00Z", "updatedAt": "2026-11-23T10:00:00Z"}}]}"#)
            default: return .json(#"{"error": {"code": 404, "message": "Not Found", "errors": [{"reason": "notFound"}]}}"#, status: 404)
            }
        }
        let cursor = try state(database, "youtube-help").cursor
        _ = try await listen(database, config)
        XCTAssertEqual(try conversation("\(answered).late"), try conversation(answered), "heard, in its thread's conversation")
        XCTAssertEqual(try state(database, "youtube-help").cursor, cursor, "the poll's cursor as it was")
        let followed = server.requests.filter { $0.path == "/youtube/v3/comments" }.compactMap { $0.query("parentId") }
        XCTAssertEqual(Set(followed), [answered], "only the thread we answered, not the one nobody has yet")
    }

    func testSomethingDoneEverySoOften() {
        let every = Every()
        XCTAssertTrue(every.due(1_000, every: 900_000), "due the first time")
        XCTAssertFalse(every.due(800_000, every: 900_000))
        XCTAssertTrue(every.due(901_000, every: 900_000))
        XCTAssertFalse(every.due(901_001, every: 900_000))
    }

    func testASpentQuotaWaitsForMidnightPacific() async throws {
        try signedIn()
        let server = try youtube(quotaSpent: true)
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let wait = try await listen(database, config)
        let midnight = try XCTUnwrap(RFC3339.milliseconds(from: "2026-11-24T08:00:00Z"))
        XCTAssertEqual(wait, midnight - clock.now())
        let state = try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "youtube-help") })
        XCTAssertEqual(state.rateRemaining, 0)
        XCTAssertEqual(state.rateResetAt, midnight)
        XCTAssertFalse(state.stopped, "a spent quota is no refused sign-in")
    }
}
