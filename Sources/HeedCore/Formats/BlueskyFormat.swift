/// Bluesky (AT Protocol) responses: `app.bsky.notification.listNotifications` (the mentions,
/// replies and quotes among its notifications) and `app.bsky.feed.getPostThread`.
///
/// A post is named by its `at://` URI, which replies use for their parent and root.
struct BlueskyFormat: MentionFormat {
    let name = "bluesky"
    let summary = "Bluesky JSON: app.bsky.notification.listNotifications (mention, reply, quote), getPostThread"

    /// The notification reasons that carry a post addressed to us.
    static let postReasons: Set<String> = ["mention", "reply", "quote"]

    func recognises(_ document: JSONNode) -> Bool {
        if case .array(let items)? = document["notifications"]?.value {
            return items.first.map { $0["reason"] != nil && $0["uri"] != nil } ?? true
        }
        return document["thread"]?["post"]?["uri"] != nil
    }

    func records(in document: JSONNode, context: FormatContext) -> [FormatRecord] {
        if case .array(let items)? = document["notifications"]?.value {
            return items.enumerated().compactMap { index, item in
                guard let reason = item["reason"]?.string, Self.postReasons.contains(reason) else { return nil }
                let path = "notifications[\(index)]"
                return FormatRecord.from(item, path: path) { try mention(item, path: path, metricsFrom: nil) }
            }
        }
        var records: [FormatRecord] = []
        if let thread = document["thread"] { walk(thread, path: "thread", into: &records) }
        return records
    }

    /// A thread view: the post, its parents above and its replies below.
    private func walk(_ view: JSONNode, path: String, into records: inout [FormatRecord]) {
        if let parent = view["parent"], parent["post"] != nil { walk(parent, path: path + ".parent", into: &records) }
        if let post = view["post"] {
            records.append(FormatRecord.from(post, path: path + ".post") { try mention(post, path: path + ".post", metricsFrom: post) })
        }
        if case .array(let replies)? = view["replies"]?.value {
            for (index, reply) in replies.enumerated() { walk(reply, path: "\(path).replies[\(index)]", into: &records) }
        }
    }

    /// A notification or a post view: both have `uri`, `author` and the post `record`.
    private func mention(_ node: JSONNode, path: String, metricsFrom post: JSONNode?) throws -> IncomingMention {
        let view = RecordReader(node: node, path: path)
        let uri = try view.requiredString("uri")
        guard let author = try view.object("author") else { throw FieldError(field: view.field("author"), reason: "missing") }
        guard let record = try view.object("record") else { throw FieldError(field: view.field("record"), reason: "missing") }
        let handle = try author.requiredString("handle")
        let reply = try record.object("reply")
        let metrics = post.map { RecordReader(node: $0, path: path) }
        return IncomingMention(
            channel: "bluesky", sourceID: uri, text: try record.requiredString("text"),
            createdAt: try record.time("createdAt") ?? view.time("indexedAt") ?? { throw FieldError(field: record.field("createdAt"), reason: "missing") }(),
            author: IncomingAuthor(id: try author.requiredString("did"), handle: handle,
                                   name: try author.string("displayName").flatMap { $0.isEmpty ? nil : $0 },
                                   followers: try author.count("followersCount") ?? 0),
            url: Self.webURL(uri: uri, handle: handle),
            inReplyTo: try reply?.object("parent")?.string("uri"), threadID: try reply?.object("root")?.string("uri"),
            lang: try record.array("langs")?.first?.string,
            metrics: Metrics(likes: try metrics?.count("likeCount") ?? 0, reposts: try metrics?.count("repostCount") ?? 0,
                             replies: try metrics?.count("replyCount") ?? 0))
    }

    /// `at://did/app.bsky.feed.post/rkey` → `https://bsky.app/profile/handle/post/rkey`.
    static func webURL(uri: String, handle: String) -> String? {
        let parts = uri.split(separator: "/")
        guard uri.hasPrefix("at://"), parts.count == 4, parts[2] == "app.bsky.feed.post" else { return nil }
        return "https://bsky.app/profile/\(handle)/post/\(parts[3])"
    }
}
