/// Discourse forum API: `/posts.json` (`latest_posts`) and a topic (`post_stream.posts`).
///
/// A post is named `topic/number` (`57/3`), because replies name their parent by its number in
/// the topic (`reply_to_post_number`), not by its id.
struct DiscourseFormat: MentionFormat {
    let name = "discourse"
    let summary = "Discourse API JSON: /posts.json (latest_posts) and topics (post_stream.posts)"

    func recognises(_ document: JSONNode) -> Bool {
        document["latest_posts"] != nil || document["post_stream"]?["posts"] != nil
    }

    func records(in document: JSONNode, context: FormatContext) -> [FormatRecord] {
        let (key, list): (String, JSONNode?) = document["latest_posts"] != nil
            ? ("latest_posts", document["latest_posts"]) : ("post_stream.posts", document["post_stream"]?["posts"])
        guard case .array(let posts)? = list?.value else {
            return [.rejected(Rejection(line: document.line, field: key, reason: "expected an array of posts"), record: nil)]
        }
        return posts.enumerated().map { index, post in
            let path = "\(key)[\(index)]"
            return FormatRecord.from(post, path: path) { try mention(post, path: path, topicID: document["id"]) }
        }
    }

    private func mention(_ node: JSONNode, path: String, topicID: JSONNode?) throws -> IncomingMention {
        let post = RecordReader(node: node, path: path)
        // A topic's posts may leave out topic_id: the topic's own id stands in.
        let topicFromDocument = topicID.flatMap { node -> String? in
            if case .number(let raw) = node.value { return raw }
            return node.string
        }
        guard let topic = try post.identifier("topic_id") ?? topicFromDocument else {
            throw FieldError(field: post.field("topic_id"), reason: "missing")
        }
        guard let number = try post.identifier("post_number") else { throw FieldError(field: post.field("post_number"), reason: "missing") }
        // `raw` is the author's own text; `cooked` the HTML made from it.
        let text: String
        if let raw = try post.string("raw") { text = raw } else { text = HTMLText.plain(try post.requiredString("cooked")) }
        let username = try post.requiredString("username")
        let reply = try post.identifier("reply_to_post_number")
        return IncomingMention(
            channel: "forum", sourceID: "\(topic)/\(number)", text: text,
            createdAt: try post.time("created_at") ?? { throw FieldError(field: post.field("created_at"), reason: "missing") }(),
            author: IncomingAuthor(id: try post.identifier("user_id") ?? username, handle: username,
                                   name: try post.string("name").flatMap { $0.isEmpty ? nil : $0 }),
            inReplyTo: reply.map { "\(topic)/\($0)" }, threadID: "\(topic)/1",
            metrics: Metrics(replies: try post.count("reply_count") ?? 0))
    }
}
