import Foundation

/// A YouTube channel through the YouTube Data API v3, signed in with Google's OAuth 2.0
/// (`heed account login`): comment threads on the channel's videos
/// (`commentThreads?allThreadsRelatedToChannelId`, newest first, paged back with `pageToken` to
/// the newest stored), replies with `comments.insert`, an interrupted reply looked for among
/// the thread's replies. The API counts quota units, not requests (10,000 a day unless the
/// project has more): heed counts what it spends and shows what is left until midnight Pacific.
struct YouTube: ThreadFollower, Poster, AccountChecker {
    let account: ConnectedAccount
    let session: OAuthSession
    let http: any HTTPClient
    let clock: any Clock
    let memory: AccountMemory
    /// Threads a page (the API's largest).
    static let pageSize = 100
    /// What each call costs, as the API's quota table has it.
    static let listCost = 1, insertCost = 50
    static let dailyQuota = 10_000

    private var base: URL { account.url ?? URL(string: "https://www.googleapis.com")! }

    private func url(_ path: String, _ query: [(String, String)]) -> URL {
        var components = URLComponents(url: base.appendingPathComponent("youtube/v3/" + path), resolvingAgainstBaseURL: false)!
        components.percentEncodedQuery = OAuthApp.form(query)
        return components.url!
    }

    /// A request, its quota units counted; a 403 for a spent quota waits for the quota's day to end.
    private func send(_ request: HTTPRequest, cost: Int, what: String) async throws -> HTTPResponse {
        spend(cost)
        let response = try await session.send(request, what: what, accepting: [200, 403])
        guard response.status == 200 else {
            if let reason = Self.reason(response), ["quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded"].contains(reason) {
                throw NetworkError.rateLimited(until: Self.quotaDayEnd(after: clock.now()), "\(what): HTTP 403 (\(reason): the day's quota is spent)")
            }
            throw NetworkError.from(response, now: clock.now(), what: what)
        }
        return response
    }

    private func get(_ path: String, _ query: [(String, String)], what: String) async throws -> JSONNode {
        try await send(HTTPRequest("GET", url(path, query)), cost: Self.listCost, what: what).json()
    }

    /// Google's reason for an error: `error.errors[0].reason`.
    static func reason(_ response: HTTPResponse) -> String? {
        guard let node = try? JSONParser.parse(response.body), case .array(let errors)? = node["error"]?["errors"]?.value else { return nil }
        return errors.first?["reason"]?.string
    }

    // MARK: Quota

    private var quotaKey: String { account.name + ".quota." + Self.quotaDay(clock.now()) }

    private func spend(_ units: Int) {
        memory.keep(String((Int(memory.value(for: quotaKey) ?? "0") ?? 0) + units), for: quotaKey)
    }

    /// What is left of today's quota, as a rate limit the account's state keeps.
    private var quota: RateLimit {
        let used = Int(memory.value(for: quotaKey) ?? "0") ?? 0
        return RateLimit(remaining: max(0, Self.dailyQuota - used), limit: Self.dailyQuota, resetAt: Self.quotaDayEnd(after: clock.now()))
    }

    private static let pacific = TimeZone(identifier: "America/Los_Angeles") ?? TimeZone(secondsFromGMT: -8 * 3600)!

