import Foundation

/// A Bluesky account through its service (PDS) with an app password: a session from
/// `com.atproto.server.createSession`, renewed with `refreshSession`; mentions, replies and
/// quotes from `app.bsky.notification.listNotifications` (newest first, paged back with its
/// cursor to the newest seen); threads from `app.bsky.feed.getPostThread`; replies as
/// `app.bsky.feed.post` records (`com.atproto.repo.createRecord`) with `reply.root` and
/// `reply.parent` and facets for mentions and links, under a record key made from the outbox's
/// idempotency key — so an interrupted post is found by its key (`getRecord`), never made twice.
struct Bluesky: Listener, Poster, AccountChecker {
    let account: ConnectedAccount
    let password: Secret
    let http: any HTTPClient
    let clock: any Clock
    let sessions: BlueskySessions
    static let pageSize = 50
    /// Pages one round reads back at most (5,000 notifications).
    static let maxPages = 100

    private var base: URL { account.url ?? URL(string: "https://bsky.social")! }

    private func url(_ method: String, _ query: [(String, String)] = []) -> URL {
        var components = URLComponents(url: base.appendingPathComponent("xrpc/" + method), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        return components.url!
    }

    // MARK: The session

    /// The account's session: the one kept, else a new one.
    private func session() async throws -> BlueskySessions.Session {
        if let kept = sessions.session(for: account.name) { return kept }
        let request = HTTPRequest.json("POST", url("com.atproto.server.createSession"),
                                       [("identifier", .string(account.handle)), ("password", .string(password.reveal()))])
        let response = try await http.send(request)
        guard response.status == 200 else { throw NetworkError.from(response, now: clock.now(), what: "signing in") }
        return try remember(response)
    }

    private func remember(_ response: HTTPResponse) throws -> BlueskySessions.Session {
        let body = try response.json()
        guard let access = body["accessJwt"]?.string, let refresh = body["refreshJwt"]?.string, let did = body["did"]?.string else {
            throw NetworkError.unexpected("signing in: the answer has no session")
        }
        let session = BlueskySessions.Session(access: Secret(access), refresh: Secret(refresh), did: did)
        sessions.keep(session, for: account.name)
        return session
    }

    /// `request` with the session's token; an expired token is refreshed (or the session made
    /// again) once.
    private func authorized(_ make: (BlueskySessions.Session) -> HTTPRequest, what: String) async throws -> HTTPResponse {
        var current = try await session()
        for attempt in 0..<2 {
            var request = make(current)
            request.headers.append(("Authorization", "Bearer " + current.access.reveal()))
            let response = try await http.send(request)
            guard attempt == 0, Self.expired(response) else {
                guard response.status == 200 else { throw NetworkError.from(response, now: clock.now(), what: what) }
                return response
            }
            current = try await refreshed(current)
        }
        throw NetworkError.unauthorized("\(what): the session could not be renewed")
    }

    private static func expired(_ response: HTTPResponse) -> Bool {
        response.status == 401 || (response.status == 400 && NetworkError.message(in: response).map { $0.contains("xpired") } == true)
            || ((try? JSONParser.parse(response.body))?["error"]?.string == "ExpiredToken")
    }

    private func refreshed(_ old: BlueskySessions.Session) async throws -> BlueskySessions.Session {
        sessions.forget(account.name)
        let response = try await http.send(HTTPRequest("POST", url("com.atproto.server.refreshSession"),
                                                       headers: [("Authorization", "Bearer " + old.refresh.reveal())]))
        if response.status == 200 { return try remember(response) }
        // A refresh token that is gone too: sign in again with the app password.
        return try await session()
    }

    private func get(_ method: String, _ query: [(String, String)], what: String) async throws -> HTTPResponse {
        try await authorized({ _ in HTTPRequest("GET", url(method, query), headers: [("Accept", "application/json")]) }, what: what)
    }

    // MARK: Listening

    func listen(since mark: ListenMark, known: @Sendable (String, String) -> Bool) async throws -> ListenedPage {
        var page = ListenedPage(mark: mark)
        var cursor: String?
        var newest = mark.cursor
        var notifications: [JSONNode] = []
        pages: for _ in 0..<Self.maxPages {
            var query = [("limit", String(Self.pageSize))]
            if let cursor { query.append(("cursor", cursor)) }
            let response = try await get("app.bsky.notification.listNotifications", query, what: "notifications")
            page.rateLimit = RateLimit.of(response) ?? page.rateLimit
            let body = try response.json()
            guard case .array(let items)? = body["notifications"]?.value else { throw NetworkError.unexpected("notifications: no list") }
            for item in items {
                guard let indexed = item["indexedAt"]?.string else { continue }
                if let seen = mark.cursor, indexed <= seen { break pages }
                notifications.append(item)
                if newest == nil || indexed > newest! { newest = indexed }
            }
            // The first time, only what is on the first page: heed does not read an account's whole past.
            guard mark.cursor != nil, let next = body["cursor"]?.string, !items.isEmpty else { break }
            cursor = next
        }
        page.mark.cursor = newest
        page.add(BlueskyFormat().records(in: JSONNode(.object([JSONMember(key: "notifications", value: JSONNode(.array(notifications)))])),
                                         context: FormatContext(config: Config())))
        for mention in page.mentions where mention.inReplyTo != nil {
            guard let parent = mention.inReplyTo, !known("bluesky", parent), !page.mentions.contains(where: { $0.sourceID == parent }) else { continue }
            let thread = try await get("app.bsky.feed.getPostThread", [("uri", mention.sourceID), ("depth", "0"), ("parentHeight", "10")],
                                       what: "the thread of a reply")
            page.add(BlueskyFormat().records(in: try thread.json(), context: FormatContext(config: Config())))
        }
        return page
    }

    // MARK: Answering

    func send(_ post: OutgoingPost) async throws -> String {
        let current = try await session()
        var record: [(String, JSONValue)] = [("$type", .string("app.bsky.feed.post")), ("text", .string(post.text)),
                                             ("createdAt", .string(RFC3339.string(fromMilliseconds: clock.now())))]
        if let target = post.replyTo {
            let parent = try await self.post(target.sourceID)
            let root = parent.root ?? (uri: target.sourceID, cid: parent.cid)
            record.append(("reply", .object([
                JSONMember(key: "root", value: Self.strongRef(root.uri, root.cid)),
                JSONMember(key: "parent", value: Self.strongRef(target.sourceID, parent.cid)),
            ])))
        }
        let facets = try await facets(post.text)
        if !facets.isEmpty { record.append(("facets", .array(facets))) }
        let body: [(String, JSONValue)] = [("repo", .string(current.did)), ("collection", .string("app.bsky.feed.post")),
                                           ("rkey", .string(Self.recordKey(post))), ("record", .object(record.map { JSONMember(key: $0.0, value: JSONNode($0.1)) }))]
        let response = try await authorized({ _ in HTTPRequest.json("POST", url("com.atproto.repo.createRecord"), body) }, what: "posting")
        guard let uri = try response.json()["uri"]?.string else { throw NetworkError.unexpected("posting: the answer has no uri") }
        return uri
    }

    /// The record key a post gets: a TID (the time it was queued, and a clock id from its
    /// idempotency key), the same on every try — so the network holds a post once, and finding it is asking for it.
    static func recordKey(_ post: OutgoingPost) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in post.idempotencyKey.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let micros = UInt64(max(0, post.createdAt)) * 1000 + hash % 1000
        return tid(micros: micros, clock: hash >> 54)
    }

