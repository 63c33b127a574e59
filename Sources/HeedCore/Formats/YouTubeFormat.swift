/// YouTube Data API v3 `commentThreads.list` (and `comments.list`) responses.
struct YouTubeFormat: MentionFormat {
    let name = "youtube"
    let summary = "YouTube Data API commentThreads (and comments) JSON: top-level comments and replies"

    func recognises(_ document: JSONNode) -> Bool {
        ["youtube#commentThreadListResponse", "youtube#commentListResponse"].contains(document["kind"]?.string ?? "")
    }

    func records(in document: JSONNode, context: FormatContext) -> [FormatRecord] {
        guard case .array(let items)? = document["items"]?.value else { return [] }
        var records: [FormatRecord] = []
        for (index, item) in items.enumerated() {
            let path = "items[\(index)]"
            if item["kind"]?.string == "youtube#comment" {
                records.append(FormatRecord.from(item, path: path) { try mention(item, path: path, videoID: nil) })
                continue
            }
            let videoID = item["snippet"]?["videoId"]?.string
            if let top = item["snippet"]?["topLevelComment"] {
                let topPath = path + ".snippet.topLevelComment"
                records.append(FormatRecord.from(top, path: topPath) { try mention(top, path: topPath, videoID: videoID) })
            } else {
                records.append(.rejected(Rejection(line: item.line, field: path + ".snippet.topLevelComment", reason: "missing (request part=snippet)"), record: item))
            }
            if case .array(let replies)? = item["replies"]?["comments"]?.value {
                for (replyIndex, reply) in replies.enumerated() {
                    let replyPath = "\(path).replies.comments[\(replyIndex)]"
                    records.append(FormatRecord.from(reply, path: replyPath) { try mention(reply, path: replyPath, videoID: videoID) })
                }
            }
        }
        return records
    }

    private func mention(_ node: JSONNode, path: String, videoID: String?) throws -> IncomingMention {
        let comment = RecordReader(node: node, path: path)
        let id = try comment.requiredString("id")
        guard let snippet = try comment.object("snippet") else { throw FieldError(field: comment.field("snippet"), reason: "missing") }
        let display = try snippet.requiredString("authorDisplayName")
        let channelID = try snippet.object("authorChannelId")?.string("value")
        let video = try snippet.string("videoId") ?? videoID
        let parent = try snippet.string("parentId")
        let text: String
        if let original = try snippet.string("textOriginal") { text = original } else { text = HTMLText.plain(try snippet.requiredString("textDisplay")) }
        return IncomingMention(
            channel: "youtube", sourceID: id, text: text,
            createdAt: try snippet.time("publishedAt") ?? { throw FieldError(field: snippet.field("publishedAt"), reason: "missing") }(),
            author: IncomingAuthor(id: channelID ?? display, handle: display.hasPrefix("@") ? String(display.dropFirst()) : display, name: display),
            url: video.map { "https://www.youtube.com/watch?v=\($0)&lc=\(id)" },
            inReplyTo: parent, threadID: parent ?? id,
            metrics: Metrics(likes: try snippet.count("likeCount") ?? 0))
    }
}
