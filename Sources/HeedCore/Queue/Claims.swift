import GRDB

/// Claims: an operator's lease on a conversation, `viewing` it (their screen shows it, renewed
/// while it does, so that one that died stops counting by itself) or `replying` to it (see
/// `ActionService.claimReply`). Others see them as marks on the conversation.
public enum Claims {
    public static let viewingLeaseMilliseconds: Int64 = 90_000
    public static let viewingRenewMilliseconds: Int64 = 30_000

    /// `operatorHandle`'s screen shows `conversation` (nil: none), having shown `previous`.
    /// A stronger claim (replying) on the same conversation is left as it is.
    public static func setViewing(_ db: Database, operator operatorHandle: String, conversation: Int64?, previous: Int64?, now: Int64) throws {
        if let previous, previous != conversation {
            try db.execute(sql: "DELETE FROM claim WHERE conversation_id = ? AND operator = ? AND kind = 'viewing'",
                           arguments: [previous, operatorHandle])
        }
        guard let conversation else { return }
        try db.execute(sql: """
            INSERT INTO claim (conversation_id, operator, kind, version_seen, claimed_at, expires_at)
            SELECT id, ?, 'viewing', version, ?, ? FROM conversation WHERE id = ?
            ON CONFLICT (conversation_id, operator) DO UPDATE SET expires_at = excluded.expires_at WHERE claim.kind = 'viewing'
            """, arguments: [operatorHandle, now, now + viewingLeaseMilliseconds, conversation])
    }

    /// Who holds a claim on each conversation: viewing it, or writing a reply to it, by name.
    public struct Holders: Sendable, Equatable {
        public var viewing: [Int64: [String]] = [:]
        public var replying: [Int64: [String]] = [:]

        public init(viewing: [Int64: [String]] = [:], replying: [Int64: [String]] = [:]) {
            self.viewing = viewing
            self.replying = replying
        }
    }

    /// The live claims of everyone but `me`.
    public static func holders(_ db: Database, now: Int64, except me: String?) throws -> Holders {
        var holders = Holders()
        let rows = try Row.fetchAll(db, sql: """
            SELECT conversation_id, operator, kind FROM claim WHERE expires_at > ? AND operator IS NOT ? ORDER BY conversation_id, operator
            """, arguments: [now, me])
        for row in rows {
            if row["kind"] as String == "replying" {
                holders.replying[row["conversation_id"], default: []].append(row["operator"])
            } else {
                holders.viewing[row["conversation_id"], default: []].append(row["operator"])
            }
        }
        return holders
    }
}

extension AppDatabase {
    /// Tells the other screens that `handle`'s shows `conversation` (nil: none) instead of
    /// `previous`. Unless `waiting`, without waiting for the write lock: an import may hold it
    /// for a moment and the screen must not freeze; a write that fails is renewed later.
    public func showViewing(operator handle: String, conversation: Int64?, previous: Int64?, now: Int64, waiting: Bool = false) throws {
        guard waiting else {
            writeInBackground { db in try Claims.setViewing(db, operator: handle, conversation: conversation, previous: previous, now: now) }
            return
        }
        try write { db in try Claims.setViewing(db, operator: handle, conversation: conversation, previous: previous, now: now) }
    }

    /// Brings back the conversations whose snooze ran out, without waiting (as `showViewing`).
    public func wakeSnoozedInBackground(now: Int64) {
        writeInBackground { db in try Snooze.wake(db, now: now) }
    }
}
