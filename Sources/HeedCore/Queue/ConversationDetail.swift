import GRDB

/// A whole conversation: its summary row and every mention in order, ours marked.
public struct ConversationDetail: Sendable, Equatable, Codable {
    public var summary: QueueRow
    public var mentions: [MentionView]
    public var notes: [Note]
    public var escalations: [Escalation] = []
    /// Our posts not in the thread yet, with their state.
    public var unsent: [OutboxEntry] = []

    /// An internal note: never sent, seen by the team only.
    public struct Note: Sendable, Equatable, Codable {
        public var operatorHandle: String
        public var text: String
        public var createdAt: Int64

        public init(operatorHandle: String, text: String, createdAt: Int64) {
            (self.operatorHandle, self.text, self.createdAt) = (operatorHandle, text, createdAt)
        }

        enum CodingKeys: String, CodingKey { case operatorHandle = "operator", text, createdAt = "created_at" }
    }

    public struct MentionView: Sendable, Equatable, Codable {
        public var id: Int64
        public var sourceID: String
        public var channel: String
        public var ours: Bool
        public var authorHandle: String
        public var authorName: String?
        public var followers: Int
        public var text: String
        public var createdAt: Int64
        public var url: String?
        public var inReplyTo: String?
        public var lang: String?
        public var likes: Int
        public var reposts: Int
        public var replies: Int

        enum CodingKeys: String, CodingKey {
            case id, sourceID = "source_id", channel, ours, authorHandle = "author", authorName = "author_name", followers
            case text, createdAt = "created_at", url, inReplyTo = "in_reply_to", lang, likes, reposts, replies
        }
    }

    public static func fetch(_ db: Database, id: Int64) throws -> ConversationDetail? {
        guard let summary = try Queue.row(db, conversation: id) else { return nil }
        let mentions = try Row.fetchAll(db, sql: """
            SELECT m.id, m.source_id, m.channel, m.ours, m.text, m.created_at, m.url, m.in_reply_to, m.lang,
                   m.likes, m.reposts, m.replies, h.handle, h.name, h.followers
            FROM mention m JOIN contact_handle h ON h.id = m.handle_id
            WHERE m.conversation_id = ? ORDER BY m.created_at, m.id
            """, arguments: [id]).map { row in
            MentionView(id: row["id"], sourceID: row["source_id"], channel: row["channel"], ours: row["ours"],
                        authorHandle: row["handle"], authorName: row["name"], followers: row["followers"],
                        text: row["text"], createdAt: row["created_at"], url: row["url"], inReplyTo: row["in_reply_to"],
                        lang: row["lang"], likes: row["likes"], reposts: row["reposts"], replies: row["replies"])
        }
        let notes = try Row.fetchAll(db, sql: "SELECT operator, text, created_at FROM note WHERE conversation_id = ? ORDER BY created_at, id",
                                     arguments: [id]).map { Note(operatorHandle: $0["operator"], text: $0["text"], createdAt: $0["created_at"]) }
        return ConversationDetail(summary: summary, mentions: mentions, notes: notes, escalations: try Escalation.of(db, conversation: id),
                                  unsent: try OutboxEntry.unsent(db, conversation: id))
    }
}
