import GRDB

/// Who the customer of a conversation is, as far as the cache knows: every handle of theirs,
/// tags and notes, and what happened the other times they wrote.
public struct ContactCard: Sendable, Equatable {
    public var contactID: Int64
    public var name: String?
    public var handles: [Handle]
    public var tags: [String]
    public var notes: [String]
    public var firstSeenAt: Int64
    /// Their other conversations, the latest begun first.
    public var previous: [PastConversation]
    /// Their messages' sentiment, oldest first (-1…1), for a line of small bars.
    public var sentiment: [SentimentPoint]

    public struct Handle: Sendable, Equatable {
        public var channel: String
        public var handle: String
        public var followers: Int
        public var verified: Bool
    }

    public struct PastConversation: Sendable, Equatable {
        public var id: Int64
        public var channel: String
        /// Its outcome: the status it ended in (or is in).
        public var status: ConversationStatus
        public var lastAt: Int64
        public var text: String
    }

    public struct SentimentPoint: Sendable, Equatable {
        public var at: Int64
        public var score: Double
    }

    /// The card of conversation `id`'s contact (its other conversations as previous ones);
    /// nil when the conversation has none.
    public static func fetch(_ db: Database, conversation id: Int64, previousLimit: Int = 8, sentimentLimit: Int = 60) throws -> ContactCard? {
        guard let contactID = try Int64.fetchOne(db, sql: "SELECT contact_id FROM conversation WHERE id = ?", arguments: [id]) else { return nil }
        return try fetch(db, contact: contactID, besides: id, previousLimit: previousLimit, sentimentLimit: sentimentLimit)
    }

    /// Contact `contactID`'s card, with their conversations but `besides` as previous ones.
    public static func fetch(_ db: Database, contact contactID: Int64, besides id: Int64 = 0, previousLimit: Int = 8,
                             sentimentLimit: Int = 60) throws -> ContactCard? {
        guard let contact = try Row.fetchOne(db, sql: "SELECT name, created_at FROM contact WHERE id = ?", arguments: [contactID]) else { return nil }
        let handleRows = try Row.fetchAll(db, sql: """
            SELECT channel, handle, followers, verified, first_seen_at FROM contact_handle
            WHERE contact_id = ? AND ours = 0 ORDER BY first_seen_at, id
            """, arguments: [contactID])
        let tags = try String.fetchAll(db, sql: """
            SELECT t.name FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id WHERE ct.contact_id = ? ORDER BY t.name
            """, arguments: [contactID])
        let notes = try String.fetchAll(db, sql: "SELECT text FROM note WHERE contact_id = ? ORDER BY created_at, id", arguments: [contactID])
        // Latest begun first, straight from the contact's index: a prolific customer has
        // hundreds of conversations, and only the few shown are joined to their text.
        let previous = try Row.fetchAll(db, sql: """
            SELECT c.id, c.channel, c.status, c.last_at, coalesce(m.text, '') AS text
            FROM (SELECT * FROM conversation WHERE contact_id = ? AND id <> ? ORDER BY first_at DESC LIMIT ?) c
            LEFT JOIN mention m ON m.id = coalesce(c.latest_customer_mention_id, c.latest_mention_id)
            ORDER BY c.first_at DESC
            """, arguments: [contactID, id, previousLimit]).map { row in
            PastConversation(id: row["id"], channel: row["channel"], status: ConversationStatus(rawValue: row["status"]) ?? .open,
                             lastAt: row["last_at"], text: row["text"])
        }
        // Their latest messages, shown oldest first, from their latest conversations.
        let sentiment = try Row.fetchAll(db, sql: """
            SELECT m.created_at, m.sentiment
            FROM (SELECT id, contact_id FROM conversation WHERE contact_id = ? ORDER BY first_at DESC LIMIT ?) c
            JOIN mention m ON m.conversation_id = c.id
            JOIN contact_handle h ON h.id = m.handle_id AND h.contact_id = c.contact_id
            WHERE m.ours = 0 AND m.sentiment IS NOT NULL ORDER BY m.created_at DESC LIMIT ?
            """, arguments: [contactID, sentimentLimit, sentimentLimit]).map { SentimentPoint(at: $0["created_at"], score: $0["sentiment"]) }.reversed()
        let firstSeen = handleRows.map { $0["first_seen_at"] as Int64 }.min() ?? contact["created_at"]
        return ContactCard(contactID: contactID, name: contact["name"],
                           handles: handleRows.map { Handle(channel: $0["channel"], handle: $0["handle"], followers: $0["followers"], verified: $0["verified"]) },
                           tags: tags, notes: notes, firstSeenAt: firstSeen, previous: previous, sentiment: Array(sentiment))
    }
}