    /// A timestamp identifier: 53 bits of microseconds and 10 of clock id, in base32-sortable.
    static func tid(micros: UInt64, clock: UInt64) -> String {
        let alphabet = Array("234567abcdefghijklmnopqrstuvwxyz")
        let value = ((micros & ((1 << 53) - 1)) << 10) | (clock & 1023)
        return String((0..<13).map { alphabet[Int((value >> UInt64(5 * (12 - $0))) & 31)] })
    }

    private static func strongRef(_ uri: String, _ cid: String) -> JSONNode {
        JSONNode(.object([JSONMember(key: "uri", value: JSONNode(.string(uri))), JSONMember(key: "cid", value: JSONNode(.string(cid)))]))
    }

    /// A post's content id, and its thread's root when it is itself a reply.
    private func post(_ uri: String) async throws -> (cid: String, root: (uri: String, cid: String)?) {
        let body = try await get("app.bsky.feed.getPosts", [("uris", uri)], what: "the message answered").json()
        guard case .array(let posts)? = body["posts"]?.value, let first = posts.first, let cid = first["cid"]?.string else {
            throw NetworkError.refused("the message answered is gone from Bluesky")
        }
        if let root = first["record"]?["reply"]?["root"], let rootURI = root["uri"]?.string, let rootCID = root["cid"]?.string {
            return (cid, (rootURI, rootCID))
        }
        return (cid, nil)
    }

