import GRDB

/// Snoozed conversations come back to the queue when their time comes: whoever writes next
/// (`heed queue`, an action, a screen's periodic check) wakes them, each with its event.
public enum Snooze {
    public static let wakeOperator = "heed:snooze"

    /// Reopens the conversations snoozed until `now` or earlier; returns them.
    @discardableResult
    public static func wake(_ db: Database, now: Int64) throws -> [Int64] {
        let due = try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT id FROM conversation INDEXED BY conversation_snoozed WHERE status = 'snoozed' AND snoozed_until IS NOT NULL AND snoozed_until <= ?
            """), arguments: [now])
        for id in due {
            try db.execute(sql: """
                UPDATE conversation SET status = 'open', snoozed_until = NULL, snooze_until_reply = 0, version = version + 1, updated_at = ?
                WHERE id = ?
                """, arguments: [now, id])
            try EventLog.append(db, at: now, operator: wakeOperator, kind: "wake", conversation: id, subject: nil,
                                before: #"{"status":"snoozed"}"#, after: #"{"status":"open"}"#)
        }
        return due
    }
}
