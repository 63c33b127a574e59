import Foundation

/// A comment feed (RSS 2.0, Atom, WordPress's) by its address: asked with `If-None-Match` and
/// `If-Modified-Since`, so an unchanged feed answers 304 and costs nothing; its items read by
/// the feed format. Listen-only: nobody answers a feed.
struct FeedListener: Listener, AccountChecker {
    let account: ConnectedAccount
    let http: any HTTPClient
    let clock: any Clock

    func listen(since mark: ListenMark, known: @Sendable (String, String) -> Bool) async throws -> ListenedPage {
        guard let url = account.url else { throw NetworkError.refused("the feed has no address") }
        var headers = [("Accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.1")]
        if let etag = mark.etag { headers.append(("If-None-Match", etag)) }
        if let modified = mark.lastModified { headers.append(("If-Modified-Since", modified)) }
        let response = try await http.send(HTTPRequest("GET", url, headers: headers))
        var page = ListenedPage(mark: mark)
        if response.status == 304 { return page }
        guard response.status == 200 else { throw NetworkError.from(response, now: clock.now(), what: "the feed") }
        page.mark.etag = response.header("etag")
        page.mark.lastModified = response.header("last-modified")
        var records: [FormatRecord] = []
        FeedFormat().records(in: Array(response.body), context: FormatContext(config: Config())) { record in
            records.append(record)
            return true
        }
        page.add(records.map { record in
            // The feed's channel is the account's (a forum's feed is forum, not blog).
            guard case .mention(var mention) = record else { return record }
            mention.channel = account.channel
            return .mention(mention)
        })
        return page
    }

    func check() async throws -> String {
        let page = try await listen(since: ListenMark(), known: { _, _ in false })
        return "the feed answers: \(page.mentions.count) item\(page.mentions.count == 1 ? "" : "s")"
            + (page.rejected.isEmpty ? "" : ", \(page.rejected.count) unreadable (\(page.rejected[0].reason))")
    }
}