    /// Mentions (`@handle`, resolved to their DID) and links in `text`, by UTF-8 byte offsets as
    /// the lexicon (`app.bsky.richtext.facet`) wants them.
    func facets(_ text: String) async throws -> [JSONNode] {
        var facets: [JSONNode] = []
        for found in BlueskyFacets.find(in: text) {
            let feature: JSONNode
            switch found.kind {
            case .link(let uri):
                feature = JSONNode(.object([JSONMember(key: "$type", value: JSONNode(.string("app.bsky.richtext.facet#link"))),
                                            JSONMember(key: "uri", value: JSONNode(.string(uri)))]))
            case .mention(let handle):
                guard let response = try? await get("com.atproto.identity.resolveHandle", [("handle", handle)], what: "resolving @\(handle)"),
                      let did = try? response.json()["did"]?.string else { continue }
                feature = JSONNode(.object([JSONMember(key: "$type", value: JSONNode(.string("app.bsky.richtext.facet#mention"))),
                                            JSONMember(key: "did", value: JSONNode(.string(did)))]))
            }
            facets.append(JSONNode(.object([
                JSONMember(key: "index", value: JSONNode(.object([JSONMember(key: "byteStart", value: JSONNode(.number(String(found.start)))),
                                                                   JSONMember(key: "byteEnd", value: JSONNode(.number(String(found.end))))]))),
                JSONMember(key: "features", value: JSONNode(.array([feature]))),
            ])))
        }
        return facets
    }

    func find(_ post: OutgoingPost) async throws -> PostSearch {
        let current = try await session()
        let query = [("repo", current.did), ("collection", "app.bsky.feed.post"), ("rkey", Self.recordKey(post))]
        do {
            let response = try await authorized({ _ in HTTPRequest("GET", url("com.atproto.repo.getRecord", query)) }, what: "looking for the post")
            return try response.json()["uri"]?.string.map { .sent($0) } ?? .cannotTell("the record's answer has no uri")
        } catch NetworkError.refused(let message) where message.contains("RecordNotFound") || message.contains("Could not locate record") {
            return .notSent
        }
    }

    func check() async throws -> String {
        let me = try await get("com.atproto.server.getSession", [], what: "checking the app password").json()
        return "signed in as @\(me["handle"]?.string ?? "?") (\(me["did"]?.string ?? "?")) on \(base.host ?? "?")"
    }
}

/// Sessions kept between rounds (a new one each time would spend the sign-in rate limit).
final class BlueskySessions: @unchecked Sendable {
    struct Session: Sendable {
        var access: Secret
        var refresh: Secret
        var did: String
    }

    private let lock = NSLock()
    private var sessions: [String: Session] = [:]

    func session(for account: String) -> Session? { lock.withLock { sessions[account] } }
    func keep(_ session: Session, for account: String) { lock.withLock { sessions[account] = session } }
    func forget(_ account: String) { _ = lock.withLock { sessions.removeValue(forKey: account) } }
}

/// Where a post's text mentions someone or links somewhere, in UTF-8 bytes.
enum BlueskyFacets {
    enum Kind: Equatable {
        case mention(String)
        case link(String)
    }

    struct Found: Equatable {
        var start: Int
        var end: Int
        var kind: Kind
    }

    static func find(in text: String) -> [Found] {
        var found: [Found] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let atStart = index == 0 || bytes[index - 1] == 0x20 || bytes[index - 1] == 0x0A || bytes[index - 1] == 0x28
            if atStart, bytes[index] == UInt8(ascii: "@") {
                var end = index + 1
                while end < bytes.count, isHandleByte(bytes[end]) { end += 1 }
                while end > index + 1, bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
                let handle = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                if handle.contains(".") { found.append(Found(start: index, end: end, kind: .mention(handle))) }
                index = max(end, index + 1)
                continue
            }
            if atStart, bytes[index...].starts(with: Array("https://".utf8)) || bytes[index...].starts(with: Array("http://".utf8)) {
                var end = index
                while end < bytes.count, bytes[end] > 0x20 { end += 1 }
                while end > index, [UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ")"), UInt8(ascii: "!"), UInt8(ascii: "?")].contains(bytes[end - 1]) { end -= 1 }
                found.append(Found(start: index, end: end, kind: .link(String(decoding: bytes[index..<end], as: UTF8.self))))
                index = end
                continue
            }
            index += 1
        }
        return found
    }

    private static func isHandleByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2E || byte == 0x2D
    }
}
