import Foundation

/// An X account through the X API v2, signed in with OAuth 2.0 (`heed account login`): mentions
/// from `GET /2/users/:id/mentions` (`since_id`, then `pagination_token` back through what
/// came meanwhile), replies with `POST /2/tweets` (`reply.in_reply_to_tweet_id`), an
/// interrupted reply looked for among our latest posts (`GET /2/users/:id/tweets`) before it is
/// ever sent again — X takes no idempotency key.
struct X: Listener, Poster, AccountChecker {
    let account: ConnectedAccount
    let session: OAuthSession
    let http: any HTTPClient
    let clock: any Clock
    let memory: AccountMemory
    /// Mentions a page (the API's largest).
    static let pageSize = 100

    static let expansions = "author_id,referenced_tweets.id,referenced_tweets.id.author_id,in_reply_to_user_id"
    static let tweetFields = "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,public_metrics,lang"
    static let userFields = "username,name,public_metrics,verified"

    private var base: URL { account.url ?? URL(string: "https://api.x.com")! }

    private func url(_ path: String, _ query: [(String, String)] = []) -> URL {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.percentEncodedQuery = OAuthApp.form(query) }
        return components.url!
    }

    private func get(_ path: String, _ query: [(String, String)] = [], what: String) async throws -> HTTPResponse {
        try await session.send(HTTPRequest("GET", url(path, query)), what: what)
    }

    /// Our account's numeric id: the config's `id`, else asked once a run.
    private func me() async throws -> String {
        if let id = account.accountID ?? memory.value(for: account.name) { return id }
        let answer = try await get("2/users/me", what: "our account").json()
        guard let id = answer["data"]?["id"]?.string else { throw NetworkError.unexpected("our account: the answer has no data.id") }
        memory.keep(id, for: account.name)
        return id
    }

    // MARK: Listening

    func listen(since mark: ListenMark, known: @Sendable (String, String) -> Bool) async throws -> ListenedPage {
        let cursor = PagedCursor(mark.cursor)
        var query = [("max_results", String(Self.pageSize)), ("expansions", Self.expansions), ("tweet.fields", Self.tweetFields),
                     ("user.fields", Self.userFields)]
        if let since = cursor.since { query.append(("since_id", since)) }
        if let token = cursor.next { query.append(("pagination_token", token)) }
        let response = try await get("2/users/\(try await me())/mentions", query, what: "mentions")
        let document = try response.json()
        var page = ListenedPage(mark: mark, rateLimit: RateLimit.of(response))
        if document["data"] != nil { page.add(XFormat().records(in: document, context: FormatContext(config: Config()))) }
        let newest = [cursor.newest, document["meta"]?["newest_id"]?.string].compactMap { $0 }.max(by: Mastodon.idOrder)
        let next = document["meta"]?["next_token"]?.string
        if let since = cursor.since, let next {
            // Newest first: the older pages since the last poll come before the cursor moves on.
            page.mark.cursor = PagedCursor(since: since, next: next, newest: newest).text
            page.more = true
        } else {
            // A first poll takes the latest page only: what came before heed listened is for `heed ingest`.
            page.mark.cursor = newest ?? cursor.since
        }
        return page
    }

    // MARK: Answering

    func send(_ post: OutgoingPost) async throws -> String {
        var members: [(String, JSONValue)] = [("text", .string(post.text))]
        if let target = post.replyTo {
            members.append(("reply", .object([JSONMember(key: "in_reply_to_tweet_id", value: JSONNode(.string(target.sourceID)))])))
        }
        let response = try await session.send(HTTPRequest.json("POST", url("2/tweets"), members), what: "posting", accepting: [200, 201])
        guard let id = try response.json()["data"]?["id"]?.string else { throw NetworkError.unexpected("posting: the answer has no data.id") }
        return id
    }

    /// Our latest posts: is one of them the reply, answering the same tweet with this text?
    func find(_ post: OutgoingPost) async throws -> PostSearch {
        let latest = try await get("2/users/\(try await me())/tweets", [("max_results", "20"), ("exclude", "retweets"),
                                                                      ("tweet.fields", "created_at,referenced_tweets")], what: "our latest posts").json()
        let tweets: [JSONNode]
        switch latest["data"]?.value {
        case .array(let items): tweets = items
        case nil: tweets = []
        default: return .cannotTell("our latest posts are not a list")
        }
        for tweet in tweets {
            guard case .array(let references)? = tweet["referenced_tweets"]?.value,
                  references.contains(where: { $0["type"]?.string == "replied_to" && $0["id"]?.string == post.replyTo?.sourceID }) || post.replyTo == nil,
                  let text = tweet["text"]?.string, post.isSaid(in: text), let id = tweet["id"]?.string else { continue }
            return .sent(id)
        }
        let oldest = tweets.compactMap { $0["created_at"]?.string.flatMap(RFC3339.milliseconds) }.min()
        if tweets.count < 20 || (oldest ?? .max) < post.createdAt { return .notSent }
        return .cannotTell("more than 20 posts since it was queued")
    }

    func check() async throws -> String {
        let me = try await get("2/users/me", what: "checking the sign-in").json()
        guard let id = me["data"]?["id"]?.string else { throw NetworkError.unexpected("checking the sign-in: the answer has no data.id") }
        memory.keep(id, for: account.name)
        return "signed in as @\(me["data"]?["username"]?.string ?? "?") on X (id \(id))"
    }
}

/// What an account's connector learnt once and needs again (X: our user id), kept for the run.
final class AccountMemory: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: String] = [:]

    func value(for account: String) -> String? { lock.withLock { values[account] } }
    func keep(_ value: String, for account: String) { lock.withLock { values[account] = value } }
}
