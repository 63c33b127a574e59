import Foundation
import GRDB
import HeedTestSupport
import Logging
import XCTest
@testable import HeedCore

/// Bluesky, Discourse, feeds and e-mail heard and answered, each against a local server (or
/// folder, or program) playing it: real recorded answers where there are some
/// (`../shared/fixtures`), the API references' shapes elsewhere (`Fixtures/README.md`).
final class ConnectorTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-11-23T10:00:00Z")
    static let notifications = Paths.packageRoot + "/Tests/HeedCoreTests/Fixtures/bluesky-list-notifications.json"
    static let thread = Paths.sharedFixtures + "/bluesky/thread_view_post_with_embed_media.json"
    static let dana = "at://did:plc:4kxq2dnqu3fdmzy5cw2uenrn/app.bsky.feed.post/3lbq7mweu7c2y"

    func setup(_ account: ConnectedAccount, secret: String? = "s3cret") throws -> (AppDatabase, Config, Connectors) {
        var config = ActionServiceTests.config
        config.connectedAccounts = [account]
        config.accounts = [account.channel: [account.handle]]
        let environment = secret.map { [Secrets.variable(for: account.name): $0] } ?? [:]
        return (try AppDatabase.open(path: folder.file("cache.sqlite")), config,
                Connectors(config: config, secrets: Secrets(configPath: nil, environment: environment), clock: clock))
    }

    func listen(_ database: AppDatabase, _ config: Config, _ connectors: Connectors) async throws -> Int64 {
        try await ListenPart(account: config.connectedAccounts[0], connectors: connectors, database: database, config: config, clock: clock,
                             logger: MastodonConnectorTests.quiet).round()
    }

    func mentions(_ database: AppDatabase) throws -> [String] {
        try database.read { db in try String.fetchAll(db, sql: "SELECT source_id FROM mention ORDER BY created_at") }
    }

    // MARK: Bluesky

    func testBlueskyRenewsItsSessionPagesBackToWhatItSawAndCompletesThreads() async throws {
        let server = try LocalServer { request in
            switch request.path {
            case "/xrpc/com.atproto.server.createSession":
                return .json(#"{"accessJwt": "access-1", "refreshJwt": "refresh-1", "did": "did:plc:northwindhelp00000000000", "handle": "help.northwind.bank"}"#)
            case "/xrpc/com.atproto.server.refreshSession":
                return request.headers["authorization"] == "Bearer refresh-1"
                    ? .json(#"{"accessJwt": "access-2", "refreshJwt": "refresh-2", "did": "did:plc:northwindhelp00000000000"}"#)
                    : .json(#"{"error": "ExpiredToken"}"#, status: 400)
            case "/xrpc/app.bsky.notification.listNotifications":
                guard request.headers["authorization"] != "Bearer access-1" || request.query("cursor") == nil else {
                    return .json(#"{"error": "ExpiredToken", "message": "Token has expired"}"#, status: 400)
                }
                return .file(Self.notifications, headers: [("RateLimit-Limit", "3000"), ("RateLimit-Remaining", "2999"), ("RateLimit-Reset", "1795000000")])
            case "/xrpc/app.bsky.feed.getPostThread": return .file(Self.thread)
            default: return .json(#"{"error": "MethodNotImplemented"}"#, status: 501)
            }
        }
        var account = ConnectedAccount(name: "bluesky-help", channel: "bluesky", network: .bluesky, handle: "help.northwind.bank", url: server.url)
        account.pollSeconds = 60
        let (database, config, connectors) = try setup(account)
        _ = try await listen(database, config, connectors)
        XCTAssertEqual(try mentions(database).count, 2, "the mention and our own reply to it, first page only")
        let state = try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "bluesky-help") })
        XCTAssertEqual(state.cursor, "2026-11-23T09:46:00.500Z", "the newest notification seen (a like too)")
        XCTAssertEqual(state.rateRemaining, 2999)
        XCTAssertEqual(state.rateResetAt, 1_795_000_000_000)
        let signIn = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(signIn.method, "POST")
        let body = try JSONParser.parse(signIn.body)
        XCTAssertEqual(body["identifier"]?.string, "help.northwind.bank")
        XCTAssertEqual(body["password"]?.string, "s3cret", "the app password, from the secret")
        XCTAssertEqual(server.requests[1].description, "GET /xrpc/app.bsky.notification.listNotifications?limit=50")
        XCTAssertEqual(server.requests[1].headers["authorization"], "Bearer access-1")
        // The next poll: nothing newer on the page, so no more pages; the token expired meanwhile and is renewed once.
        try database.write { db in try db.execute(sql: "UPDATE account_state SET cursor = '2026-11-23T09:00:00Z'") }
        server.answer { request in
            switch request.path {
            case "/xrpc/com.atproto.server.refreshSession":
                return .json(#"{"accessJwt": "access-2", "refreshJwt": "refresh-2", "did": "did:plc:northwindhelp00000000000"}"#)
            case "/xrpc/app.bsky.notification.listNotifications":
                if request.headers["authorization"] == "Bearer access-1" { return .json(#"{"error": "ExpiredToken"}"#, status: 400) }
                return request.query("cursor") == nil ? .file(Self.notifications) : .json(#"{"notifications": []}"#)
            default: return .json("{}", status: 404)
            }
        }
        let before = server.requests.count
        _ = try await listen(database, config, connectors)
        let later = server.requests.dropFirst(before).map(\.description)
        XCTAssertEqual(later, ["GET /xrpc/app.bsky.notification.listNotifications?limit=50", "POST /xrpc/com.atproto.server.refreshSession",
                               "GET /xrpc/app.bsky.notification.listNotifications?limit=50",
                               "GET /xrpc/app.bsky.notification.listNotifications?limit=50&cursor=1795427160500::bafyreifm5kq3awk7ocvz3xcvjgsc7n4ckqffkzqsk6l7w6cz5ww3ewxlv4"],
                       "paged back with the network's cursor until what was seen")
        XCTAssertEqual(try mentions(database).count, 2, "nothing stored twice")
    }

    func testABlueskyReplyCarriesItsThreadAndFacetsAndIsFoundByItsKey() async throws {
        let server = try LocalServer { request in
            switch request.path {
            case "/xrpc/com.atproto.server.createSession":
                return .json(#"{"accessJwt": "a", "refreshJwt": "r", "did": "did:plc:northwindhelp00000000000"}"#)
            case "/xrpc/app.bsky.notification.listNotifications": return .file(Self.notifications)
            case "/xrpc/app.bsky.feed.getPosts":
                return .json(#"{"posts": [{"uri": "\#(Self.dana)", "cid": "bafyreih2qfkx7tjw3wmr7xaxw3jyv5o5ycmt4zqmw3htwhxf6m5mhbryfa", "#
                    + #""author": {"did": "did:plc:4kxq2dnqu3fdmzy5cw2uenrn", "handle": "dana.bsky.social"}, "#
                    + #""record": {"$type": "app.bsky.feed.post", "text": "@help.northwind.bank my card was charged twice", "createdAt": "2026-11-23T09:41:07.123Z"}, "#
                    + #""indexedAt": "2026-11-23T09:41:08.001Z"}]}"#)
            case "/xrpc/com.atproto.identity.resolveHandle": return .json(#"{"did": "did:plc:4kxq2dnqu3fdmzy5cw2uenrn"}"#)
            case "/xrpc/com.atproto.repo.createRecord":
                let body = try? JSONParser.parse(request.body)
                return .json(#"{"uri": "at://did:plc:northwindhelp00000000000/app.bsky.feed.post/\#(body?["rkey"]?.string ?? "")", "cid": "bafyreinew"}"#)
            case "/xrpc/com.atproto.repo.getRecord":
                return .json(#"{"error": "RecordNotFound", "message": "Could not locate record"}"#, status: 400)
            default: return .json("{}", status: 404)
            }
        }
        let account = ConnectedAccount(name: "bluesky-help", channel: "bluesky", network: .bluesky, handle: "help.northwind.bank", url: server.url)
        let (database, config, connectors) = try setup(account)
        _ = try await listen(database, config, connectors)
        let conversation = try XCTUnwrap(try database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention WHERE source_id = ?",
                                                                                      arguments: [Self.dana]) })
        let service = ActionService(database: database, config: config, clock: clock)
        try service.reply(to: conversation, text: "Sorry @dana.bsky.social — see https://help.northwind.example/cards 💳", by: config.operators[0])
        clock.advance(seconds: 11)
        let delivery = Delivery(database: database, config: config, clock: clock, connectors: connectors)
        let report = try await delivery.runOnce()
        XCTAssertEqual(report.sent, 1)
        let create = try XCTUnwrap(server.requests.first { $0.path == "/xrpc/com.atproto.repo.createRecord" })
        let body = try JSONParser.parse(create.body)
        XCTAssertEqual(body["repo"]?.string, "did:plc:northwindhelp00000000000")
        XCTAssertEqual(body["collection"]?.string, "app.bsky.feed.post")
        let rkey = try XCTUnwrap(body["rkey"]?.string)
        XCTAssertEqual(rkey.count, 13, "a TID")
        XCTAssertTrue(rkey.allSatisfy { "234567abcdefghijklmnopqrstuvwxyz".contains($0) }, rkey)
        let record = try XCTUnwrap(body["record"])
        XCTAssertEqual(record["$type"]?.string, "app.bsky.feed.post")
        XCTAssertEqual(record["reply"]?["parent"]?["uri"]?.string, Self.dana)
        XCTAssertEqual(record["reply"]?["root"]?["uri"]?.string, Self.dana, "the parent is the thread's root")
        XCTAssertEqual(record["reply"]?["parent"]?["cid"]?.string, "bafyreih2qfkx7tjw3wmr7xaxw3jyv5o5ycmt4zqmw3htwhxf6m5mhbryfa")
        let text = try XCTUnwrap(record["text"]?.string)
        guard case .array(let facets)? = record["facets"]?.value, facets.count == 2 else { return XCTFail("a mention and a link") }
        let bytes = Array(text.utf8)
        func covered(_ facet: JSONNode) -> String {
            String(decoding: bytes[(facet["index"]?["byteStart"]?.int ?? 0)..<(facet["index"]?["byteEnd"]?.int ?? 0)], as: UTF8.self)
        }
        XCTAssertEqual(covered(facets[0]), "@dana.bsky.social", "byte offsets, after a multi-byte dash")
        XCTAssertEqual(facets[0]["features"].map(JSONWriter.string),
                       #"[{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:4kxq2dnqu3fdmzy5cw2uenrn"}]"#)
        XCTAssertEqual(covered(facets[1]), "https://help.northwind.example/cards")
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT external_id FROM outbox") },
                       "at://did:plc:northwindhelp00000000000/app.bsky.feed.post/\(rkey)")
        // The same post, looked for after a crash: its key names its record; not there, it may go again.
        let post = try XCTUnwrap(try database.read { db in try Post.fetch(db, where: "1") }.first)
        XCTAssertEqual(Bluesky.recordKey(post.outgoing), rkey, "the same key every time")
        let search = try await connectors.poster(for: account).find(post.outgoing)
        XCTAssertEqual(search, .notSent)
        // A real post's record key (MarshalX/atproto's recording), read back digit by digit, is what heed writes for its time and clock.
        let real = "3kaheyt6vpc22"
        let value = real.reduce(UInt64(0)) { $0 * 32 + UInt64(Array("234567abcdefghijklmnopqrstuvwxyz").firstIndex(of: $1)!) }
        XCTAssertEqual(value >> 10, 1_695_905_377_054_376, "2023-09-28T12:49:37Z, the post's own time")
        XCTAssertEqual(Bluesky.tid(micros: value >> 10, clock: value & 1023), real)
    }

    // MARK: Discourse

    func testDiscourseHearsWhatIsAddressedToUsAndAnswersInTheTopic() async throws {
        let topic = Paths.sharedFixtures + "/forum/topic.json"
        let posts = try JSONParser.parse(try Data(contentsOf: URL(fileURLWithPath: topic)))
        guard case .array(let stream)? = posts["post_stream"]?["posts"]?.value, stream.count >= 2 else {
            throw FixtureError("\(topic) no longer holds a topic of two posts or more")
        }
        let second = stream[1]
        let topicID = posts["id"]?.int ?? 0
        let number = second["post_number"]?.int ?? 0
        let postID = second["id"]?.int ?? 0
        let server = try LocalServer { request in
            switch (request.method, request.path) {
            case ("GET", "/notifications.json"):
                return .json(#"{"notifications": [{"id": 12, "notification_type": 2, "read": false, "topic_id": \#(topicID), "post_number": \#(number), "#
                    + #""data": {"original_post_id": \#(postID)}}, {"id": 11, "notification_type": 5, "read": true, "topic_id": 1, "post_number": 1, "data": {}}]}"#)
            case ("GET", "/posts/\(postID).json"): return .json(JSONWriter.string(second))
            case ("POST", "/posts.json"): return .json(#"{"id": 999, "topic_id": \#(topicID), "post_number": 42}"#)
            default: return .json(#"{"errors": ["not found"]}"#, status: 404)
            }
        }
        let account = ConnectedAccount(name: "forum", channel: "forum", network: .discourse, handle: "northwind_staff", url: server.url)
        let (database, config, connectors) = try setup(account, secret: "key-1")
        _ = try await listen(database, config, connectors)
        XCTAssertEqual(try mentions(database), ["\(topicID)/\(number)"], "the reply to us; a like is no post to answer")
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT cursor FROM account_state") }, "12")
        XCTAssertEqual(Set(server.requests.map { $0.headers["api-key"] ?? "" }), ["key-1"])
        XCTAssertEqual(Set(server.requests.map { $0.headers["api-username"] ?? "" }), ["northwind_staff"])
        let conversation = try XCTUnwrap(try database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention") })
        try ActionService(database: database, config: config, clock: clock).reply(to: conversation, text: "Thanks, fixed now", by: config.operators[0])
        clock.advance(seconds: 11)
        _ = try await Delivery(database: database, config: config, clock: clock, connectors: connectors).runOnce()
        let post = try XCTUnwrap(server.requests.first { $0.method == "POST" })
        let body = try JSONParser.parse(post.body)
        XCTAssertEqual(body["topic_id"]?.int, topicID)
        XCTAssertEqual(body["reply_to_post_number"]?.int, number)
        XCTAssertEqual(body["raw"]?.string, "Thanks, fixed now ^SB")
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT external_id FROM outbox") }, "\(topicID)/42")
    }

    // MARK: Feeds

    func testAFeedIsAskedWithItsValidatorsAndAnUnchangedOneCostsNothing() async throws {
        let feed = Paths.packageRoot + "/Tests/HeedCoreTests/Fixtures/wordpress-comments.rss"
        let server = try LocalServer { request in
            if request.headers["if-none-match"] == "\"v1\"" { return LocalServer.Response(status: 304) }
            return .file(feed, headers: [("Content-Type", "application/rss+xml"), ("ETag", "\"v1\""), ("Last-Modified", "Mon, 23 Nov 2026 09:00:00 GMT")])
        }
        let account = ConnectedAccount(name: "blog-comments", channel: "blog", network: .feed, handle: "blog-comments",
                                       url: server.url.appendingPathComponent("comments/feed/"))
        let (database, config, connectors) = try setup(account, secret: nil)
        _ = try await listen(database, config, connectors)
        let stored = try mentions(database).count
        XCTAssertGreaterThan(stored, 0)
        clock.advance(seconds: 400)
        _ = try await listen(database, config, connectors)
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertEqual(server.requests[1].headers["if-none-match"], "\"v1\"")
        XCTAssertEqual(server.requests[1].headers["if-modified-since"], "Mon, 23 Nov 2026 09:00:00 GMT")
        XCTAssertEqual(try mentions(database).count, stored)
        XCTAssertThrowsError(try connectors.poster(for: account), "a feed only listens")
    }

    // MARK: E-mail

    func testAMaildirIsReadOnceAndAReplyGoesThroughSendmailThreaded() async throws {
        let maildir = folder.file("Mail")
        for sub in ["new", "cur", "tmp"] { try FileManager.default.createDirectory(atPath: maildir + "/" + sub, withIntermediateDirectories: true) }
        let message = """
            From: Dana K <dana@example.org>
            To: newsletter@northwind.example
            Subject: Re: =?UTF-8?B?WW91ciBOb3ZlbWJlciBuZXdzbGV0dGVyIOKcqA==?=
            Date: Mon, 23 Nov 2026 09:41:07 +0000
            Message-ID: <reply-1@example.org>
            In-Reply-To: <news-11@northwind.example>
            References: <news-11@northwind.example>

            I was charged twice this month, can someone call me?

            """
        XCTAssertTrue(FileManager.default.createFile(atPath: maildir + "/new/1700000000.1.host", contents: Data(message.replacingOccurrences(of: "\n", with: "\r\n").utf8)))
        let capture = folder.file("sent.eml")
        folder.write("sendmail", "#!/bin/sh\nprintf '%s\\n' \"$@\" > '\(capture).args'\ncat > '\(capture)'\n")
        chmod(folder.file("sendmail"), 0o755)
        var account = ConnectedAccount(name: "newsletter", channel: "email", network: .email, handle: "newsletter@northwind.example")
        account.maildir = maildir
        account.from = "Northwind Help <help@northwind.example>"
        account.sendmail = Program(path: folder.file("sendmail"), arguments: ["-t", "-i"], timeoutSeconds: 10)
        let (database, config, connectors) = try setup(account, secret: nil)
        _ = try await listen(database, config, connectors)
        _ = try await listen(database, config, connectors)
        XCTAssertEqual(try mentions(database), ["reply-1@example.org"], "read once")
        let conversation = try XCTUnwrap(try database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention") })
        try ActionService(database: database, config: config, clock: clock).reply(to: conversation, text: "Dana, we will call you today.",
                                                                                   by: config.operators[0])
        clock.advance(seconds: 11)
        let report = try await Delivery(database: database, config: config, clock: clock, connectors: connectors).runOnce()
        XCTAssertEqual(report.sent, 1)
        let sent = folder.read("sent.eml")
        XCTAssertTrue(sent.contains("From: Northwind Help <help@northwind.example>\nTo: dana@example.org\n"), sent)
        XCTAssertTrue(sent.contains("Subject: =?UTF-8?B?"), "the subject's non-ASCII encoded")
        XCTAssertTrue(sent.contains("In-Reply-To: <reply-1@example.org>\nReferences: <news-11@northwind.example> <reply-1@example.org>\n"), sent)
        XCTAssertTrue(sent.hasSuffix("\n\nDana, we will call you today. ^SB\n"), sent)
        XCTAssertEqual(folder.read("sent.eml.args"), "-t\n-i\n", "fixed flags, no address from the message on the command line")
        let id = try XCTUnwrap(try database.read { db in try String.fetchOne(db, sql: "SELECT external_id FROM outbox") })
        XCTAssertTrue(sent.contains("Message-ID: <\(id)>"), sent)
    }

    func testHeaderInjectionFromACustomersSubjectIsImpossible() {
        let target = OutgoingPost.ReplyTarget(sourceID: "a@b", authorHandle: "x@y.org\r\nBcc: everyone@example.org", threadID: nil,
                                              extra: JSONWriter.object([("subject", JSONValue.string("Hi\r\nBcc: evil@example.org"))]))
        let post = OutgoingPost(id: 1, kind: .reply, channel: "email", text: "hello", idempotencyKey: "k", createdAt: 0, replyTo: target)
        let message = Email.message(post, to: target, from: "help@northwind.example", messageID: "m@n", date: 0)
        let headers = message.components(separatedBy: "\n\n")[0].split(separator: "\n")
        XCTAssertFalse(headers.contains { $0.hasPrefix("Bcc:") }, message)
        XCTAssertEqual(headers.count, 10, "exactly the headers heed writes")
        XCTAssertTrue(message.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"), message)
    }
}
