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

    /// Conversation `id`'s posts that are not in its thread yet — waiting out the undo window,
    /// queued, on their way, failed, or left for checking — oldest first, shown in the thread with their state.
    public static func unsent(_ db: Database, conversation id: Int64) throws -> [OutboxEntry] {
        try Row.fetchAll(db, sql: """
            SELECT id, kind, conversation_id, channel, account, operator, text, state, send_after, attempts, last_error FROM outbox
            WHERE conversation_id = ? AND state NOT IN ('sent', 'cancelled') ORDER BY id
            """, arguments: [id]).map { row in
            OutboxEntry(id: row["id"], kind: row["kind"], conversationID: row["conversation_id"], channel: row["channel"],
                        account: row["account"], operatorHandle: row["operator"], text: row["text"], state: row["state"],
                        sendAfter: row["send_after"], attempts: row["attempts"], lastError: row["last_error"])
        }
    }

    /// Where the post stands, for people: "goes in 8s (u takes it back)", "failed: HTTP 422 (…)".
    public func stateLine(now: Int64, delivering: Bool) -> String {
        switch state {
        case "queued" where sendAfter > now: "goes in \(Age.short(milliseconds: sendAfter - now)) unless taken back"
        case "queued" where !delivering: "queued — not sending: no `heed run` for this cache"
        case "queued": attempts > 0 ? "queued, to try again" + (lastError.map { " (\($0))" } ?? "") : "queued, going now"
        case "sending": "sending"
        case "failed": "failed: " + (lastError ?? "no reason given")
        case "checking": "to check: " + (lastError ?? "it may have gone; look on the channel, then retry or cancel it")
        default: state
        }
    }

    /// Posts not yet sent or given up on: the Outbox view's count.
    public static func countPending(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE state NOT IN ('sent', 'cancelled')") ?? 0
    }
}
