import Foundation
import HeedCore

/// The benchmark's mentions written in the channels' own formats, so that importing them can be
/// compared with importing the same mentions in heed's format.
enum FormatWriters {
    static let supported = ["mastodon", "x", "feed"]

    /// The channel a format's mentions are stored under.
    static func channel(of format: String) -> String {
        switch format {
        case "feed": "blog"
        default: format
        }
    }

    private static func q(_ text: String) -> String {
        var out = ""
        JSONWriter.quote(text, into: &out)
        return out
    }

    private static func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\n", with: "<br />")
    }

    /// One page (a JSON document on one line) of Mastodon statuses.
    static func mastodonPage(_ page: [IncomingMention]) -> String {
        "[" + page.map { m in
            let account = "{\"id\":\(q(m.author.id)),\"username\":\(q(m.author.handle)),\"acct\":\(q(m.author.handle + "@mastodon.example")),"
                + "\"display_name\":\(q(m.author.name ?? "")),\"url\":\(q("https://mastodon.example/@" + m.author.handle)),"
                + "\"followers_count\":\(m.author.followers),\"bot\":false}"
            return "{\"id\":\(q(m.sourceID)),\"created_at\":\"\(RFC3339.string(fromMilliseconds: m.createdAt))\","
                + "\"in_reply_to_id\":\(m.inReplyTo.map(q) ?? "null"),\"sensitive\":false,\"spoiler_text\":\"\",\"visibility\":\"public\","
                + "\"language\":\(m.lang.map(q) ?? "null"),\"uri\":\(q("https://mastodon.example/users/x/statuses/" + m.sourceID)),"
                + "\"url\":\(q("https://mastodon.example/@x/" + m.sourceID)),\"replies_count\":\(m.metrics.replies),"
                + "\"reblogs_count\":\(m.metrics.reposts),\"favourites_count\":\(m.metrics.likes),"
                + "\"content\":\(q("<p>" + html(m.text) + "</p>")),\"reblog\":null,\"account\":\(account),"
                + "\"media_attachments\":[],\"mentions\":[],\"tags\":[],\"emojis\":[]}"
        }.joined(separator: ",") + "]"
    }

    /// One page of an X API v2 search response, as twarc writes them a line each.
    static func xPage(_ page: [IncomingMention]) -> String {
        var users: [String: IncomingAuthor] = [:]
        for m in page { users[m.author.id] = m.author }
        let data = page.map { m in
            "{\"id\":\(q(m.sourceID)),\"text\":\(q(m.text)),\"author_id\":\(q(m.author.id)),"
                + "\"created_at\":\"\(RFC3339.string(fromMilliseconds: m.createdAt))\","
                + "\"conversation_id\":\(q(m.threadID ?? m.sourceID)),\"lang\":\(q(m.lang ?? "en")),"
                + (m.inReplyTo.map { "\"referenced_tweets\":[{\"type\":\"replied_to\",\"id\":\(q($0))}]," } ?? "")
                + "\"public_metrics\":{\"retweet_count\":\(m.metrics.reposts),\"reply_count\":\(m.metrics.replies),"
                + "\"like_count\":\(m.metrics.likes),\"quote_count\":0},\"edit_history_tweet_ids\":[\(q(m.sourceID))]}"
        }.joined(separator: ",")
        let includes = users.values.sorted { $0.id < $1.id }.map { u in
            "{\"id\":\(q(u.id)),\"username\":\(q(u.handle)),\"name\":\(q(u.name ?? u.handle)),\"verified\":\(u.verified),"
                + "\"public_metrics\":{\"followers_count\":\(u.followers),\"following_count\":0,\"tweet_count\":0,\"listed_count\":0}}"
        }.joined(separator: ",")
        return "{\"data\":[\(data)],\"includes\":{\"users\":[\(includes)]},\"meta\":{\"result_count\":\(page.count)}}"
    }

    /// One RSS 2.0 comment feed.
    static func feed(_ page: [IncomingMention]) -> String {
        func x(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let items = page.map { m in
            "<item><title>By: \(x(m.author.name ?? m.author.handle))</title><link>https://blog.example/p/1#c-\(x(m.sourceID))</link>"
                + "<dc:creator><![CDATA[\(m.author.handle)]]></dc:creator><pubDate>\(rfc822(m.createdAt))</pubDate>"
                + "<guid isPermaLink=\"false\">\(x(m.sourceID))</guid><description>\(x(m.text))</description></item>"
        }.joined(separator: "\n")
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
            + "<channel><title>Comments</title>\n\(items)\n</channel></rss>\n"
    }

    static func rfc822(_ ms: Int64) -> String {
        let iso = RFC3339.string(fromMilliseconds: ms / 1000 * 1000)
        let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = iso.split(whereSeparator: { "-T:Z".contains($0) })
        let weekday = days[Int((ms / 86_400_000) % 7)]
        return "\(weekday), \(parts[2]) \(months[Int(parts[1])! - 1]) \(parts[0]) \(parts[3]):\(parts[4]):\(parts[5]) +0000"
    }
}
