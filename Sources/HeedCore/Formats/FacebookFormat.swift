/// Facebook Graph API comments (`GET /{object-id}/comments`): `data[]` of comments.
struct FacebookFormat: MentionFormat {
    let name = "facebook"
    let summary = "Facebook Graph API comments JSON: data[] with from, message, created_time, parent"

    func recognises(_ document: JSONNode) -> Bool {
        guard case .array(let items)? = document["data"]?.value, let first = items.first else { return false }
        return first["message"] != nil && first["created_time"] != nil
    }

    func records(in document: JSONNode, context: FormatContext) -> [FormatRecord] {
        guard case .array(let items)? = document["data"]?.value else { return [] }
        return items.enumerated().map { index, item in
            let path = "data[\(index)]"
            return FormatRecord.from(item, path: path) { try mention(item, path: path) }
        }
    }

    private func mention(_ node: JSONNode, path: String) throws -> IncomingMention {
        let comment = RecordReader(node: node, path: path)
        let id = try comment.requiredString("id")
        // The Graph API hides `from` for people who have not granted the app access: such a
        // comment is kept, from an author known only by this comment.
        let from = try comment.object("from")
        let author = IncomingAuthor(id: try from?.string("id") ?? "anonymous:\(id)", handle: try from?.string("name") ?? "(hidden)",
                                    name: try from?.string("name"))
        let created = try comment.requiredString("created_time")
        guard let createdAt = RFC3339.milliseconds(from: Self.withColonOffset(created)) else {
            throw FieldError(field: comment.field("created_time"), reason: "\"\(DisplayText(untrusted: String(created.prefix(40))))\" is not a time like 2026-11-23T09:41:07+0000")
        }
        return IncomingMention(
            channel: "facebook", sourceID: id, text: try comment.string("message") ?? "", createdAt: createdAt, author: author,
            url: try comment.string("permalink_url"), inReplyTo: try comment.object("parent")?.string("id"),
            metrics: Metrics(likes: try comment.count("like_count") ?? 0, replies: try comment.count("comment_count") ?? 0),
            // Each comment thread is its own conversation; the post they sit under is kept for context
            // (a comment's id is `{post id}_{comment id}`).
            extra: id.split(separator: "_").count == 2 ? JSONWriter.object([("post_id", String(id.split(separator: "_")[0]))]) : nil)
    }

    /// The Graph API writes offsets as `+0000`; RFC 3339 wants `+00:00`.
    static func withColonOffset(_ time: String) -> String {
        guard time.count >= 5 else { return time }
        let tail = time.suffix(5)
        guard let sign = tail.first, sign == "+" || sign == "-", tail.dropFirst().allSatisfy(\.isNumber) else { return time }
        return time.dropLast(2) + ":" + time.suffix(2)
    }
}
