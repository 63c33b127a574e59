import Foundation
import GRDB
import HeedTestSupport
import LocalHTTPServer
import XCTest
@testable import HeedCore

/// Mastodon's streaming API, against two local servers playing an instance and its streaming
/// host from what Mastodon.py recorded of a real pair (`Fixtures/recorded`, MIT): the stream of
/// `GET /api/v1/streaming/user` as it came, and `GET /api/v2/instance` naming the streaming host.
final class MastodonStreamingTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-08-02T05:30:00Z")
    static let recorded = MoreFormatTests.ownFixtures + "/recorded"

    static func recordedStream() throws -> String { try String(contentsOfFile: recorded + "/mastodon-streaming-user.sse", encoding: .utf8) }

    /// The recorded events' data, by event name, in order.
    static func recordedData(_ name: String) throws -> [String] {
        var events = ServerSentEvents()
        return events.feed(Array(try recordedStream().utf8)).filter { $0.name == name }.map(\.data)
    }

    // MARK: Reading the events

    func testTheRecordedStreamIsReadWhereverItsChunksAreSplit() throws {
        let bytes = Array(try Self.recordedStream().utf8)
        var whole = ServerSentEvents()
        let events = whole.feed(bytes)
        XCTAssertEqual(events.map(\.name), ["update", "notification", "update", "notification", "status.update", "delete"])
        XCTAssertEqual(whole.heartbeats, 1, "`:)` on opening (the recording ends inside the next, an unended `:`)")
        XCTAssertEqual(events.last?.data, "117024236332527350")
        XCTAssertTrue(events[1].data.hasPrefix(#"{"id":"14","type":"mention""#), events[1].data.prefix(40).description)
        for split in stride(from: 1, to: bytes.count, by: 97) {
            var reader = ServerSentEvents()
            XCTAssertEqual(reader.feed(bytes[..<split]) + reader.feed(bytes[split...]), events, "split at byte \(split)")
        }
        var byteByByte = ServerSentEvents()
        XCTAssertEqual(bytes.flatMap { byteByByte.feed([$0]) }, events)
    }

    func testEventsFollowTheStandardsLineRules() {
        var reader = ServerSentEvents()
        let text = "data: {\"a\":\r\ndata: \"☃😹\"}\r\nevent: update\r\nid: 123\r\nretry: 456\r\n\r\n:thump\rdata: 2\revent:delete\r\r"
            + "data\n\nevent: notification\ndata: {}\nignored: x\n\n"
        let events = Array(text.utf8).flatMap { reader.feed([$0]) }
        XCTAssertEqual(events, [.init(name: "update", data: "{\"a\":\n\"☃😹\"}"), .init(name: "delete", data: "2"),
                                .init(name: "message", data: ""), .init(name: "notification", data: "{}")])
        XCTAssertEqual(reader.heartbeats, 1)
    }

    // MARK: Listening by the stream

    /// An instance whose streaming host is another server, as the recording's was; the backlog
    /// is empty unless `backlog` is given; a reply's thread is the recorded status it answers.
    func instance(streaming: LocalServer, backlog: String = "[]") throws -> LocalServer {
        let instance = try String(contentsOfFile: Self.recorded + "/mastodon-instance-v2.json", encoding: .utf8)
            .replacingOccurrences(of: "ws://localhost:4000", with: "ws://127.0.0.1:\(streaming.port)")
        let parent = try XCTUnwrap(Self.recordedData("update").first { $0.contains("\"id\":\"117024236559579118\"") })
        return try LocalServer { request in
            switch (request.method, request.path) {
            case ("GET", "/api/v2/instance"): return .json(instance)
            case ("GET", "/api/v1/notifications"): return .json(request.query("min_id") == nil ? backlog : "[]")
            case ("GET", "/api/v1/statuses/117024236635443611/context"): return .json(#"{"ancestors":[\#(parent)],"descendants":[]}"#)
            default: return .json(#"{"error":"Record not found"}"#, status: 404)
            }
        }
    }

    func streamingHost(_ stream: ResponseStream, status: Int = 200) throws -> LocalServer {
        try LocalServer { request in
            guard request.path == "/api/v1/streaming/user/notification" else { return .json(#"{"error":"Unknown stream type"}"#, status: 400) }
            return status == 200 ? .events(stream, first: ":)\n") : .json(#"{"error":"Error while trying to authenticate"}"#, status: status)
        }
    }

    func part(_ database: AppDatabase, instance: LocalServer) -> ListenPart {
        var config = ActionServiceTests.config
        var account = ConnectedAccount(name: "mastodon-help", channel: "mastodon", network: .mastodon, handle: "mastodonpy_test", url: instance.url)
        account.stream = true
        config.connectedAccounts = [account]
        config.accounts = ["mastodon": ["mastodonpy_test"]]
        let connectors = Connectors(config: config, secrets: Secrets(configPath: nil, environment: ["HEED_SECRET_MASTODON_HELP": "token-123"]), clock: clock)
        return ListenPart(account: config.connectedAccounts[0], connectors: connectors, database: database, config: config, clock: clock,
                          logger: MastodonConnectorTests.quiet)
    }

    func state(_ database: AppDatabase) throws -> AccountState? { try database.read { db in try AccountState.fetchOne(db, key: "mastodon-help") } }

    func stored(_ database: AppDatabase) throws -> [String] {
        try database.read { db in try String.fetchAll(db, sql: "SELECT source_id FROM mention ORDER BY source_id") }
    }

    /// Waits (at most 10 s) until `condition` holds.
    func until(_ what: String, _ condition: () throws -> Bool) throws {
        let end = Date().addingTimeInterval(10)
        while try !condition() {
            guard Date() < end else { return XCTFail("waited 10 s for \(what)") }
            usleep(20_000)
        }
    }

    func testMentionsComeByTheStreamAsTheyHappenWithTheirThreads() async throws {
        let stream = ResponseStream()
        let streaming = try streamingHost(stream)
        let instance = try instance(streaming: streaming)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let part = part(database, instance: instance)
        let listening = Task { try await part.round() }
        try until("the stream to open") { try state(database)?.streamingSince != nil }
        XCTAssertEqual(try stored(database), [], "no backlog")
        // The recorded stream, in two pieces cut inside the event after the first notification.
        let recorded = try Self.recordedStream()
        let first = try XCTUnwrap(recorded.range(of: "event: notification"))
        let cut = recorded.index(try XCTUnwrap(recorded.range(of: "event: update", range: first.upperBound..<recorded.endIndex)).lowerBound, offsetBy: 30)
        stream.send(String(recorded[..<cut]))
        try until("the first mention") { try stored(database).count == 1 }
        XCTAssertEqual(try stored(database), ["117024236408130890"], "notification 14's status; the update before it is no mention")
        XCTAssertEqual(try state(database)?.cursor, "14")
        stream.send(String(recorded[cut...]))
        try until("the direct reply and the post it answers") { try stored(database).count == 3 }
        XCTAssertEqual(try stored(database), ["117024236408130890", "117024236559579118", "117024236635443611"])
        XCTAssertEqual(try state(database)?.cursor, "16", "the newest notification streamed, kept with its mention")
        let texts = try database.read { db in try String.fetchAll(db, sql: "SELECT text FROM mention ORDER BY source_id") }
        XCTAssertEqual(texts.first, "@mastodonpy_test@localhost:3000 beep beep I'm a jeep")
        stream.close()
        let wait = try await listening.value
        XCTAssertEqual(wait, 0)
        XCTAssertNil(try state(database)?.streamingSince)
        XCTAssertEqual(try state(database)?.streamError, "the stream ended at once", "a stream the server ends at once counts as broken")

        let asked = streaming.requests
        XCTAssertEqual(asked.map(\.description), ["GET /api/v1/streaming/user/notification"])
        XCTAssertEqual(asked.first?.headers["authorization"], "Bearer token-123")
        XCTAssertEqual(asked.first?.headers["accept"], "text/event-stream")
        XCTAssertEqual(instance.requests.map(\.description), [
            "GET /api/v2/instance", "GET /api/v1/notifications?types[]=mention&limit=40",
            "GET /api/v1/statuses/117024236635443611/context",
        ], "the streaming host asked of the instance, the backlog polled once the stream is open, a thread completed")

        // Broken: polled meanwhile, from the streamed mark.
        let polledWait = try await part.round()
        XCTAssertEqual(instance.requests.last?.description, "GET /api/v1/notifications?types[]=mention&limit=40&min_id=16")
        XCTAssertEqual(streaming.requests.count, 1, "the stream is tried again only after its backoff")
        XCTAssertEqual(polledWait, 30_000)
    }

    func testTheStreamOpensBeforeTheBacklogIsPolledSoNothingFallsBetween() async throws {
        let backlog = try String(contentsOfFile: MastodonConnectorTests.page, encoding: .utf8)
        let stream = ResponseStream()
        let streaming = try streamingHost(stream)
        let instance = try instance(streaming: streaming, backlog: backlog)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let listening = Task { [part = part(database, instance: instance)] in try await part.round() }
        try until("the backlog") { try state(database)?.streamingSince != nil }
        XCTAssertEqual(try stored(database), [MastodonConnectorTests.mentionStatus])
        XCTAssertEqual(try state(database)?.cursor, "21")
        // Older notifications streamed late do not move the mark back.
        stream.send(try Self.recordedData("notification").map { "event: notification\ndata: \($0)\n\n" }.joined())
        try until("the streamed mentions") { try stored(database).count == 4 }
        XCTAssertEqual(try state(database)?.cursor, "21")
        listening.cancel()
        _ = try await listening.value
        stream.close()
        XCTAssertNil(try state(database)?.streamingSince, "a stopped stream is not shown as open")
        XCTAssertNil(try state(database)?.streamError, "stopping is not breaking")
    }

    func testAStreamTheInstanceRefusesIsPolledInsteadAndSaysWhy() async throws {
        let stream = ResponseStream()
        defer { stream.close() }
        let streaming = try streamingHost(stream, status: 404)
        let instance = try instance(streaming: streaming, backlog: try String(contentsOfFile: MastodonConnectorTests.page, encoding: .utf8))
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let wait = try await part(database, instance: instance).round()
        XCTAssertEqual(wait, 30_000, "polled, at the account's interval")
        XCTAssertEqual(try stored(database), [MastodonConnectorTests.mentionStatus])
        XCTAssertEqual(try state(database)?.streamError, "the stream: HTTP 404 (Error while trying to authenticate)")
        XCTAssertNil(try state(database)?.trouble, "polling works: nothing for operators to see")
        let report = try ServiceReport.read(database, config: part(database, instance: instance).config, cachePath: nil, now: clock.now())
        XCTAssertTrue(report.lines(now: clock.now(), timeZone: "UTC").contains { $0.contains("polled, not streaming: the stream: HTTP 404") })
    }

    func testATokenTheStreamRefusesStopsTheAccount() async throws {
        let stream = ResponseStream()
        defer { stream.close() }
        let streaming = try streamingHost(stream, status: 401)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let instance = try instance(streaming: streaming)
        let wait = try await part(database, instance: instance).round()
        XCTAssertEqual(wait, 300_000)
        XCTAssertEqual(try state(database)?.stopped, true)
        XCTAssertEqual(try state(database)?.trouble, "the stream: HTTP 401 (Error while trying to authenticate)")
    }

    func testAStreamThatFallsSilentIsTakenForDead() async throws {
        let stream = ResponseStream()
        defer { stream.close() }
        let streaming = try streamingHost(stream)
        let opened = try await URLSessionHTTPClient().open(HTTPRequest("GET", streaming.url.appendingPathComponent("api/v1/streaming/user/notification")),
                                                           idleSeconds: 1)
        XCTAssertEqual(opened.status, 200)
        XCTAssertEqual(opened.headers["content-type"], "text/event-stream")
        let started = Date()
        var received: [UInt8] = []
        do {
            for try await chunk in opened.body {
                received += chunk
                if received == Array(":)\n".utf8) { stream.send(":thump\n") }
            }
            XCTFail("the stream ended without an error")
        } catch let error as NetworkError {
            XCTAssertEqual(error, .temporary("nothing from 127.0.0.1 for 1 s"))
        }
        XCTAssertEqual(String(decoding: received, as: UTF8.self), ":)\n:thump\n", "heartbeats are data: they keep it alive")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }
}
