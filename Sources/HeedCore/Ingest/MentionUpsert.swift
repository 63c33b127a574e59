import GRDB

/// Stores incoming mentions inside one write transaction: upsert by (channel, source id),
/// authors as contact handles, threading into conversations, and the conversations' summary
/// columns refreshed once per batch.
///
/// Keep one instance per ingest run: it caches contact handles across batches (bounded), which
/// is most of what makes a million-line import fast.
final class MentionUpsert {
    enum Outcome { case new, updated, unchanged }

    private let config: Config
    private let now: Int64
    private var handles: [HandleKey: CachedHandle] = [:]
    private static let handleCacheLimit = 200_000

    /// Conversations changed in the current batch, and whether a customer message arrived in each.
    private var touched: [Int64: Bool] = [:]
    /// Conversations the batch created: their first status is not a change worth logging.
    private var created: Set<Int64> = []

    private struct HandleKey: Hashable {
        var channel: String
        var sourceID: String
    }

    private struct CachedHandle {
        var id: Int64
        var handle: String
        var name: String?
        var followers: Int
        var verified: Bool
        var ours: Bool
    }

    init(config: Config, now: Int64) {
        self.config = config
        self.now = now
    }

    func store(_ m: IncomingMention, in db: Database) throws -> Outcome {
        let handle = try upsertHandle(m, in: db)
        if let existing = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, conversation_id, text, url, lang, likes, reposts, replies, extra
            FROM mention WHERE channel = ? AND source_id = ?
            """), arguments: [m.channel, m.sourceID]) {
            let same = existing["text"] as String == m.text && existing["url"] as String? == m.url
                && existing["lang"] as String? == m.lang && existing["likes"] as Int == m.metrics.likes
                && existing["reposts"] as Int == m.metrics.reposts && existing["replies"] as Int == m.metrics.replies
                && existing["extra"] as String? == m.extra
            if same { return handle.changed ? .updated : .unchanged }
            // A newer copy of a known record: its content and metrics change, its triage state does not.
            try db.cachedStatement(sql: """
                UPDATE mention SET text = ?, url = ?, lang = ?, likes = ?, reposts = ?, replies = ?, extra = ?, updated_at = ?
                WHERE id = ?
                """).execute(arguments: [m.text, m.url, m.lang, m.metrics.likes, m.metrics.reposts, m.metrics.replies,
                                         m.extra, now, existing["id"] as Int64])
            return .updated
        }

        let conversation = try conversationFor(m, in: db)
        try db.cachedStatement(sql: """
            INSERT INTO mention (channel, source_id, conversation_id, handle_id, ours, text, created_at, url, in_reply_to,
                                 thread_source_id, lang, likes, reposts, replies, extra, imported_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [m.channel, m.sourceID, conversation, handle.id, handle.ours, m.text, m.createdAt, m.url,
                                     m.inReplyTo, m.threadID, m.lang, m.metrics.likes, m.metrics.reposts, m.metrics.replies,
                                     m.extra, now, now])
        touched[conversation] = (touched[conversation] ?? false) || !handle.ours
        return .new
    }

    // MARK: Contacts

