import GRDB

/// Who has which conversation open on their screen right now.
public enum Viewing {
    /// A screen renews its row every `renewMilliseconds`; one older than this has gone.
    public static let expiryMilliseconds: Int64 = 90_000
    public static let renewMilliseconds: Int64 = 30_000

    /// This screen (`process`) of `operatorHandle` shows `conversation`, or nothing (nil).
    public static func set(_ db: Database, operator operatorHandle: String, process: String, conversation: Int64?, now: Int64) throws {
        guard let conversation else {
            try db.execute(sql: "DELETE FROM viewing WHERE operator = ? AND process = ?", arguments: [operatorHandle, process])
            return
        }
        try db.execute(sql: """
            INSERT INTO viewing (operator, process, conversation_id, seen_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (operator, process) DO UPDATE SET conversation_id = excluded.conversation_id, seen_at = excluded.seen_at
            """, arguments: [operatorHandle, process, conversation, now])
    }

    /// The operators viewing each conversation, but `me`, by name; the table holds one row per
    /// open screen, so it is read whole.
    public static func viewers(_ db: Database, now: Int64, except me: String?) throws -> [Int64: [String]] {
        var viewers: [Int64: [String]] = [:]
        let rows = try Row.fetchAll(db, sql: """
            SELECT DISTINCT conversation_id, operator FROM viewing WHERE seen_at > ? AND operator IS NOT ?
            ORDER BY conversation_id, operator
            """, arguments: [now - expiryMilliseconds, me])
        for row in rows { viewers[row["conversation_id"], default: []].append(row["operator"]) }
        return viewers
    }
}