    static func quotaDay(_ now: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = pacific
        let day = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(now) / 1000))
        return "\(day.year ?? 0)-\(day.month ?? 0)-\(day.day ?? 0)"
    }

    /// Midnight Pacific after `now`, when the quota starts again.
    static func quotaDayEnd(after now: Int64) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = pacific
        let date = Date(timeIntervalSince1970: Double(now) / 1000)
        let next = calendar.nextDate(after: date, matching: DateComponents(hour: 0, minute: 0, second: 0), matchingPolicy: .nextTime) ?? date.addingTimeInterval(86_400)
        return Int64(next.timeIntervalSince1970 * 1000)
    }

    /// The channel's id: the config's `id`, else asked once a run.
    private func channel() async throws -> String {
        if let id = account.accountID ?? memory.value(for: account.name) { return id }
        let answer = try await get("channels", [("part", "snippet"), ("mine", "true")], what: "our channel")
        guard case .array(let items)? = answer["items"]?.value, let id = items.first?["id"]?.string else {
            throw NetworkError.refused("our channel: the signed-in account has no YouTube channel")
        }
        memory.keep(id, for: account.name)
        return id
    }

    // MARK: Listening

    func listen(since mark: ListenMark, known: @Sendable (String, String) -> Bool) async throws -> ListenedPage {
        let cursor = PagedCursor(mark.cursor)
        var query = [("part", "snippet,replies"), ("allThreadsRelatedToChannelId", try await channel()), ("maxResults", String(Self.pageSize)),
                     ("order", "time"), ("textFormat", "plainText")]
        if let token = cursor.next { query.append(("pageToken", token)) }
        let document = try await get("commentThreads", query, what: "comment threads")
        var page = ListenedPage(mark: mark)
        let since = cursor.since.flatMap { Int64($0) }
        var all = ListenedPage(mark: mark)
        all.add(YouTubeFormat().records(in: document, context: FormatContext(config: Config())))
        page.rejected = all.rejected
        page.mentions = all.mentions.filter { since == nil || $0.createdAt > since! }
        let newest = ([cursor.newest.flatMap { Int64($0) }] + all.mentions.map(\.createdAt)).compactMap { $0 }.max()
        // Newest first: a page that reaches back to what was stored is the last one needed.
        let reachedStored = since.map { since in all.mentions.contains { $0.inReplyTo == nil && $0.createdAt <= since } } ?? true
        if let since, !reachedStored, let next = document["nextPageToken"]?.string {
            page.mark.cursor = PagedCursor(since: String(since), next: next, newest: newest.map(String.init)).text
            page.more = true
        } else {
            page.mark.cursor = (newest ?? since).map(String.init)
        }
        page.rateLimit = quota
        return page
    }

    // MARK: Older threads

    /// A thread that has fallen off the first pages is not brought back by a new reply: those we
    /// answered lately are read again every quarter of an hour, ten at most (a unit each, 960 a
    /// day at most).
    var followEvery: Int64 { 15 * 60_000 }
    var threadsFollowed: Int { 10 }

    func follow(_ threads: [String], known: @Sendable (String, String) -> Bool) async throws -> [IncomingMention] {
        // Answers come first: with less than a tenth of the day's quota left, the threads wait.
        guard (quota.remaining ?? 0) > Self.dailyQuota / 10 else { return [] }
        var heard: [IncomingMention] = []
        for thread in threads {
            let replies = try await get("comments", [("part", "snippet"), ("parentId", thread), ("maxResults", "100"), ("textFormat", "plainText")],
                                        what: "the replies in \(thread)")
            heard += unheard(in: replies, as: YouTubeFormat(), known: known)
        }
        return heard
    }

    // MARK: Answering

    func send(_ post: OutgoingPost) async throws -> String {
        guard let target = post.replyTo else { throw NetworkError.refused("posting: heed answers on YouTube only as a reply to a comment") }
        let snippet: [(String, JSONValue)] = [("parentId", .string(target.threadID ?? target.sourceID)), ("textOriginal", .string(post.text))]
        let body = [("snippet", JSONValue.object(snippet.map { JSONMember(key: $0.0, value: JSONNode($0.1)) }))]
        let response = try await send(HTTPRequest.json("POST", url("comments", [("part", "snippet")]), body), cost: Self.insertCost, what: "posting")
        guard let id = try response.json()["id"]?.string else { throw NetworkError.unexpected("posting: the answer has no id") }
        return id
    }

    /// The thread's replies: is one of ours the reply, with this text?
    func find(_ post: OutgoingPost) async throws -> PostSearch {
        guard let target = post.replyTo else { return .notSent }
        let replies = try await get("comments", [("part", "snippet"), ("parentId", target.threadID ?? target.sourceID), ("maxResults", "100"),
                                                 ("textFormat", "plainText")], what: "the thread's replies")
        guard case .array(let items)? = replies["items"]?.value else { return .cannotTell("the thread's replies are not a list") }
        let ours = try await channel()
        for item in items {
            let snippet = item["snippet"]
            guard snippet?["authorChannelId"]?["value"]?.string == ours,
                  let text = snippet?["textOriginal"]?.string ?? snippet?["textDisplay"]?.string,
                  post.isSaid(in: text), let id = item["id"]?.string else { continue }
            return .sent(id)
        }
        return replies["nextPageToken"] == nil ? .notSent : .cannotTell("the thread has more than 100 replies")
    }

    func check() async throws -> String {
        let answer = try await get("channels", [("part", "snippet"), ("mine", "true")], what: "checking the sign-in")
        guard case .array(let items)? = answer["items"]?.value, let item = items.first, let id = item["id"]?.string else {
            throw NetworkError.refused("checking the sign-in: the signed-in account has no YouTube channel")
        }
        memory.keep(id, for: account.name)
        return "signed in as \(item["snippet"]?["title"]?.string ?? "?") on YouTube (channel \(id))"
    }
}
