import Foundation

/// A Reddit account through its OAuth API, signed in with `heed account login`: username
/// mentions, replies to our posts and comments, and private messages from the inbox
/// (`GET /message/inbox`, paged forward with `before` = the newest fullname stored), answers
/// with `POST /api/comment` (a comment, or a private reply to a message), an interrupted answer
/// looked for among our latest comments or sent messages before it is ever sent again. Every
/// request names heed and the account in its User-Agent, as Reddit asks.
struct Reddit: Listener, Poster, AccountChecker {
    let account: ConnectedAccount
    let session: OAuthSession
    let http: any HTTPClient
    let clock: any Clock
    /// Inbox items a page (the API's largest).
    static let pageSize = 100

    private var base: URL { account.url ?? URL(string: "https://oauth.reddit.com")! }

    /// `<platform>:<app ID>:<version> (by /u/<username>)`, the form Reddit's API rules ask for.
    var userAgent: String { "linux:heed:1 (by /u/\(account.handle))" }

    private func url(_ path: String, _ query: [(String, String)] = []) -> URL {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        components.percentEncodedQuery = OAuthApp.form(query + [("raw_json", "1")])
        return components.url!
    }

    private func send(_ request: HTTPRequest, what: String) async throws -> HTTPResponse {
        try await session.send(request, headers: [("User-Agent", userAgent)], what: what)
    }

    private func get(_ path: String, _ query: [(String, String)] = [], what: String) async throws -> HTTPResponse {
        try await send(HTTPRequest("GET", url(path, query)), what: what)
    }

    /// Reddit's limits: `X-Ratelimit-Remaining` and `-Used` (their sum is the limit) and
    /// `-Reset`, the seconds until the window ends.
    func rateLimit(of response: HTTPResponse) -> RateLimit? {
        let remaining = response.header("x-ratelimit-remaining").flatMap(Double.init).map { Int($0) }
        let used = response.header("x-ratelimit-used").flatMap(Double.init).map { Int($0) }
        let reset = response.header("x-ratelimit-reset").flatMap(Double.init).map { clock.now() + Int64($0 * 1000) }
        guard remaining != nil || reset != nil else { return nil }
        return RateLimit(remaining: remaining, limit: remaining.flatMap { left in used.map { left + $0 } }, resetAt: reset)
    }

    // MARK: Listening

    func listen(since mark: ListenMark, known: @Sendable (String, String) -> Bool) async throws -> ListenedPage {
        var query = [("limit", String(Self.pageSize))]
        if let cursor = mark.cursor { query.append(("before", cursor)) }
        let response = try await get("message/inbox", query, what: "the inbox")
        let document = try response.json()
        guard case .array(let children)? = document["data"]?["children"]?.value else { throw NetworkError.unexpected("the inbox: not a listing") }
        var page = ListenedPage(mark: mark, rateLimit: rateLimit(of: response))
        page.add(RedditFormat().records(in: document, context: FormatContext(config: Config())))
        // Newest first: the first item is where the next poll starts.
        if let newest = children.first?["data"]?["name"]?.string { page.mark.cursor = newest }
        page.more = mark.cursor != nil && children.count >= Self.pageSize
        return page
    }

    // MARK: Answering

    func send(_ post: OutgoingPost) async throws -> String {
        guard let target = post.replyTo else {
            throw NetworkError.refused("posting: heed answers on Reddit only as a reply to a comment or post")
        }
        let body = OAuthApp.form([("api_type", "json"), ("thing_id", target.sourceID), ("text", post.text)])
        let request = HTTPRequest("POST", url("api/comment"), headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Data(body.utf8))
        let answer = try await send(request, what: "posting").json()
        // Reddit answers 200 with its refusals in json.errors: [[code, message, field], …].
        if case .array(let errors)? = answer["json"]?["errors"]?.value, let first = errors.first {
            let words: [String] = { if case .array(let parts) = first.value { return parts.compactMap(\.string) }; return [] }()
            let said = "posting: " + (words.dropFirst().first ?? words.first ?? "refused")
            if words.first == "RATELIMIT" { throw NetworkError.rateLimited(until: clock.now() + 60_000, said) }
            throw NetworkError.refused(said)
        }
        guard case .array(let things)? = answer["json"]?["data"]?["things"]?.value, let name = things.first?["data"]?["name"]?.string else {
            throw NetworkError.unexpected("posting: the answer names no comment")
        }
        return name
    }

    /// Our latest comments (or, answering a private message, our sent messages): is one of them
    /// the answer, under the same parent with this text?
    func find(_ post: OutgoingPost) async throws -> PostSearch {
        let privately = post.replyTo?.sourceID.hasPrefix("t4_") == true
        let latest = try await (privately ? get("message/sent", [("limit", "25")], what: "our sent messages")
                                          : get("user/\(account.handle)/comments", [("limit", "25"), ("sort", "new")], what: "our latest comments")).json()
        guard case .array(let children)? = latest["data"]?["children"]?.value else { return .cannotTell("our latest comments are not a listing") }
        for child in children {
            let comment = child["data"]
            guard comment?["parent_id"]?.string == post.replyTo?.sourceID, let body = comment?["body"]?.string,
                  post.isSaid(in: body), let name = comment?["name"]?.string else { continue }
            return .sent(name)
        }
        let oldest = children.compactMap { $0["data"]?["created_utc"]?.double }.min().map { Int64($0 * 1000) }
        if children.count < 25 || (oldest ?? .max) < post.createdAt { return .notSent }
        return .cannotTell("more than 25 comments since it was queued")
    }

    func check() async throws -> String {
        let me = try await get("api/v1/me", what: "checking the sign-in").json()
        guard let name = me["name"]?.string else { throw NetworkError.unexpected("checking the sign-in: the answer has no name") }
        return "signed in as u/\(name) on Reddit"
    }
}
