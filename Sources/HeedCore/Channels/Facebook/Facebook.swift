import Foundation

/// A Facebook Page through the Graph API, signed in with Facebook Login (`heed account login`)
/// and answering as the page with the page's own token: visitors' posts on the page and the
/// comments under its latest posts (`/{page}/feed`, then `/{post}/comments?filter=stream` since
/// the newest stored), replies as comments (`POST /{object}/comments`), an interrupted reply
/// looked for among the object's comments. Every call carries `appsecret_proof`, the token
/// signed with the app's secret; what is left of the hour's allowance (`X-Page-Usage`) is kept
/// as the account's rate limit.
struct Facebook: ThreadFollower, Poster, AccountChecker {
    let account: ConnectedAccount
    let session: OAuthSession
    let http: any HTTPClient
    let clock: any Clock
    let memory: AccountMemory
    static let version = "v21.0"
    /// The page's latest posts whose comments are read.
    static let postsWatched = 25
    /// Comments read in one call before it stops and the round goes on at the next.
    static let budget = 1_000
    /// A first poll's comments under each post, the latest.
    static let firstComments = 25
    static let commentFields = "id,from,message,created_time,parent{id},like_count,comment_count,permalink_url"

    private var base: URL { account.url ?? URL(string: "https://graph.facebook.com")! }

    private func url(_ path: String, _ query: [(String, String)], proof: String) -> URL {
        var components = URLComponents(url: base.appendingPathComponent(Self.version + "/" + path), resolvingAgainstBaseURL: false)!
        components.percentEncodedQuery = OAuthApp.form(query + [("appsecret_proof", proof)])
        return components.url!
    }

    /// `HMAC-SHA256(app secret, access token)` as hex.
    static func proof(token: Secret, secret: Secret) -> String {
        HMAC.sha256(key: Array(secret.reveal().utf8), message: Array(token.reveal().utf8)).hex
    }

    /// A Graph API call; its errors sorted by their code (the Graph API answers 400 for most).
    private func call(_ method: String, _ path: String, _ query: [(String, String)] = [], form: [(String, String)]? = nil,
                      what: String) async throws -> JSONNode {
        guard let secret = session.app.clientSecret else { throw NetworkError.unauthorized("the app's secret is missing") }
        let response = try await session.send({ token in
            var request = HTTPRequest(method, url(path, query, proof: Self.proof(token: token, secret: secret)))
            if let form {
                request.headers.append(("Content-Type", "application/x-www-form-urlencoded"))
                request.body = Data(OAuthApp.form(form).utf8)
            }
            return request
        }, what: what, accepting: [200, 400, 403, 500])
        if let used = Self.usage(response) { memory.keep(String(used), for: account.name + ".usage") }
        guard response.status == 200 else { throw Self.error(response, now: clock.now(), what: what, account: account.name) }
        return try response.json()
    }

    /// How much of its hourly allowance the page (or the app) has used, in percent: the largest
    /// of `call_count`, `total_cputime` and `total_time` in `X-Page-Usage` (else `X-App-Usage`).
    static func usage(_ response: HTTPResponse) -> Int? {
        guard let header = response.header("x-page-usage") ?? response.header("x-app-usage"),
              let node = try? JSONParser.parse(Data(header.utf8)), case .object(let members) = node.value else { return nil }
        return members.compactMap { $0.value.int }.max()
    }

    /// What is left of the allowance, as a rate limit the account's state keeps.
    private var allowance: RateLimit? {
        memory.value(for: account.name + ".usage").flatMap { Int($0) }.map { RateLimit(remaining: max(0, 100 - $0), limit: 100, resetAt: nil) }
    }