    private func upsertHandle(_ m: IncomingMention, in db: Database) throws -> (id: Int64, ours: Bool, changed: Bool) {
        let key = HandleKey(channel: m.channel, sourceID: m.author.id)
        let a = m.author
        var cached = handles[key]
        if cached == nil, let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, handle, name, followers, verified, ours FROM contact_handle WHERE channel = ? AND source_id = ?
            """), arguments: [m.channel, a.id]) {
            cached = CachedHandle(id: row["id"], handle: row["handle"], name: row["name"], followers: row["followers"],
                                  verified: row["verified"], ours: row["ours"])
        }
        if var known = cached {
            let changed = known.handle != a.handle || (a.name != nil && known.name != a.name)
                || known.followers != a.followers || known.verified != a.verified
            if changed {
                try db.cachedStatement(sql: """
                    UPDATE contact_handle SET handle = ?, name = coalesce(?, name), followers = ?, verified = ?,
                        last_seen_at = max(last_seen_at, ?) WHERE id = ?
                    """).execute(arguments: [a.handle, a.name, a.followers, a.verified, m.createdAt, known.id])
                known.handle = a.handle
                known.name = a.name ?? known.name
                known.followers = a.followers
                known.verified = a.verified
            }
            remember(key, known)
            return (known.id, known.ours, changed)
        }
        let ours = config.isOurAccount(channel: m.channel, handle: a.handle, authorID: a.id)
        try db.cachedStatement(sql: "INSERT INTO contact (name, created_at) VALUES (?, ?)")
            .execute(arguments: [a.name ?? a.handle, now])
        let contact = db.lastInsertedRowID
        try db.cachedStatement(sql: """
            INSERT INTO contact_handle (contact_id, channel, source_id, handle, name, followers, verified, ours, first_seen_at, last_seen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [contact, m.channel, a.id, a.handle, a.name, a.followers, a.verified, ours, m.createdAt, m.createdAt])
        let id = db.lastInsertedRowID
        remember(key, CachedHandle(id: id, handle: a.handle, name: a.name, followers: a.followers, verified: a.verified, ours: ours))
        return (id, ours, true)
    }

    private func remember(_ key: HandleKey, _ handle: CachedHandle) {
        if handles.count >= Self.handleCacheLimit { handles.removeAll(keepingCapacity: true) }
        handles[key] = handle
    }

    // MARK: Threads

    /// The conversation a new mention belongs to, joining threads that turn out to be one.
    ///
    /// A reply may arrive before its parent: it then opens a conversation keyed by the parent's
    /// id, which the parent finds (as its own id) when it arrives. When the parent itself
    /// belongs to a larger thread, the two conversations are merged.
    private func conversationFor(_ m: IncomingMention, in db: Database) throws -> Int64 {
        var conversation: Int64?
        if let parent = m.inReplyTo {
            conversation = try Int64.fetchOne(db.cachedStatement(sql: "SELECT conversation_id FROM mention WHERE channel = ? AND source_id = ?"),
                                              arguments: [m.channel, parent])
        }
        if conversation == nil, let thread = m.threadID { conversation = try threadKey(m.channel, thread, in: db) }
        if conversation == nil, let parent = m.inReplyTo { conversation = try threadKey(m.channel, parent, in: db) }
        let resolved: Int64
        if let conversation {
            resolved = conversation
        } else {
            resolved = try newConversation(m, in: db)
            try addThreadKey(m.channel, m.threadID ?? m.inReplyTo ?? m.sourceID, resolved, in: db)
        }
        // Keys that other mentions used while waiting for this one (its own id, its thread id).
        for key in Set([m.sourceID, m.threadID].compactMap { $0 }) {
            if let other = try threadKey(m.channel, key, in: db) {
                if other != resolved { try merge(other, into: resolved, in: db) }
            } else if key == m.threadID {
                try addThreadKey(m.channel, key, resolved, in: db)
            }
        }
        return resolved
    }

