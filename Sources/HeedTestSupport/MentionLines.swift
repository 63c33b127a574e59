import HeedCore

/// Builds lines of heed's JSON Lines format for tests, with sensible defaults.
public enum MentionLines {
    public static func line(channel: String = "x", id: String, text: String = "hello", at: String = "2026-11-23T09:00:00Z",
                            author: String = "u1", handle: String? = nil, followers: Int = 10, inReplyTo: String? = nil,
                            conversation: String? = nil, likes: Int = 0, lang: String? = nil) -> String {
        let m = IncomingMention(channel: channel, sourceID: id, text: text, createdAt: RFC3339.milliseconds(from: at)!,
                                author: IncomingAuthor(id: author, handle: handle ?? author, followers: followers),
                                inReplyTo: inReplyTo, threadID: conversation, lang: lang, metrics: Metrics(likes: likes))
        return HeedJSONLines.encode(m)
    }
}
