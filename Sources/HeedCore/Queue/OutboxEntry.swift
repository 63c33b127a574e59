import GRDB

/// One post in the outbox, as the Outbox view lists it.
public struct OutboxEntry: Sendable, Equatable, Codable {
    public var id: Int64
    public var kind: String
    public var conversationID: Int64?
    public var channel: String
    public var account: String?
    public var operatorHandle: String
    public var text: String
    public var state: String
    public var sendAfter: Int64
    public var attempts: Int
    public var lastError: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, conversationID = "conversation", channel, account, operatorHandle = "operator", text, state
        case sendAfter = "send_after", attempts, lastError = "last_error"
    }

    /// Posts still to go or gone wrong first (by when they go), then the rest, latest first.
    public static func list(_ db: Database, limit: Int) throws -> [OutboxEntry] {
        try Row.fetchAll(db, sql: """
            SELECT id, kind, conversation_id, channel, account, operator, text, state, send_after, attempts, last_error FROM outbox
            ORDER BY state IN ('sent', 'cancelled'), CASE WHEN state IN ('sent', 'cancelled') THEN -send_after ELSE send_after END, id
            LIMIT ?
            """, arguments: [limit]).map { row in
            OutboxEntry(id: row["id"], kind: row["kind"], conversationID: row["conversation_id"], channel: row["channel"],
                        account: row["account"], operatorHandle: row["operator"], text: row["text"], state: row["state"],
                        sendAfter: row["send_after"], attempts: row["attempts"], lastError: row["last_error"])
        }
    }

    /// Posts not yet sent or given up on: the Outbox view's count.
    public static func countPending(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE state NOT IN ('sent', 'cancelled')") ?? 0
    }
}
