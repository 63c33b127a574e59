import Foundation
import HeedCore
import LocalHTTPServer

/// A network played by a local server for `heed-bench connectors`: what it holds, how
/// it answers heed's listening (paging and limits as the real API does), and the same items as
/// the files `heed ingest` reads.
class PlayedNetwork: @unchecked Sendable {
    let lock = NSLock()
    /// What the network holds, oldest first.
    var items: [IncomingMention] = []
    /// As in the config and the output.
    let name: String, title: String
    /// Items a page, as the network pages them.
    let pageSize: Int

    init(name: String, title: String, pageSize: Int) {
        (self.name, self.title, self.pageSize) = (name, title, pageSize)
    }

    /// The demo's `index`th mention as this network would hand it over and heed store it.
    func shaped(_ mention: IncomingMention, index: Int) -> IncomingMention { mention }

    func add(_ mention: IncomingMention) { lock.withLock { items.append(mention) } }

    /// What the network holds before heed listens.
    func hold(_ backlog: [IncomingMention]) { items = backlog }

    /// A cursor older than everything the network holds: `heed run` resuming after a long stop.
    var oldCursor: String { "0" }

    func respond(_ request: LocalServer.Request) -> LocalServer.Response { .json(#"{"error": "not found"}"#, status: 404) }

    /// Some of the network's items as one file `heed ingest` reads.
    func file(_ page: [IncomingMention]) -> String { "" }

    /// The `number`th account's config entry, without its `url`.
    func account(_ number: Int) -> String { "" }

    func secrets(_ number: Int) -> [String: String] { ["HEED_SECRET_\(name.uppercased())_\(number)": "t"] }

    /// How many items are at or before `key` (items hold ascending keys): a page is found in the
    /// time of the page, so that the server's own work does not weigh on what is measured.
    func count(through key: Int, _ keyOf: (IncomingMention) -> Int) -> Int {
        var (low, high) = (0, items.count)
        while low < high {
            let middle = (low + high) / 2
            if keyOf(items[middle]) <= key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    static func played(_ name: String) -> PlayedNetwork? {
        switch name {
        case "mastodon": PlayedMastodon()
        case "x": PlayedX()
        case "reddit": PlayedReddit()
        case "youtube": PlayedYouTube()
        case "facebook": PlayedFacebook()
        default: nil
        }
    }

    static func quote(_ text: String) -> String {
        var out = ""
        JSONWriter.quote(text, into: &out)
        return out
    }

    /// A second apart and in the order made, so that a network paging by time pages as by id.
    static func inOrder(_ mention: IncomingMention, index: Int) -> IncomingMention {
        var m = mention
        m.createdAt = benchNow - 86_400_000 + Int64(index) * 1000
        return m
    }
}

/// A Mastodon instance: mention notifications, ids ascending from 1, 40 a page, paged forward
/// with `min_id`; and the streaming API, which sends each new one as it comes.
final class PlayedMastodon: PlayedNetwork, @unchecked Sendable {
    let stream = ResponseStream()
    /// Whether new notifications are sent into the stream too (once heed listens to it).
    var streaming = false

    init() { super.init(name: "mastodon", title: "Mastodon", pageSize: 40) }

    /// The notification of the demo's `index`th mention (its status id is 100000 + index).
    private static func notification(_ m: IncomingMention) -> String {
        let status = String(FormatWriters.mastodonPage([m]).dropFirst().dropLast())
        return #"{"id": "\#(Int(m.sourceID)! - 99_999)", "type": "mention", "created_at": "\#(RFC3339.string(fromMilliseconds: m.createdAt))", "#
            + #""status": \#(status), "account": {"id": \#(quote(m.author.id)), "acct": \#(quote(m.author.handle))}}"#
    }

    override func add(_ mention: IncomingMention) {
        super.add(mention)
        if streaming { stream.send("event: notification\ndata: \(Self.notification(mention))\n\n") }
    }

    override func respond(_ request: LocalServer.Request) -> LocalServer.Response {
        if request.path == "/api/v1/streaming/user/notification" { return .events(stream, first: ":)\n") }
        guard request.path == "/api/v1/notifications" else { return .json("[]") }
        let page: [IncomingMention] = lock.withLock {
            let start = request.query("min_id").flatMap { Int($0) } ?? max(0, items.count - pageSize)
            return Array(items.dropFirst(start).prefix(pageSize))
        }
        return .json(file(Array(page.reversed())))
    }

    override func file(_ page: [IncomingMention]) -> String { "[" + page.map(Self.notification).joined(separator: ",") + "]" }

    override func account(_ number: Int) -> String { #"{"name": "mastodon-\#(number)", "handle": "help\#(number)""# }
}

/// X API v2: mentions newest first, 100 a page, `since_id` and `pagination_token`.
final class PlayedX: PlayedNetwork, @unchecked Sendable {
    init() { super.init(name: "x", title: "X", pageSize: 100) }

    override func respond(_ request: LocalServer.Request) -> LocalServer.Response {
        switch request.path {
        case "/2/users/me": return .json(#"{"data": {"id": "1", "name": "Northwind Help", "username": "NorthwindHelp"}}"#)
        case "/2/users/1/mentions":
            let since = request.query("since_id").flatMap { Int($0) }, offset = request.query("pagination_token").flatMap { Int($0) } ?? 0
            return .json(lock.withLock { page(since: since, offset: offset) },
                         headers: [("x-rate-limit-limit", "450"), ("x-rate-limit-remaining", "449"), ("x-rate-limit-reset", "4102444800")])
        default: return super.respond(request)
        }
    }

    /// The newest 100 after `since`, skipping `offset` (the pagination token).
    private func page(since: Int?, offset: Int) -> String {
        let newer = items[(since.map { count(through: $0) { Int($0.sourceID)! } } ?? 0)...].reversed()
        let page = Array(newer.dropFirst(offset).prefix(pageSize))
        var meta = "\"result_count\":\(page.count)"
        if let newest = page.first { meta += ",\"newest_id\":\"\(newest.sourceID)\",\"oldest_id\":\"\(page.last!.sourceID)\"" }
        if since != nil, offset + pageSize < newer.count { meta += ",\"next_token\":\"\(offset + pageSize)\"" }
        guard !page.isEmpty else { return "{\"meta\":{\(meta)}}" }
        return FormatWriters.xPage(page).replacingOccurrences(of: "\"meta\":{\"result_count\":\(page.count)}", with: "\"meta\":{\(meta)}")
    }

    override func file(_ page: [IncomingMention]) -> String { FormatWriters.xPage(page) }

    override func account(_ number: Int) -> String {
        #"{"name": "x-\#(number)", "handle": "NorthwindHelp", "client_id": "bench", "id": "1""#
    }
}

/// Reddit's inbox: comment replies and username mentions, newest first, 100 a page; `before` a
/// fullname gives the 100 just newer than it.
final class PlayedReddit: PlayedNetwork, @unchecked Sendable {
    init() { super.init(name: "reddit", title: "Reddit", pageSize: 100) }

    override func shaped(_ mention: IncomingMention, index: Int) -> IncomingMention {
        var m = mention
        m.sourceID = "t1_" + mention.sourceID
        return m
    }

    override var oldCursor: String { "t1_0" }

    private static func number(_ fullname: String) -> Int { Int(fullname.dropFirst(3)) ?? 0 }

    override func respond(_ request: LocalServer.Request) -> LocalServer.Response {
        guard request.path == "/message/inbox" else { return super.respond(request) }
        let page: [IncomingMention] = lock.withLock {
            guard let before = request.query("before").map(Self.number) else { return Array(items.suffix(pageSize).reversed()) }
            return Array(items[count(through: before) { Self.number($0.sourceID) }...].prefix(pageSize).reversed())
        }
        return .json(file(page), headers: [("x-ratelimit-remaining", "599.0"), ("x-ratelimit-used", "1"), ("x-ratelimit-reset", "300")])
    }

    override func file(_ page: [IncomingMention]) -> String {
        let children = page.map { m in
            let id = String(m.sourceID.dropFirst(3))
            return #"{"kind": "t1", "data": {"name": \#(Self.quote(m.sourceID)), "id": "\#(id)", "body": \#(Self.quote(m.text)), "#
                + #""author": \#(Self.quote(m.author.handle)), "author_fullname": \#(Self.quote("t2_" + m.author.id)), "#
                + #""created_utc": \#(Double(m.createdAt) / 1000), "parent_id": "t3_p\#(id)", "link_id": "t3_p\#(id)", "subreddit": "northwind", "#
                + #""context": "/r/northwind/comments/p\#(id)/_/\#(id)/?context=3", "type": "username_mention", "was_comment": true, "#
                + #""score": \#(m.metrics.likes), "new": true}}"#
        }
        return #"{"kind": "Listing", "data": {"after": null, "before": null, "children": [\#(children.joined(separator: ","))]}}"#
    }

    override func account(_ number: Int) -> String {
        #"{"name": "reddit-\#(number)", "handle": "NorthwindHelp", "client_id": "bench""#
    }
}

/// YouTube's comment threads on the channel's videos, newest first, 100 a page, `pageToken`.
final class PlayedYouTube: PlayedNetwork, @unchecked Sendable {
    init() { super.init(name: "youtube", title: "YouTube", pageSize: 100) }

    override func shaped(_ mention: IncomingMention, index: Int) -> IncomingMention { Self.inOrder(mention, index: index) }

    override func respond(_ request: LocalServer.Request) -> LocalServer.Response {
        guard request.path == "/youtube/v3/commentThreads" else { return super.respond(request) }
        let offset = request.query("pageToken").flatMap { Int($0) } ?? 0
        let (page, more): ([IncomingMention], Bool) = lock.withLock {
            (Array(items.reversed().dropFirst(offset).prefix(pageSize)), offset + pageSize < items.count)
        }
        var document = file(page)
        if more { document = String(document.dropLast()) + #", "nextPageToken": "\#(offset + pageSize)"}"# }
        return .json(document)
    }

    override func file(_ page: [IncomingMention]) -> String {
        let threads = page.map { m in
            let comment = #"{"kind": "youtube#comment", "id": \#(Self.quote(m.sourceID)), "snippet": {"videoId": "bench", "#
                + #""textDisplay": \#(Self.quote(m.text)), "textOriginal": \#(Self.quote(m.text)), "authorDisplayName": \#(Self.quote("@" + m.author.handle)), "#
                + #""authorChannelId": {"value": \#(Self.quote("UC" + m.author.id))}, "likeCount": \#(m.metrics.likes), "#
                + #""publishedAt": "\#(RFC3339.string(fromMilliseconds: m.createdAt))", "updatedAt": "\#(RFC3339.string(fromMilliseconds: m.createdAt))"}}"#
            return #"{"kind": "youtube#commentThread", "id": \#(Self.quote(m.sourceID)), "snippet": {"channelId": "UCbench", "videoId": "bench", "#
                + #""topLevelComment": \#(comment), "canReply": true, "totalReplyCount": 0, "isPublic": true}}"#
        }
        return #"{"kind": "youtube#commentThreadListResponse", "pageInfo": {"totalResults": \#(page.count), "resultsPerPage": \#(pageSize)}, "#
            + #""items": [\#(threads.joined(separator: ","))]}"#
    }

    override func account(_ number: Int) -> String {
        #"{"name": "youtube-\#(number)", "handle": "NorthwindHelp", "client_id": "bench", "id": "UCbench""#
    }

    override func secrets(_ number: Int) -> [String: String] {
        super.secrets(number).merging(["HEED_SECRET_YOUTUBE_\(number)_CLIENT_SECRET": "s"]) { $1 }
    }
}

/// A Facebook Page: its latest 25 posts, the comments under each in either order, `limit` a
/// page, `since` (seconds) and the `after` cursor.
final class PlayedFacebook: PlayedNetwork, @unchecked Sendable {
    static let posts = 25

    /// Each post's comments, oldest first.
    private var byPost: [String: [IncomingMention]] = [:]

    init() { super.init(name: "facebook", title: "Facebook", pageSize: 100) }

    override func hold(_ backlog: [IncomingMention]) {
        super.hold(backlog)
        byPost = Dictionary(grouping: backlog, by: Self.post(of:))
    }

    override func add(_ mention: IncomingMention) {
        lock.withLock {
            items.append(mention)
            byPost[Self.post(of: mention), default: []].append(mention)
        }
    }

    /// Comments go round the posts; a comment's id is `{post}_{comment}`.
    override func shaped(_ mention: IncomingMention, index: Int) -> IncomingMention {
        var m = Self.inOrder(mention, index: index)
        m.sourceID = "\(index % Self.posts + 1)_" + mention.sourceID
        return m
    }

    private static func post(of comment: IncomingMention) -> String { "p1_" + comment.sourceID.split(separator: "_")[0] }

    private static func time(_ milliseconds: Int64) -> String {
        String(RFC3339.string(fromMilliseconds: milliseconds / 1000 * 1000).prefix(19)) + "+0000"
    }

    override func respond(_ request: LocalServer.Request) -> LocalServer.Response {
        let usage = [("x-page-usage", #"{"call_count": 1, "total_cputime": 1, "total_time": 1}"#)]
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count == 3 else { return super.respond(request) }
        if parts[1] == "p1", parts[2] == "feed" {
            let posts: [String] = lock.withLock {
                (1...Self.posts).map { number in
                    let newest = byPost["p1_\(number)"]?.last?.createdAt ?? benchNow - 86_400_000
                    return #"{"id": "p1_\#(number)", "from": {"id": "p1", "name": "Northwind"}, "message": "News \#(number)", "#
                        + #""created_time": "\#(Self.time(benchNow - 86_400_000))", "updated_time": "\#(Self.time(newest))"}"#
                }
            }
            return .json(#"{"data": [\#(posts.joined(separator: ","))]}"#, headers: usage)
        }
        guard parts[2] == "comments" else { return super.respond(request) }
        let since = request.query("since").flatMap { Int64($0) }.map { $0 * 1000 } ?? Int64.min
        let offset = request.query("after").flatMap { Int($0) } ?? 0, limit = request.query("limit").flatMap { Int($0) } ?? 25
        let (page, more): ([IncomingMention], Bool) = lock.withLock {
            let under = (byPost[parts[1]] ?? []).filter { $0.createdAt / 1000 * 1000 >= since }
            let ordered = request.query("order") == "chronological" ? under : under.reversed()
            return (Array(ordered.dropFirst(offset).prefix(limit)), offset + limit < ordered.count)
        }
        var document = file(page)
        if more {
            document = String(document.dropLast())
                + #", "paging": {"cursors": {"after": "\#(offset + limit)"}, "next": "https://graph.facebook.com/next"}}"#
        }
        return .json(document, headers: usage)
    }

    override func file(_ page: [IncomingMention]) -> String {
        let comments = page.map { m in
            #"{"id": \#(Self.quote(m.sourceID)), "from": {"id": \#(Self.quote(m.author.id)), "name": \#(Self.quote(m.author.name ?? m.author.handle))}, "#
                + #""message": \#(Self.quote(m.text)), "created_time": "\#(Self.time(m.createdAt))", "like_count": \#(m.metrics.likes), "comment_count": 0}"#
        }
        return #"{"data": [\#(comments.joined(separator: ","))]}"#
    }

    override func account(_ number: Int) -> String {
        #"{"name": "facebook-\#(number)", "handle": "Northwind", "client_id": "bench", "id": "p1""#
    }

    override func secrets(_ number: Int) -> [String: String] {
        super.secrets(number).merging(["HEED_SECRET_FACEBOOK_\(number)_CLIENT_SECRET": "s"]) { $1 }
    }
}