    private func threadKey(_ channel: String, _ key: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT conversation_id FROM thread_key WHERE channel = ? AND key = ?"),
                           arguments: [channel, key])
    }

    private func addThreadKey(_ channel: String, _ key: String, _ conversation: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO thread_key (channel, key, conversation_id) VALUES (?, ?, ?)")
            .execute(arguments: [channel, key, conversation])
    }

    private func newConversation(_ m: IncomingMention, in db: Database) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO conversation (channel, status, first_at, last_at, created_at, updated_at) VALUES (?, 'open', ?, ?, ?, ?)
            """).execute(arguments: [m.channel, m.createdAt, m.createdAt, now, now])
        created.insert(db.lastInsertedRowID)
        return db.lastInsertedRowID
    }

    /// Moves everything of conversation `from` into `into`, logs it, and deletes `from`.
    private func merge(_ from: Int64, into: Int64, in db: Database) throws {
        let before = try Row.fetchOne(db, sql: "SELECT status, assignee, team FROM conversation WHERE id = ?", arguments: [from])
        try db.execute(sql: """
            UPDATE mention SET conversation_id = :into WHERE conversation_id = :from;
            UPDATE thread_key SET conversation_id = :into WHERE conversation_id = :from;
            INSERT OR IGNORE INTO conversation_tag (conversation_id, tag_id, added_by, added_at)
                SELECT :into, tag_id, added_by, added_at FROM conversation_tag WHERE conversation_id = :from;
            DELETE FROM conversation_tag WHERE conversation_id = :from;
            UPDATE note SET conversation_id = :into WHERE conversation_id = :from;
            UPDATE escalation SET conversation_id = :into WHERE conversation_id = :from;
            UPDATE outbox SET conversation_id = :into WHERE conversation_id = :from;
            DELETE FROM claim WHERE conversation_id = :from;
            UPDATE conversation SET
                assignee = coalesce(assignee, (SELECT assignee FROM conversation WHERE id = :from)),
                team = coalesce(team, (SELECT team FROM conversation WHERE id = :from))
            WHERE id = :into;
            DELETE FROM conversation WHERE id = :from;
            """, arguments: ["from": from, "into": into])
        try EventLog.append(db, at: now, operator: EventLog.ingestOperator, kind: "merge", conversation: into,
                            subject: "conversation \(from) joined conversation \(into): one thread",
                            before: before.map { "{\"conversation\":\(from),\"status\":\"\($0["status"] as String)\"}" },
                            after: "{\"conversation\":\(into)}")
        touched[into] = (touched[into] ?? false) || (touched.removeValue(forKey: from) ?? false)
    }

    // MARK: Batch end

    /// Refreshes the summary columns and status of every conversation the batch touched.
    func finishBatch(in db: Database) throws {
        let refresh = try db.cachedStatement(sql: """
            UPDATE conversation SET
                mention_count = (SELECT count(*) FROM mention WHERE conversation_id = :id),
                first_at = (SELECT min(created_at) FROM mention WHERE conversation_id = :id),
                last_at = (SELECT max(created_at) FROM mention WHERE conversation_id = :id),
                last_customer_at = (SELECT max(created_at) FROM mention WHERE conversation_id = :id AND ours = 0),
                last_ours_at = (SELECT max(created_at) FROM mention WHERE conversation_id = :id AND ours = 1),
                latest_customer_mention_id = (SELECT id FROM mention WHERE conversation_id = :id AND ours = 0
                                              ORDER BY created_at DESC, id DESC LIMIT 1),
                latest_mention_id = (SELECT id FROM mention WHERE conversation_id = :id ORDER BY created_at DESC, id DESC LIMIT 1),
                contact_id = coalesce(contact_id, (SELECT h.contact_id FROM mention m JOIN contact_handle h ON h.id = m.handle_id
                                                   WHERE m.conversation_id = :id AND m.ours = 0 ORDER BY m.created_at LIMIT 1)),
                version = version + 1,
                updated_at = :now
            WHERE id = :id
            RETURNING status, last_customer_at, last_ours_at, snooze_until_reply
            """)
        for (id, newCustomerMessage) in touched {
            guard let row = try Row.fetchOne(refresh, arguments: ["id": id, "now": now]) else { continue }
            let current = ConversationStatus(rawValue: row["status"]) ?? .open
            let next = ConversationStatus.afterIngest(current: current, lastCustomerAt: row["last_customer_at"],
                                                      lastOursAt: row["last_ours_at"], newCustomerMessage: newCustomerMessage,
                                                      snoozeUntilReply: row["snooze_until_reply"])
            guard next != current else { continue }
            try db.cachedStatement(sql: """
                UPDATE conversation SET status = ?, snooze_until_reply = 0, snoozed_until = NULL, version = version + 1 WHERE id = ?
                """).execute(arguments: [next.rawValue, id])
            if !created.contains(id) {
                try EventLog.append(db, at: now, operator: EventLog.ingestOperator, kind: "status", conversation: id,
                                    subject: next == .open ? "the customer wrote again" : "our reply was imported",
                                    before: "{\"status\":\"\(current.rawValue)\"}", after: "{\"status\":\"\(next.rawValue)\"}")
            }
        }
        touched.removeAll(keepingCapacity: true)
        created.removeAll(keepingCapacity: true)
    }
}
