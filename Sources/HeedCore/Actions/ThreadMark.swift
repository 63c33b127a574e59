import GRDB

/// How far a thread had got when an operator began a reply: its latest message and our latest
/// post. A reply sent later stops if the thread has grown since — a new message from the
/// customer, or a reply someone else queued — and says what came (`ActionService.reply`).
public struct ThreadMark: Sendable, Equatable {
    public var conversationID: Int64
    public var latestMentionID: Int64
    public var latestPostID: Int64

    public init(conversationID: Int64, latestMentionID: Int64, latestPostID: Int64) {
        (self.conversationID, self.latestMentionID, self.latestPostID) = (conversationID, latestMentionID, latestPostID)
    }

    public static func fetch(_ db: Database, conversation id: Int64) throws -> ThreadMark {
        let row = try Row.fetchOne(db, sql: """
            SELECT (SELECT coalesce(max(id), 0) FROM mention WHERE conversation_id = ?) AS mention,
                   (SELECT coalesce(max(id), 0) FROM outbox WHERE conversation_id = ?) AS post
            """, arguments: [id, id])
        return ThreadMark(conversationID: id, latestMentionID: row?["mention"] ?? 0, latestPostID: row?["post"] ?? 0)
    }

    /// What came into the thread after this mark, one phrase each, for people; others' posts
    /// only (`actor`'s own show in their outbox). Public text is sanitised and cut short.
    func changes(_ db: Database, now: Int64, except actor: String) throws -> [String] {
        let mentions = try Row.fetchAll(db, sql: """
            SELECT m.ours, m.text, m.created_at, h.handle FROM mention m JOIN contact_handle h ON h.id = m.handle_id
            WHERE m.conversation_id = ? AND m.id > ? ORDER BY m.id
            """, arguments: [conversationID, latestMentionID]).map { row -> String in
            let who: String = row["handle"]
            let ours: Bool = row["ours"]
            return "\(ours ? "we (@\(who))" : "@\(who)") wrote \(Age.short(milliseconds: now - row["created_at"])) ago: \(Self.quote(row["text"]))"
        }
        let posts = try Row.fetchAll(db, sql: """
            SELECT operator, text, created_at FROM outbox
            WHERE conversation_id = ? AND id > ? AND kind = 'reply' AND state <> 'cancelled' AND operator <> ? ORDER BY id
            """, arguments: [conversationID, latestPostID, actor]).map { row -> String in
            let who: String = row["operator"]
            return "\(who) queued a reply \(Age.short(milliseconds: now - row["created_at"])) ago: \(Self.quote(row["text"]))"
        }
        return mentions + posts
    }

    private static func quote(_ text: String) -> String {
        let line = DisplayText(untrusted: text.split(whereSeparator: \.isNewline).joined(separator: " ")).string
        return "\"" + (line.count > 60 ? line.prefix(59) + "…" : line) + "\""
    }
}
