import Foundation

/// A Mastodon account through the instance's REST API, with an access token (scopes `read`
/// and `write:statuses`): mentions from `GET /api/v1/notifications?types[]=mention` (paged
/// with `min_id`), threads completed with `GET /api/v1/statuses/:id/context`, replies with
/// `POST /api/v1/statuses` (the answered message's visibility, its author addressed, the
/// outbox's idempotency key as `Idempotency-Key`). With `"stream": true`, new mentions come as
/// they happen from the streaming API (`GET /api/v1/streaming/user/notification`, server-sent
/// events, on the streaming host `GET /api/v2/instance` names).
struct Mastodon: StreamingListener, Poster, AccountChecker {
    let account: ConnectedAccount
    let token: Secret
    let http: any HTTPClient
    let clock: any Clock
    /// Notifications a page (the API's largest).
    static let pageSize = 40

    private var base: URL { account.url ?? URL(string: "https://invalid.invalid")! }

    private func url(_ path: String, _ query: [(String, String)] = []) -> URL {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        return components.url!
    }

    private var auth: [(String, String)] { [("Authorization", "Bearer " + token.reveal()), ("Accept", "application/json")] }

    private func get(_ path: String, _ query: [(String, String)] = [], what: String) async throws -> HTTPResponse {
        let response = try await http.send(HTTPRequest("GET", url(path, query), headers: auth))
        guard response.status == 200 else { throw NetworkError.from(response, now: clock.now(), what: what) }
        return response
    }

    // MARK: Listening

    func listen(since mark: ListenMark, known: @Sendable (String, String) -> Bool) async throws -> ListenedPage {
        var query = [("types[]", "mention"), ("limit", String(Self.pageSize))]
        if let cursor = mark.cursor { query.append(("min_id", cursor)) }
        let response = try await get("api/v1/notifications", query, what: "notifications")
        let document = try response.json()
        guard case .array(let items) = document.value else { throw NetworkError.unexpected("notifications: expected a list") }
        var page = ListenedPage(mark: mark, rateLimit: RateLimit.of(response))
        page.more = mark.cursor != nil && items.count >= Self.pageSize
        // The newest notification id is where the next poll starts (ids grow; compare as numbers).
        let ids = items.compactMap { $0["id"]?.string }
        if let newest = ids.max(by: Self.idOrder) { page.mark.cursor = newest }
        page.add(MastodonFormat().records(in: document, context: FormatContext(config: Config())))
        try await completeThreads(&page, known: known)
        return page
    }

    /// A reply whose parent heed has not seen comes with its thread (a thread gone meanwhile
    /// leaves the reply on its own).
    private func completeThreads(_ page: inout ListenedPage, known: @Sendable (String, String) -> Bool) async throws {
        for mention in page.mentions where mention.inReplyTo != nil {
            guard let parent = mention.inReplyTo, !known("mastodon", parent), !page.mentions.contains(where: { $0.sourceID == parent }) else { continue }
            do {
                let context = try await get("api/v1/statuses/\(mention.sourceID)/context", what: "the thread of \(mention.sourceID)")
                page.add(MastodonFormat().records(in: try context.json(), context: FormatContext(config: Config())))
            } catch NetworkError.refused(let message) where message.contains("HTTP 404") {
                continue
            }
        }
    }

    /// Snowflake ids as numbers: a longer id is a later one.
    static func idOrder(_ a: String, _ b: String) -> Bool { a.count != b.count ? a.count < b.count : a < b }

    // MARK: Streaming

    /// The streaming server sends a comment every few seconds; this long without one, the
    /// connection is taken for dead.
    static let streamIdleSeconds = 90.0