    /// The Graph API's error codes: 190 and 102 a token no longer good, 4, 17, 32 and 613 a limit
    /// reached (an hour's window), 10 and 200–299 a permission missing.
    static func error(_ response: HTTPResponse, now: Int64, what: String, account: String) -> NetworkError {
        let node = try? JSONParser.parse(response.body)
        let code = node?["error"]?["code"]?.int
        let said = node?["error"]?["message"]?.string.map { String($0.prefix(200)) } ?? "HTTP \(response.status)"
        switch code {
        case 190, 102: return .unauthorized("sign in again — `heed account login \(account)` (\(what): \(said))")
        case 4, 17, 32, 613: return .rateLimited(until: now + 3_600_000, "\(what): \(said)")
        case .some(10), .some(200...299): return .unauthorized("\(what): \(said)")
        case 1, 2: return .temporary("\(what): \(said)")
        default: return response.status >= 500 ? .temporary("\(what): \(said)") : .refused("\(what): \(said)")
        }
    }

    /// The page's id: the config's `id`, else the page the token is for.
    private func page() async throws -> String {
        if let id = account.accountID ?? memory.value(for: account.name) { return id }
        guard let id = try await call("GET", "me", [("fields", "id,name")], what: "our page")["id"]?.string else {
            throw NetworkError.unexpected("our page: the answer has no id")
        }
        memory.keep(id, for: account.name)
        return id
    }

    // MARK: Listening

    /// One round: every post on the feed updated since the cursor, every comment under it since
    /// then, oldest first, page after page (`after` the last page's cursor), so that a post that
    /// drew hundreds of comments between two polls loses none. A round that has read `budget`
    /// comments stops there and says so (`more`): its cursor keeps the round's `since`, the post
    /// and page it stopped at and the newest read, and the next call goes on from there while
    /// what was read is stored.
    func listen(since mark: ListenMark, known: @Sendable (String, String) -> Bool) async throws -> ListenedPage {
        let round = PagedCursor(mark.cursor)
        let since = round.since.flatMap { Int64($0) }
        let resume = round.next.map { $0.split(separator: "~", maxSplits: 1).map(String.init) }.flatMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
        let pageID = try await page()
        let feed = try await call("GET", pageID + "/feed", [("fields", "id,message,from,created_time,updated_time,permalink_url"),
                                                            ("limit", String(Self.postsWatched))], what: "the page's feed")
        guard case .array(let posts)? = feed["data"]?.value else { throw NetworkError.unexpected("the page's feed: no data") }
        var page = ListenedPage(mark: mark)
        let newestBefore = [since, round.newest.flatMap { Int64($0) }].compactMap { $0 }.max()
        func ending(_ next: String?) -> ListenedPage {
            var ended = page
            let newest = ([newestBefore] + page.mentions.map { $0.createdAt / 1000 }).compactMap { $0 }.max()
            ended.mark.cursor = next.map { PagedCursor(since: round.since, next: $0, newest: newest.map(String.init)).text } ?? newest.map(String.init)
            ended.more = next != nil
            ended.rateLimit = allowance
            return ended
        }
        if resume == nil {
            // Visitors' posts on the page are mentions themselves; the page's own posts are where comments come.
            var visitors = posts.filter { $0["from"]?["id"]?.string != pageID && $0["message"] != nil }
            if let since { visitors = visitors.filter { Self.seconds($0["created_time"]?.string) > since } }
            page.add(FacebookFormat().records(in: JSONNode(.object([JSONMember(key: "data", value: JSONNode(.array(visitors)))])),
                                              context: FormatContext(config: Config())))
        }
        // A round goes on at the post it stopped in; one that has left the feed's latest since, and
        // the round starts over (what is read twice is stored once).
        var skipping = resume.map { stopped in posts.contains { $0["id"]?.string == stopped.0 } } ?? false
        for post in posts {
            guard let id = post["id"]?.string else { continue }
            if skipping { if id == resume?.0 { skipping = false } else { continue } }
            guard since == nil || Self.seconds(post["updated_time"]?.string) > since! else { continue }
            // The first time, each post's latest comments only; after that all since the cursor.
            var query = [("fields", Self.commentFields), ("filter", "stream")]
            query += since.map { [("order", "chronological"), ("since", String($0)), ("limit", "100")] }
                ?? [("order", "reverse_chronological"), ("limit", String(Self.firstComments))]
            var after = resume?.0 == id ? resume?.1 : nil
            repeat {
                let comments = try await call("GET", id + "/comments", query + (after.map { [("after", $0)] } ?? []), what: "the comments of \(id)")
                // Our own answers are heard as ours; the rest are the customers'.
                page.add(FacebookFormat().records(in: comments, context: FormatContext(config: Config())))
                after = Self.after(comments)
                if since != nil, let after, page.mentions.count >= Self.budget { return ending(id + "~" + after) }
            } while since != nil && after != nil
        }
        return ending(nil)
    }

