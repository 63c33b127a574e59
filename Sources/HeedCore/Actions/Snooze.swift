import GRDB

/// Snoozed conversations come back to the queue when their time comes: whoever writes next
/// (`heed queue`, an action, a screen's periodic check) wakes them, each with its event.
public enum Snooze {
    /// Reopens the conversations snoozed until `now` or earlier; returns them.
    @discardableResult
    static func wake(_ db: Database, now: Int64) throws -> [Int64] {
        let due = try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT id FROM conversation INDEXED BY conversation_snoozed WHERE status = 'snoozed' AND snoozed_until IS NOT NULL AND snoozed_until <= ?
            """), arguments: [now])
        for id in due {
            _ = try ConversationChange.fields(db, conversation: id, by: EventLog.snoozeOperator, kind: .wake, now: now) { fields in
                (fields.status, fields.snoozedUntil, fields.snoozeUntilReply) = (.open, nil, false)
            }
        }
        return due
    }
}
