import Foundation
import GRDB
import HeedTestSupport
import Logging
import XCTest
@testable import HeedCore

/// heed hearing and answering Mastodon, against a local server playing an instance from the
/// responses Mastodon.py recorded of a real one (`../shared/fixtures/mastodon`, MIT).
final class MastodonConnectorTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-08-01T14:00:00Z")
    static let fixtures = Paths.sharedFixtures + "/mastodon"
    /// The notification page: one mention by @admin of our @mastodonpy_test, notification 21.
    static let page = fixtures + "/test_notifications_mentions_only.1.json"
    static let mentionStatus = "117020577157693549"
    /// The answer to posting a reply (status 117020583258292382).
    static let posted = fixtures + "/test_status_reply.2.json"

    func config(_ server: LocalServer) -> Config {
        var config = ActionServiceTests.config
        var account = ConnectedAccount(name: "mastodon-help", channel: "mastodon", network: .mastodon, handle: "mastodonpy_test", url: server.url)
        account.pollSeconds = 30
        config.connectedAccounts = [account]
        config.accounts = ["mastodon": ["mastodonpy_test"]]
        return config
    }

    func connectors(_ config: Config) -> Connectors {
        Connectors(config: config, secrets: Secrets(configPath: nil, environment: ["HEED_SECRET_MASTODON_HELP": "token-123"]), clock: clock)
    }

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// The status the mention notification carries, as `GET /api/v1/statuses/:id` answers it.
    static func statusJSON() throws -> String { try RecordedMastodon.mentionStatusJSON() }

    /// An instance with one mention waiting, that takes one reply.
    func instance() throws -> LocalServer {
        let status = try Self.statusJSON()
        return try LocalServer { request in
            switch (request.method, request.path) {
            case ("GET", "/api/v1/notifications"):
                return request.query("min_id") == nil ? .file(Self.page, headers: [("X-RateLimit-Limit", "300"), ("X-RateLimit-Remaining", "299"),
                                                                                    ("X-RateLimit-Reset", "2026-08-01T14:05:00.000Z")]) : .json("[]")
            case ("GET", "/api/v1/statuses/\(Self.mentionStatus)"): return .json(status)
            case ("POST", "/api/v1/statuses"): return .file(Self.posted)
            case ("GET", "/api/v1/accounts/verify_credentials"): return .file(Self.fixtures + "/test_status_reply.1.json")
            default: return .json(#"{"error":"Record not found"}"#, status: 404)
            }
        }
    }

    func listen(_ database: AppDatabase, _ config: Config) async throws -> Int64 {
        let part = ListenPart(account: config.connectedAccounts[0], connectors: connectors(config), database: database, config: config, clock: clock,
                              logger: Self.quiet)
        return try await part.round()
    }

    func testMentionsArePolledSinceTheCursorKeptWithThem() async throws {
        let server = try instance()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let wait = try await listen(database, config)
        XCTAssertEqual(wait, 30_000, "then the account's poll interval")
        let stored = try database.read { db in try Row.fetchAll(db, sql: "SELECT source_id, text FROM mention") }
        XCTAssertEqual(stored.map { $0["source_id"] as String }, [Self.mentionStatus])
        XCTAssertEqual(stored.first?["text"] as String?, "@mastodonpy_test@localhost:3000 hello!")
        let state = try database.read { db in try AccountState.fetchOne(db, key: "mastodon-help") }
        XCTAssertEqual(state?.cursor, "21", "the newest notification, committed with its mention")
        XCTAssertEqual(state?.rateRemaining, 299)
        XCTAssertEqual(state?.rateResetAt, RFC3339.milliseconds(from: "2026-08-01T14:05:00Z"))
        _ = try await listen(database, config)
        let requests = server.requests
        XCTAssertEqual(requests.map(\.description), ["GET /api/v1/notifications?types[]=mention&limit=40",
                                                      "GET /api/v1/notifications?types[]=mention&limit=40&min_id=21"])
        XCTAssertEqual(Set(requests.map { $0.headers["authorization"] ?? "" }), ["Bearer token-123"])
        XCTAssertTrue(requests.allSatisfy { $0.headers["user-agent"]?.hasPrefix("heed/") == true }, "a descriptive User-Agent")
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") }, 1, "nothing stored twice")
    }

    func testAReplyGoesOutOnceAfterItsUndoWindowAndJoinsItsThread() async throws {
        let server = try instance()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let conversation = try XCTUnwrap(try database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention") })
        let sam = config.operators[0]
        try ActionService(database: database, config: config, clock: clock).reply(to: conversation, text: "On it, sorry!", by: sam)
        let delivery = Delivery(database: database, config: config, clock: clock, connectors: connectors(config))
        var report = try await delivery.runOnce()
        XCTAssertEqual(report.sent, 0, "not inside the undo window")
        clock.advance(seconds: 11)
        report = try await delivery.runOnce()
        XCTAssertEqual(report.sent, 1)
        report = try await delivery.runOnce()
        XCTAssertEqual(report.sent, 0)
        let posts = server.requests.filter { $0.method == "POST" }
        XCTAssertEqual(posts.count, 1, "exactly once")
        let key = try XCTUnwrap(try database.read { db in try String.fetchOne(db, sql: "SELECT idempotency_key FROM outbox") })
        XCTAssertEqual(posts[0].headers["idempotency-key"], key)
        XCTAssertEqual(posts[0].headers["content-type"], "application/json")
        let body = try JSONParser.parse(posts[0].body)
        XCTAssertEqual(body["status"]?.string, "@admin On it, sorry! ^SB", "the author addressed, the signature added")
        XCTAssertEqual(body["in_reply_to_id"]?.string, Self.mentionStatus)
        XCTAssertEqual(body["visibility"]?.string, "public", "as the message answered")
        let outbox = try database.read { db in try Row.fetchOne(db, sql: "SELECT state, external_id FROM outbox") }
        XCTAssertEqual(outbox?["state"] as String?, "sent")
        XCTAssertEqual(outbox?["external_id"] as String?, "117020583258292382")
        let ours = try database.read { db in try Row.fetchAll(db, sql: "SELECT source_id, conversation_id FROM mention WHERE ours = 1") }
        XCTAssertEqual(ours.map { $0["source_id"] as String }, ["117020583258292382"], "in its thread, under the network's id")
        XCTAssertEqual(ours.first?["conversation_id"] as Int64?, conversation)
    }

    func testAPostLeftHalfSentIsLookedForOnTheNetworkNotSentAgain() async throws {
        let status = try Self.statusJSON()
        let ourReply = #"[{"id": "900", "in_reply_to_id": "\#(Self.mentionStatus)", "created_at": "2026-08-01T14:00:05.000Z", "#
            + #""content": "<p><span class=\"h-card\">@admin</span> On it,  sorry! ^SB</p>"}]"#
        let server = try LocalServer { request in
            switch (request.method, request.path) {
            case ("GET", "/api/v1/notifications"): return request.query("min_id") == nil ? .file(Self.page) : .json("[]")
            case ("GET", "/api/v1/statuses/\(Self.mentionStatus)"): return .json(status)
            case ("GET", "/api/v1/accounts/verify_credentials"): return .file(Self.fixtures + "/test_status_reply.1.json")
            case ("GET", "/api/v1/accounts/117020565693913441/statuses"): return .json(ourReply)
            case ("POST", "/api/v1/statuses"): return .file(Self.posted)
            default: return .json("{}", status: 404)
            }
        }
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let conversation = try XCTUnwrap(try database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention") })
        let service = ActionService(database: database, config: config, clock: clock)
        try service.reply(to: conversation, text: "On it, sorry!", by: config.operators[0])
        // A run killed after the instance took the post, before heed wrote down that it had.
        try database.write { db in try db.execute(sql: "UPDATE outbox SET state = 'sending', attempts = 1") }
        let delivery = Delivery(database: database, config: config, clock: clock, connectors: connectors(config))
        let looked = try await delivery.recover()
        XCTAssertEqual(looked, 1)
        XCTAssertEqual(try database.read { db in try Row.fetchOne(db, sql: "SELECT state, external_id FROM outbox") }?["external_id"] as String?, "900")
        clock.advance(seconds: 60)
        _ = try await delivery.runOnce()
        XCTAssertEqual(server.requests.filter { $0.method == "POST" }.count, 0, "found on the instance: never posted again")

        // Not there, and the account's latest posts go back past it: it did not go, so it goes now, once.
        server.answer { request in
            switch (request.method, request.path) {
            case ("GET", "/api/v1/statuses/\(Self.mentionStatus)"): return .json(status)
            case ("GET", "/api/v1/accounts/verify_credentials"): return .file(Self.fixtures + "/test_status_reply.1.json")
            case ("GET", "/api/v1/accounts/117020565693913441/statuses"): return .json("[]")
            case ("POST", "/api/v1/statuses"): return .file(Self.posted)
            default: return .json("{}", status: 404)
            }
        }
        try service.reply(to: conversation, text: "A second answer", by: config.operators[0], anyway: true)
        try database.write { db in try db.execute(sql: "UPDATE outbox SET state = 'sending', attempts = 1 WHERE state = 'queued'") }
        let again = try await delivery.recover()
        XCTAssertEqual(again, 1)
        XCTAssertEqual(try database.read { db in try String.fetchAll(db, sql: "SELECT state FROM outbox ORDER BY id") }, ["sent", "queued"])
        clock.advance(seconds: 60)
        let report = try await delivery.runOnce()
        XCTAssertEqual(report.sent, 1)
        XCTAssertEqual(server.requests.filter { $0.method == "POST" }.count, 1)
    }

    func testTheNetworksRefusalsAreKeptApartFromItsOutages() async throws {
        let server = try instance()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let conversation = try XCTUnwrap(try database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention") })
        try ActionService(database: database, config: config, clock: clock).reply(to: conversation, text: "Hello", by: config.operators[0])
        clock.advance(seconds: 11)
        let delivery = Delivery(database: database, config: config, clock: clock, connectors: connectors(config))
        func post() throws -> Row? { try database.read { db in try Row.fetchOne(db, sql: "SELECT state, attempts, last_error, next_attempt_at FROM outbox") } }
        let status = try Self.statusJSON()
        func answering(_ response: LocalServer.Response) {
            server.answer { request in request.method == "POST" ? response : .json(status) }
        }

        answering(.json(#"{"error":"Too many requests"}"#, status: 429, headers: [("Retry-After", "30")]))
        _ = try await delivery.runOnce()
        XCTAssertEqual(try post()?["state"] as String?, "queued")
        XCTAssertEqual(try post()?["attempts"] as Int?, 0, "a rate limit is no failed attempt")
        XCTAssertEqual(try post()?["next_attempt_at"] as Int64?, clock.now() + 30_000, "Retry-After is kept")

        clock.advance(seconds: 31)
        answering(.json(#"{"error":"The access token is invalid"}"#, status: 401))
        _ = try await delivery.runOnce()
        XCTAssertEqual(try post()?["state"] as String?, "queued", "a refused token drops nothing")
        XCTAssertEqual(try post()?["last_error"] as String?, "posting: HTTP 401 (The access token is invalid)")

        clock.advance(seconds: 301)
        answering(.json("{}", status: 503))
        _ = try await delivery.runOnce()
        XCTAssertEqual(try post()?["attempts"] as Int?, 1, "an outage is tried again, with backoff")
        let backoff = try XCTUnwrap(try post()?["next_attempt_at"] as Int64?) - clock.now()
        XCTAssertTrue((9_000...11_000).contains(backoff), "\(backoff)")

        clock.advance(seconds: 20)
        answering(.json(#"{"error":"Validation failed: Text character limit of 500 exceeded"}"#, status: 422))
        _ = try await delivery.runOnce()
        XCTAssertEqual(try post()?["state"] as String?, "failed", "refused for good: failed at once, with the network's reason")
        XCTAssertEqual(try post()?["last_error"] as String?, "posting: HTTP 422 (Validation failed: Text character limit of 500 exceeded)")
    }

    func testARefusedTokenStopsTheAccountAndShowsWhy() async throws {
        let server = try LocalServer { _ in .json(#"{"error":"The access token was revoked"}"#, status: 401) }
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let wait = try await listen(database, config)
        XCTAssertEqual(wait, 300_000, "tried again in five minutes, in case someone fixed it")
        let state = try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "mastodon-help") })
        XCTAssertTrue(state.stopped)
        XCTAssertEqual(state.trouble, "notifications: HTTP 401 (The access token was revoked)")
        let report = try ServiceReport.read(database, config: config, cachePath: nil, now: clock.now() + 180_000)
        XCTAssertEqual(report.troubles(now: clock.now() + 180_000), ["mastodon-help: notifications: HTTP 401 (The access token was revoked) 3m ago"])
        // No secret at all is the account's trouble too, said so.
        let bare = Connectors(config: config, secrets: Secrets(configPath: folder.file("config.json"), environment: [:]), clock: clock)
        guard case .failure(let error) = await bare.check(config.connectedAccounts[0]) else { return XCTFail("no secret, no check") }
        XCTAssertTrue(error.message.hasPrefix("mastodon-help has no secret: put it in \(folder.file("secrets.json"))"), error.message)
    }

    func testASlowNetworkIsAnOutageNotAHang() async throws {
        let server = try LocalServer { _ in LocalServer.Response(status: 200, body: Data("[]".utf8), delay: 3) }
        let client = URLSessionHTTPClient(timeoutSeconds: 1)
        let started = Date()
        do {
            _ = try await client.send(HTTPRequest("GET", server.url.appendingPathComponent("api/v1/notifications")))
            XCTFail("a slow answer is a timeout")
        } catch let error as NetworkError {
            guard case .temporary(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("127.0.0.1"), message)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.5, "given up after the time limit")
    }

    func testABacklogIsPagedForwardAndStoredInBatchesWithTheMark() async throws {
        guard case .array(let items) = try RecordedMastodon.notificationsPage().value, let template = items.first else {
            throw FixtureError("\(Self.page) no longer holds a notification")
        }
        // 100 notifications, ids 1…100, each its own status.
        let all = (1...100).map { n -> String in
            JSONWriter.string(template).replacingOccurrences(of: #""id":"21""#, with: #""id":"\#(n)""#)
                .replacingOccurrences(of: Self.mentionStatus, with: String(200_000 + n))
        }
        let server = try LocalServer { request in
            let after = Int(request.query("min_id") ?? "") ?? 0
            return .json("[" + all.dropFirst(after).prefix(40).reversed().joined(separator: ",") + "]")
        }
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        try database.write { db in try AccountState.update(db, account: "mastodon-help", now: 0) { $0.cursor = "0" } }
        _ = try await listen(database, config)
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") }, 100)
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT cursor FROM account_state") }, "100")
        XCTAssertEqual(server.requests.map { $0.query("min_id") ?? "" }, ["0", "40", "80"], "forward from the mark, a full page meaning more")
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE kind = 'ingest'") }, 2,
                       "the first page stored while the next are fetched, those two taken together")
    }
}