    /// The cursor of the page after `page`, while there is one.
    static func after(_ page: JSONNode) -> String? {
        page["paging"]?["next"] == nil ? nil : page["paging"]?["cursors"]?["after"]?.string
    }

    static func seconds(_ time: String?) -> Int64 {
        time.flatMap { RFC3339.milliseconds(from: FacebookFormat.withColonOffset($0)) }.map { $0 / 1000 } ?? 0
    }

    // MARK: Older threads

    /// Comments under posts older than the latest 25 are not read by the poll. Every quarter of
    /// an hour the comments we answered lately (and visitors' posts) are read again, ten at most,
    /// and the page's posts of the last 30 days are looked over for any a comment came to since
    /// the last look (a post's `updated_time` moves with each comment).
    var followEvery: Int64 { 15 * 60_000 }
    var threadsFollowed: Int { 10 }
    /// How far back, in days and posts, older posts are looked over.
    static let olderPostsDays: Int64 = 30
    static let olderPostsAtMost = 400

    func follow(_ threads: [String], known: @Sendable (String, String) -> Bool) async throws -> [IncomingMention] {
        var heard: [IncomingMention] = []
        for thread in threads {
            let replies = try await call("GET", thread + "/comments", [("fields", Self.commentFields),
                                                                       ("filter", "stream"), ("order", "reverse_chronological"), ("limit", "100")],
                                         what: "the replies under \(thread)")
            heard += unheard(in: replies, as: FacebookFormat(), known: known)
        }
        return heard + (try await olderPosts(known: known))
    }

    /// The comments since the last look under the page's posts beyond the latest 25, back 30
    /// days (400 posts at most). The first look in a process goes back a day; what was heard
    /// before is known and left out.
    private func olderPosts(known: @Sendable (String, String) -> Bool) async throws -> [IncomingMention] {
        let now = clock.now() / 1000, key = account.name + ".older"
        // A minute's overlap: a comment the Graph API indexes late is still found.
        let since = memory.value(for: key).flatMap { Int64($0) }.map { $0 - 60 } ?? now - 86_400
        let cutoff = now - Self.olderPostsDays * 86_400
        let pageID = try await page()
        var heard: [IncomingMention] = [], seen = 0, after: String?
        walk: repeat {
            let feed = try await call("GET", pageID + "/feed", [("fields", "id,created_time,updated_time"), ("limit", "100")]
                                        + (after.map { [("after", $0)] } ?? []), what: "the page's older posts")
            guard case .array(let posts)? = feed["data"]?.value else { throw NetworkError.unexpected("the page's older posts: no data") }
            for post in posts {
                seen += 1
                guard seen > Self.postsWatched, let id = post["id"]?.string else { continue }
                let updated = Self.seconds(post["updated_time"]?.string)
                if Self.seconds(post["created_time"]?.string) < cutoff && updated <= since || seen > Self.olderPostsAtMost { break walk }
                guard updated > since else { continue }
                var next: String?
                repeat {
                    let comments = try await call("GET", id + "/comments", [("fields", Self.commentFields), ("filter", "stream"), ("order", "chronological"),
                                                                            ("since", String(since)), ("limit", "100")] + (next.map { [("after", $0)] } ?? []),
                                                  what: "the comments of \(id)")
                    heard += unheard(in: comments, as: FacebookFormat(), known: known)
                    next = Self.after(comments)
                } while next != nil
            }
            after = Self.after(feed)
        } while after != nil
        memory.keep(String(now), for: key)
        return heard
    }

