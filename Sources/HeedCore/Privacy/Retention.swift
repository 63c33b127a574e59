import Dispatch
import Foundation
import GRDB

/// The config's `retention`: how long a resolved (or spam) conversation's text is kept after its
/// last message, per channel. Past it, `Retention.enforce` removes the text and the personal
/// fields, keeping the numbers reports need.
public struct RetentionPolicy: Sendable, Equatable {
    /// Days for every channel the config does not name; nil: those are kept.
    public var days: Int?
    public var channels: [String: Int] = [:]

    public init(days: Int? = nil, channels: [String: Int] = [:]) {
        (self.days, self.channels) = (days, channels)
    }

    /// The time before which a conversation's text on `channel` goes; nil when it is kept.
    func cutoff(channel: String, now: Int64) -> Int64? {
        (channels[channel] ?? days).map { now - Int64($0) * 86_400_000 }
    }
}

/// Removes the text of conversations past their retention, in transactions of a few dozen
/// conversations so that operators' actions never wait long behind it. Each transaction is a
/// redaction (`Redaction`) that logs itself (`retention`, with how many entries it redacted).
public enum Retention {
    /// Conversations a transaction handles: small enough that an operator's action waits for
    /// at most one of them.
    static let batchSize = 50

    public struct Report: Sendable, Equatable {
        public var conversations = 0
        public var mentions = 0
        public var eventsRedacted = 0
        /// Customers with nothing left within retention: their names and handles removed too.
        public var contacts = 0
        /// Pages given back to the disk afterwards.
        public var pagesFreed = 0
    }

    /// One pass: every conversation past its channel's retention whose text is still there.
    /// `shouldStop` is asked between transactions.
    public static func enforce(_ database: AppDatabase, policy: RetentionPolicy, now: Int64, by actor: String = "heed:retention",
                               shouldStop: () -> Bool = { false }) throws -> Report {
        let due = try database.read { db in try dueConversations(db, policy: policy, now: now) }
        var report = Report()
        // Operators' actions queue on this lock rather than poll SQLite's: a batch takes its turn
        // among them, and rests as long as it took before the next, so they always get theirs.
        let turns = ActionLock(cache: database.path)
        for start in stride(from: 0, to: due.count, by: batchSize) {
            if shouldStop() { break }
            let batch = Array(due[start..<min(start + batchSize, due.count)])
            let began = DispatchTime.now()
            let step = {
                try Redaction.run(database, why: "retention", thorough: false) { db in try remove(db, conversations: batch, now: now, by: actor) }
            }
            let done = try turns.map { try $0.holding(step) } ?? step()
            usleep(useconds_t(min(50_000, (DispatchTime.now().uptimeNanoseconds - began.uptimeNanoseconds) / 1000)))
            report.conversations += done.conversations
            report.mentions += done.mentions
            report.eventsRedacted += done.eventsRedacted
            report.contacts += done.contacts
        }
        if report.conversations > 0 { report.pagesFreed = try database.shrink() }
        return report
    }

    static func dueConversations(_ db: Database, policy: RetentionPolicy, now: Int64) throws -> [Int64] {
        var due: [Int64] = []
        let channels = try String.fetchAll(db, sql: "SELECT DISTINCT channel FROM conversation")
        for channel in channels {
            guard let cutoff = policy.cutoff(channel: channel, now: now) else { continue }
            due += try Int64.fetchAll(db, sql: """
                SELECT id FROM conversation c
                WHERE status IN ('resolved', 'spam') AND channel = ? AND last_at < ?
                  AND NOT EXISTS (SELECT 1 FROM text_removed t WHERE t.conversation_id = c.id)
                ORDER BY last_at
                """, arguments: [channel, cutoff])
        }
        return due
    }

    private static func remove(_ db: Database, conversations ids: [Int64], now: Int64, by actor: String) throws -> Report {
        let tombstone = Redaction.tombstone("removed by retention", at: now)
        let list = "(" + ids.map(String.init).joined(separator: ",") + ")"
        var report = Report(conversations: ids.count)
        try db.execute(sql: "UPDATE mention SET text = ?, url = NULL, extra = NULL, text_hash = NULL WHERE conversation_id IN \(list) AND text <> ?",
                       arguments: [tombstone, tombstone])
        report.mentions = db.changesCount
        try db.execute(sql: "UPDATE outbox SET text = ?, last_error = NULL WHERE conversation_id IN \(list) AND state IN ('sent', 'cancelled', 'failed')",
                       arguments: [tombstone])
        report.eventsRedacted = try Redaction.eraseConversations(db, list: list, tombstone: tombstone)
        try db.execute(sql: "INSERT INTO text_removed (conversation_id, removed_at) SELECT id, ? FROM conversation WHERE id IN \(list)", arguments: [now])

        // A customer with nothing left within retention — no conversation of theirs, no message
        // in anyone's — keeps no name or handle either.
        let gone = try Int64.fetchAll(db, sql: """
            SELECT DISTINCT c.contact_id FROM conversation c WHERE c.id IN \(list) AND c.contact_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM conversation o WHERE o.contact_id = c.contact_id
                              AND NOT EXISTS (SELECT 1 FROM text_removed t WHERE t.conversation_id = o.id))
              AND NOT EXISTS (SELECT 1 FROM mention m JOIN contact_handle h ON h.id = m.handle_id
                              WHERE h.contact_id = c.contact_id
                                AND NOT EXISTS (SELECT 1 FROM text_removed t WHERE t.conversation_id = m.conversation_id))
            """)
        report.eventsRedacted += try Redaction.anonymiseContacts(db, gone, tombstone: tombstone)
        report.contacts = gone.count
        try EventLog.append(db, at: now, by: actor, kind: .retention, after: JSONWriter.object([
            ("conversations", .number(String(report.conversations))), ("mentions", .number(String(report.mentions))),
            ("events_redacted", .number(String(report.eventsRedacted))), ("contacts", .number(String(report.contacts))),
        ]))
        return report
    }
}