    func stream(known: @escaping @Sendable (String, String) -> Bool) async throws -> AsyncThrowingStream<ListenedPage, Error> {
        let url = await streamingBase().appendingPathComponent("api/v1/streaming/user/notification")
        let opened = try await http.open(HTTPRequest("GET", url, headers: [("Authorization", "Bearer " + token.reveal()), ("Accept", "text/event-stream")]),
                                         idleSeconds: Self.streamIdleSeconds)
        guard opened.status == 200 else { throw NetworkError.from(try await opened.response(), now: clock.now(), what: "the stream") }
        let (pages, continuation) = AsyncThrowingStream.makeStream(of: ListenedPage.self, throwing: Error.self)
        let reading = Task {
            var events = ServerSentEvents()
            do {
                for try await chunk in opened.body {
                    for event in events.feed(chunk) where event.name == "notification" {
                        if let page = try await page(of: event, known: known) { continuation.yield(page) }
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in reading.cancel() }
        return pages
    }

    /// A notification event as a page: its mention (a follow or a favourite has none) with its
    /// thread, and its id as the mark.
    private func page(of event: ServerSentEvents.Event, known: @Sendable (String, String) -> Bool) async throws -> ListenedPage? {
        guard let node = try? JSONParser.parse(Data(event.data.utf8)) else {
            return ListenedPage(rejected: [Rejection(line: 1, field: "notification", reason: "the streamed event is not JSON")], mark: ListenMark())
        }
        guard let id = node["id"]?.string else { return nil }
        var page = ListenedPage(mark: ListenMark(cursor: id))
        page.add(MastodonFormat().records(in: node, context: FormatContext(config: Config())))
        guard !page.mentions.isEmpty || !page.rejected.isEmpty else { return nil }
        try await completeThreads(&page, known: known)
        return page
    }

    func mark(_ mark: ListenMark, after streamed: ListenMark) -> ListenMark {
        guard let newer = streamed.cursor else { return mark }
        guard let cursor = mark.cursor else { return streamed }
        return Self.idOrder(cursor, newer) ? streamed : mark
    }

    /// Where the instance streams from: `configuration.urls.streaming` of `GET /api/v2/instance`
    /// (often a host of its own), as HTTP; the instance itself when it does not say.
    private func streamingBase() async -> URL {
        guard let instance = try? await get("api/v2/instance", what: "the instance").json(),
              let named = instance["configuration"]?["urls"]?["streaming"]?.string,
              var components = URLComponents(string: named), let scheme = components.scheme?.lowercased() else { return base }
        switch scheme {
        case "wss", "https": components.scheme = "https"
        case "ws", "http": components.scheme = "http"
        default: return base
        }
        return components.url ?? base
    }

    // MARK: Answering

    func send(_ post: OutgoingPost) async throws -> String {
        var members: [(String, JSONValue)] = []
        var text = post.text
        var visibility = "public"
        if let target = post.replyTo {
            // The message answered says who to address and how privately.
            let answered = try await get("api/v1/statuses/\(target.sourceID)", what: "the message answered").json()
            if let acct = answered["account"]?["acct"]?.string, !text.lowercased().contains("@" + acct.lowercased()) { text = "@\(acct) " + text }
            visibility = answered["visibility"]?.string ?? visibility
            members.append(("in_reply_to_id", .string(target.sourceID)))
        }
        members = [("status", .string(text)), ("visibility", .string(visibility))] + members
        let request = HTTPRequest.json("POST", url("api/v1/statuses"), headers: auth + [("Idempotency-Key", post.idempotencyKey)], members)
        let response = try await http.send(request)
        guard response.status == 200 else { throw NetworkError.from(response, now: clock.now(), what: "posting") }
        guard let id = try response.json()["id"]?.string else { throw NetworkError.unexpected("posting: the answer has no id") }
        return id
    }

    /// Our account's latest statuses: is there one answering the same message with this text,
    /// made since the post was queued?
    func find(_ post: OutgoingPost) async throws -> PostSearch {
        let me = try await get("api/v1/accounts/verify_credentials", what: "our account").json()
        guard let id = me["id"]?.string else { return .cannotTell("the instance did not say who we are") }
        let latest = try await get("api/v1/accounts/\(id)/statuses", [("limit", "40"), ("exclude_reblogs", "true")], what: "our latest posts").json()
        guard case .array(let statuses) = latest.value else { return .cannotTell("our latest posts are not a list") }
        for status in statuses {
            guard status["in_reply_to_id"]?.string == post.replyTo?.sourceID, let content = status["content"]?.string else { continue }
            if post.isSaid(in: HTMLText.plain(content)), let found = status["id"]?.string { return .sent(found) }
        }
        let oldest = statuses.compactMap { $0["created_at"]?.string.flatMap(RFC3339.milliseconds) }.min()
        if statuses.count < 40 || (oldest ?? .max) < post.createdAt { return .notSent }
        return .cannotTell("more than 40 posts since it was queued")
    }

    func check() async throws -> String {
        let me = try await get("api/v1/accounts/verify_credentials", what: "checking the token").json()
        let acct = me["acct"]?.string ?? "?"
        return "signed in as @\(acct) on \(base.host ?? "?") (id \(me["id"]?.string ?? "?"))"
    }
}

extension ListenedPage {
    /// Takes a format's records: mentions kept (once each), rejections counted.
    mutating func add(_ records: [FormatRecord]) {
        for record in records {
            switch record {
            case .mention(let mention): if !mentions.contains(where: { $0.sourceID == mention.sourceID }) { mentions.append(mention) }
            case .rejected(let rejection, _): rejected.append(rejection)
            }
        }
    }
}