    // MARK: Answering

    func send(_ post: OutgoingPost) async throws -> String {
        guard let target = post.replyTo else { throw NetworkError.refused("posting: heed answers on Facebook only as a comment") }
        guard let id = try await call("POST", target.sourceID + "/comments", form: [("message", post.text)], what: "posting")["id"]?.string else {
            throw NetworkError.unexpected("posting: the answer has no id")
        }
        return id
    }

    /// The comments under what was answered: is one of the page's the reply?
    func find(_ post: OutgoingPost) async throws -> PostSearch {
        guard let target = post.replyTo else { return .notSent }
        let comments = try await call("GET", target.sourceID + "/comments", [("fields", "id,from,message,created_time"), ("order", "reverse_chronological"),
                                                                           ("limit", "50")], what: "the comments answering it")
        guard case .array(let items)? = comments["data"]?.value else { return .cannotTell("the comments are not a list") }
        let pageID = try await page()
        for item in items where item["from"]?["id"]?.string == pageID {
            if let text = item["message"]?.string, post.isSaid(in: text), let id = item["id"]?.string { return .sent(id) }
        }
        return comments["paging"]?["next"] == nil ? .notSent : .cannotTell("more than 50 comments answer it")
    }

    func check() async throws -> String {
        let me = try await call("GET", "me", [("fields", "id,name")], what: "checking the sign-in")
        guard let id = me["id"]?.string else { throw NetworkError.unexpected("checking the sign-in: the answer has no id") }
        memory.keep(id, for: account.name)
        return "signed in as the page \(me["name"]?.string ?? "?") on Facebook (id \(id))"
    }
}

/// Facebook Login gives a person's token; heed answers as the page. After signing in, the
/// person's short-lived token is traded for a long-lived one, and that for the page's token
/// (one that does not run out while the person stays the page's admin).
enum FacebookPageToken {
    static func of(_ signedIn: OAuthTokens, account: ConnectedAccount, app: OAuthApp, http: any HTTPClient, clock: any Clock) async throws -> OAuthTokens {
        let exchange = try await http.send(app.tokenRequest([("grant_type", "fb_exchange_token"), ("fb_exchange_token", signedIn.access.reveal())]))
        guard exchange.status == 200 else { throw Facebook.error(exchange, now: clock.now(), what: "a long-lived token", account: account.name) }
        let person = try OAuthTokens.from(try exchange.json(), now: clock.now(), renewing: signedIn)
        guard let secret = app.clientSecret else { throw HeedError("\(account.name): the app's secret is missing", .config) }
        var components = URLComponents(url: (account.url ?? URL(string: "https://graph.facebook.com")!)
            .appendingPathComponent(Facebook.version + "/me/accounts"), resolvingAgainstBaseURL: false)!
        components.percentEncodedQuery = OAuthApp.form([("fields", "id,name,access_token"), ("limit", "100"),
                                                        ("appsecret_proof", Facebook.proof(token: person.access, secret: secret))])
        let pages = try await http.send(HTTPRequest("GET", components.url!, headers: [("Authorization", "Bearer " + person.access.reveal())]))
        guard pages.status == 200 else { throw Facebook.error(pages, now: clock.now(), what: "the pages you manage", account: account.name) }
        guard case .array(let list)? = try pages.json()["data"]?.value else { throw NetworkError.unexpected("the pages you manage: no data") }
        let wanted = list.first { $0["id"]?.string == account.accountID }
            ?? list.first { $0["name"]?.string?.caseInsensitiveCompare(account.handle) == .orderedSame }
        guard let page = wanted, let token = page["access_token"]?.string else {
            let names = list.compactMap { $0["name"]?.string }
            throw HeedError("\(account.name): the account signed in manages no page \"\(account.accountID ?? account.handle)\"; it manages: "
                + (names.isEmpty ? "none" : names.joined(separator: ", ")), .refused)
        }
        return OAuthTokens(access: Secret(token), scope: signedIn.scope)
    }
}
