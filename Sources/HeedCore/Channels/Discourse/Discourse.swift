import Foundation

/// A Discourse forum through its API, with a user API key (`Api-Key`, `Api-Username`): what
/// is addressed to our user from `GET /notifications.json` (mentions, replies, quotes, private
/// messages, posts in watched topics), each post read with `GET /posts/:id.json`; replies with
/// `POST /posts.json` (`topic_id`, `reply_to_post_number`).
struct Discourse: Listener, Poster, AccountChecker {
    let account: ConnectedAccount
    let key: Secret
    let http: any HTTPClient
    let clock: any Clock

    /// Notification types that bring a post to answer: mentioned, replied, quoted, private
    /// message, posted (a watched topic), group mentioned.
    static let postTypes: Set<Int> = [1, 2, 3, 6, 9, 15]

    private var base: URL { account.url ?? URL(string: "https://invalid.invalid")! }

    private func url(_ path: String, _ query: [(String, String)] = []) -> URL {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        return components.url!
    }

    private var auth: [(String, String)] { [("Api-Key", key.reveal()), ("Api-Username", account.handle), ("Accept", "application/json")] }

    private func get(_ path: String, _ query: [(String, String)] = [], what: String) async throws -> JSONNode {
        let response = try await http.send(HTTPRequest("GET", url(path, query), headers: auth))
        guard response.status == 200 else { throw NetworkError.from(response, now: clock.now(), what: what) }
        return try response.json()
    }

    func listen(since mark: ListenMark, known: @Sendable (String, String) -> Bool) async throws -> ListenedPage {
        var page = ListenedPage(mark: mark)
        let body = try await get("notifications.json", what: "notifications")
        guard case .array(let items)? = body["notifications"]?.value else { throw NetworkError.unexpected("notifications: no list") }
        let seen = mark.cursor.flatMap(Int.init) ?? 0
        let fresh = items.filter { ($0["id"]?.int ?? 0) > seen && Self.postTypes.contains($0["notification_type"]?.int ?? 0) }
        if let newest = items.compactMap({ $0["id"]?.int }).max(), newest > seen { page.mark.cursor = String(newest) }
        var posts: [JSONNode] = []
        for item in fresh.reversed() {
            let post: JSONNode
            if let id = item["data"]?["original_post_id"]?.int {
                post = try await get("posts/\(id).json", what: "a post")
            } else if let topic = item["topic_id"]?.int, let number = item["post_number"]?.int {
                let found = try await get("t/\(topic)/\(number).json", what: "a post")
                guard case .array(let stream)? = found["post_stream"]?["posts"]?.value,
                      let match = stream.first(where: { $0["post_number"]?.int == number }) else { continue }
                post = match
            } else {
                continue
            }
            posts.append(post)
        }
        page.add(DiscourseFormat().records(in: JSONNode(.object([JSONMember(key: "latest_posts", value: JSONNode(.array(posts)))])),
                                           context: FormatContext(config: Config())))
        return page
    }

    func send(_ post: OutgoingPost) async throws -> String {
        guard let target = post.replyTo else { throw NetworkError.refused("a forum post needs a topic to go in") }
        let parts = target.sourceID.split(separator: "/")
        guard parts.count == 2, let topic = Int(parts[0]), let number = Int(parts[1]) else {
            throw NetworkError.refused("\(target.sourceID) is not a forum post heed can answer")
        }
        let request = HTTPRequest.json("POST", url("posts.json"), headers: auth, [
            ("raw", .string(post.text)), ("topic_id", .number(String(topic))), ("reply_to_post_number", .number(String(number))),
        ])
        let response = try await http.send(request)
        guard response.status == 200 else { throw NetworkError.from(response, now: clock.now(), what: "posting") }
        let body = try response.json()
        guard let postNumber = body["post_number"]?.int else { throw NetworkError.unexpected("posting: the answer has no post number") }
        return "\(body["topic_id"]?.int ?? topic)/\(postNumber)"
    }

    /// Our user's latest replies: one in the same topic, answering the same post, made since it was queued.
    func find(_ post: OutgoingPost) async throws -> PostSearch {
        guard let target = post.replyTo, let topic = target.sourceID.split(separator: "/").first.flatMap({ Int($0) }) else { return .notSent }
        let number = target.sourceID.split(separator: "/").last.flatMap { Int($0) }
        let body = try await get("user_actions.json", [("username", account.handle), ("filter", "5")], what: "our latest replies")
        guard case .array(let actions)? = body["user_actions"]?.value else { return .cannotTell("the forum did not list our replies") }
        for action in actions where action["topic_id"]?.int == topic && action["reply_to_post_number"]?.int == number {
            let at = action["created_at"]?.string.flatMap(RFC3339.milliseconds) ?? 0
            if at >= post.createdAt - 60_000, let made = action["post_number"]?.int { return .sent("\(topic)/\(made)") }
        }
        let oldest = actions.compactMap { $0["created_at"]?.string.flatMap(RFC3339.milliseconds) }.min()
        if actions.count < 30 || (oldest ?? .max) < post.createdAt { return .notSent }
        return .cannotTell("too many replies since it was queued")
    }

    func check() async throws -> String {
        let me = try await get("session/current.json", what: "checking the API key")
        return "signed in as \(me["current_user"]?["username"]?.string ?? "?") on \(base.host ?? "?")"
    }
}
