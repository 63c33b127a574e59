import GRDB

/// Stores incoming mentions inside one write transaction: upsert by (channel, source id),
/// authors as contact handles, threading into conversations, and the conversations' summary
/// columns folded in once per batch.
///
/// Keep one instance per ingest run: it caches contact handles across batches (bounded), which
/// is much of what makes a million-line import fast. Call `begin` at the start of each
/// transaction and `finishBatch` before it commits.
final class MentionUpsert {
    enum Outcome { case new, updated, unchanged }

    private let config: Config
    private var now: Int64
    private var handles: [HandleKey: CachedHandle] = [:]
    private static let handleCacheLimit = 50_000
    private var sql: IngestStatements!

    /// Conversations changed in the current batch, with what the batch added to each.
    private var touched: [Int64: Delta] = [:]
    /// Conversations the batch created, by id, with their channel: inserted once, at the end of
    /// the batch, with their final summary (ids are safe to allocate: the batch holds the write lock).
    private var created: [Int64: String] = [:]
    private var nextConversationID: Int64 = 1

    private struct HandleKey: Hashable {
        var channel: String
        var sourceID: String
    }

    private struct CachedHandle {
        var id: Int64
        var contact: Int64
        var handle: String
        var name: String?
        var followers: Int
        var verified: Bool
        var ours: Bool
        var lastSeenAt: Int64
    }

    private let triager: Triager

    init(config: Config, now: Int64) {
        self.config = config
        self.now = now
        triager = Triager(config: config)
    }

    /// The same import going on later: what it knows of contact handles is read again (between
    /// its calls operators may have merged or erased contacts), what it triaged and the
    /// complaints waiting for incident detection carry on.
    func resumed(now: Int64) -> MentionUpsert {
        self.now = now
        handles.removeAll(keepingCapacity: true)
        return self
    }

    /// Prepares the batch's statements; `end` must follow inside the same database access.
    func begin(_ db: Database) throws {
        sql = try IngestStatements(db)
        nextConversationID = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) + 1 FROM conversation") ?? 1
    }

    /// Lets go of the batch's statements while still inside the database access: GRDB connections
    /// run without SQLite's mutex, so a statement finalised later on another thread would race it.
    func end() {
        sql = nil
    }

    /// Stores one mention; `reading`: what its text gives triage, when worked out already.
    func store(_ incoming: IncomingMention, reading: MentionReading? = nil, in db: Database) throws -> Outcome {
        let m = incoming.withoutNUL()
        let handle = try upsertHandle(m, in: db)
        let find = sql.findMention
        find.bind(m.channel, m.sourceID)
        if try find.step() {
            typealias Known = IngestStatements.KnownMention
            let same = find.textEquals(Known.text, m.text) && find.textEquals(Known.url, m.url) && find.textEquals(Known.lang, m.lang)
                && find.int(Known.likes) == m.metrics.likes && find.int(Known.reposts) == m.metrics.reposts
                && find.int(Known.replies) == m.metrics.replies && find.textEquals(Known.extra, m.extra)
            let id = find.int64(Known.id)
            find.reset()
            if same { return handle.changed ? .updated : .unchanged }
            // A newer copy of a known record: its content and metrics change, its triage state does not.
            let analysis = handle.ours ? nil : reading?.analysis ?? triager.analyzer.analyze(m.text)
            try sql.updateMention.run(m.text, m.url, m.lang, m.metrics.likes, m.metrics.reposts, m.metrics.replies, m.extra, now, id,
                                      analysis?.sentiment, analysis?.kind.rawValue, analysis?.fingerprint)
            triager.incidents.forget(mention: id, at: m.createdAt)
            return .updated
        }
        find.reset()
        let conversation = try conversationFor(m, in: db)
        // Each customer message keeps its own sentiment and kind (the contact's sentiment over time).
        let analysis = handle.ours ? nil : reading?.analysis ?? triager.analyzer.analyze(m.text)
        try sql.insertMention.run(m.channel, m.sourceID, conversation, handle.id, handle.ours, m.text, m.createdAt, m.url,
                                  m.inReplyTo, m.threadID, m.lang, m.metrics.likes, m.metrics.reposts, m.metrics.replies,
                                  m.extra, now, now, analysis?.sentiment, analysis?.kind.rawValue,
                                  analysis?.fingerprint)
        if let analysis {
            triager.remember(analysis, mention: db.lastInsertedRowID, conversation: conversation, at: m.createdAt, text: m.text,
                             terms: reading?.complaintTerms)
        }
        touched[conversation, default: Delta()].add(id: db.lastInsertedRowID, at: m.createdAt, ours: handle.ours, handle: handle.id, contact: handle.contact)
        return .new
    }

    // MARK: Contacts

    private func upsertHandle(_ m: IncomingMention, in db: Database) throws -> (id: Int64, contact: Int64, ours: Bool, changed: Bool) {
        let key = HandleKey(channel: m.channel, sourceID: m.author.id)
        let a = m.author
        var cached = handles[key]
        if cached == nil {
            let find = sql.findHandle
            find.bind(m.channel, a.id)
            if try find.step() {
                typealias Known = IngestStatements.KnownHandle
                cached = CachedHandle(id: find.int64(Known.id), contact: find.int64(Known.contact_id), handle: find.text(Known.handle) ?? "",
                                      name: find.text(Known.name), followers: find.int(Known.followers), verified: find.int(Known.verified) != 0,
                                      ours: find.int(Known.ours) != 0, lastSeenAt: find.int64(Known.last_seen_at))
            }
            find.reset()
        }
        if var known = cached {
            // An author's details move forward only: an old post imported late must not undo a newer count.
            let renamed = known.handle != a.handle || (a.name != nil && known.name != a.name)
            let changed = m.createdAt >= known.lastSeenAt && (renamed || known.followers != a.followers || known.verified != a.verified)
            if changed {
                if renamed {
                    try sql.updateHandle.run(a.handle, a.name, a.followers, a.verified, m.createdAt, known.id)
                } else {
                    try sql.updateHandleCounts.run(a.followers, a.verified, m.createdAt, known.id)
                }
                known.handle = a.handle
                known.name = a.name ?? known.name
                known.followers = a.followers
                known.verified = a.verified
                known.lastSeenAt = m.createdAt
                remember(key, known)
            } else if handles[key] == nil {
                remember(key, known)
            }
            return (known.id, known.contact, known.ours, changed)
        }
        let ours = m.ours ?? config.isOurAccount(channel: m.channel, handle: a.handle, authorID: a.id)
        try sql.insertContact.run(a.name ?? a.handle, now)
        let contact = db.lastInsertedRowID
        try sql.insertHandle.run(contact, m.channel, a.id, a.handle, a.name, a.followers, a.verified, ours, m.createdAt, m.createdAt)
        let id = db.lastInsertedRowID
        remember(key, CachedHandle(id: id, contact: contact, handle: a.handle, name: a.name, followers: a.followers,
                                   verified: a.verified, ours: ours, lastSeenAt: m.createdAt))
        return (id, contact, ours, true)
    }

    private func remember(_ key: HandleKey, _ handle: CachedHandle) {
        if handles.count >= Self.handleCacheLimit { handles.removeAll(keepingCapacity: true) }
        handles[key] = handle
    }

    // MARK: Threads

    /// The conversation a new mention belongs to, joining threads that turn out to be one.
    ///
    /// A mention joins its parent's conversation, else its thread's (the source's thread id,
    /// found as a key or as the root mention itself). A reply whose parent has not arrived opens
    /// a conversation keyed by the parent's id; the parent finds that key (its own id) when it
    /// arrives, and the two conversations are merged. Roots write no key: their children find
    /// them through the mention row.
    private func conversationFor(_ m: IncomingMention, in db: Database) throws -> Int64 {
        let waiting = try threadKey(m.channel, m.sourceID)
        var conversation: Int64?
        if let parent = m.inReplyTo { conversation = try conversationOfMention(m.channel, parent) }
        if conversation == nil, let thread = m.threadID, thread != m.sourceID {
            conversation = try threadKey(m.channel, thread)
            if conversation == nil { conversation = try conversationOfMention(m.channel, thread) }
        }
        if conversation == nil, let parent = m.inReplyTo { conversation = try threadKey(m.channel, parent) }
        let resolved: Int64
        if let conversation {
            resolved = conversation
        } else if let waiting, m.inReplyTo == nil, m.threadID == nil || m.threadID == m.sourceID {
            return waiting
        } else {
            resolved = try newConversation(m, in: db)
            // A reply without its parent, or a thread member without its root: leave a key for them.
            if let key = m.threadID.flatMap({ $0 == m.sourceID ? nil : $0 }) ?? m.inReplyTo {
                try sql.addThreadKey.run(m.channel, key, resolved)
            }
        }
        if let waiting, waiting != resolved { return try join(waiting, resolved, in: db) }
        return resolved
    }

    private func threadKey(_ channel: String, _ key: String) throws -> Int64? {
        let find = sql.findThreadKey
        find.bind(channel, key)
        defer { find.reset() }
        return try find.step() ? find.int64(0) : nil
    }

    private func conversationOfMention(_ channel: String, _ sourceID: String) throws -> Int64? {
        let find = sql.findMentionConversation
        find.bind(channel, sourceID)
        defer { find.reset() }
        return try find.step() ? find.int64(0) : nil
    }

    private func newConversation(_ m: IncomingMention, in db: Database) throws -> Int64 {
        let id = nextConversationID
        nextConversationID += 1
        created[id] = m.channel
        return id
    }

    /// Joins two conversations that turned out to be one thread and returns the survivor: an
    /// existing row when there is one (it may hold tags, notes, an assignee), else either.
    private func join(_ a: Int64, _ b: Int64, in db: Database) throws -> Int64 {
        let (from, into) = created[b] != nil && created[a] == nil ? (b, a) : (a, b)
        let merged = touched.removeValue(forKey: from)
        touched[into, default: Delta()].recompute = true
        if merged?.newCustomerMessage == true { touched[into]!.newCustomerMessage = true }
        // The contact's other conversations count one fewer: all of them are scored again with
        // the survivor (a merge is rare).
        if touched[into]!.contact == nil {
            touched[into]!.contact = try merged?.contact ?? Int64.fetchOne(db, sql: "SELECT contact_id FROM conversation WHERE id IN (?, ?) LIMIT 1",
                                                                          arguments: [into, from])
        }
        touched[into]!.firstAt = Int64.min
        if created.removeValue(forKey: from) != nil {
            // Never stored: only its mentions and keys point at it.
            try db.execute(sql: """
                UPDATE mention SET conversation_id = :into WHERE conversation_id = :from;
                UPDATE thread_key SET conversation_id = :into WHERE conversation_id = :from;
                """, arguments: ["from": from, "into": into])
            return into
        }
        guard let (gone, _) = try ConversationFields.fetch(db, conversation: from), let (kept, _) = try ConversationFields.fetch(db, conversation: into)
        else { return into }
        // Tags keep who added them: their rows move; the change below then finds them in place.
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
            DELETE FROM conversation WHERE id = :from;
            """, arguments: ["from": from, "into": into])
        var joined = kept
        joined.assignee = kept.assignee ?? gone.assignee
        joined.team = kept.team ?? gone.team
        joined.incident = kept.incident ?? gone.incident
        for tag in gone.tags where !joined.tags.contains(where: { $0.lowercased() == tag.lowercased() }) { joined.tags.append(tag) }
        joined.tags.sort()
        _ = try ConversationChange.write(db, conversation: into, from: kept, to: joined, by: EventLog.ingestOperator, kind: .merge,
                                         subject: "conversation \(from) (\(gone.status.rawValue)) joined conversation \(into): one thread", now: now)
        return into
    }

    // MARK: Batch end

    /// Folds the batch into the summary columns and status of every conversation it touched,
    /// scores them, counts its complaints and indexes its text. Incidents are looked for after
    /// the transaction (`planIncidents`, `applyIncidents`).
    func finishBatch(in db: Database) throws {
        var changed = Array(touched.keys)
        let customerWrote = Set(touched.compactMap { $0.value.newCustomerMessage ? $0.key : nil })
        // A message earlier than others of its contact's (files imported out of order, a
        // network read post by post) changes their repeat contact and first contact: they are
        // scored again too, so that how mentions were grouped into files does not change a
        // priority. One read a contact, from its earliest message in the batch less the repeat
        // window, through the contact index; only conversations whose latest customer message or
        // beginning is not before that message can have changed, so an import in time order
        // scores none again. Of those, one whose repeat count was at its cap before the batch (a
        // regular's) keeps it, and only the contact's earliest beginnings after the message can
        // stop being its first contact.
        var begun: [Int64: ContactBeginnings] = [:]
        for (id, delta) in touched {
            guard let contact = delta.contact else { continue }
            begun[contact, default: ContactBeginnings()].add(delta.firstAt, new: created[id] != nil)
        }
        var made: [ConversationStatus: Int] = [:]
        for (id, channel) in created {
            guard let delta = touched.removeValue(forKey: id) else { continue }
            let status = ConversationStatus.afterIngest(current: .open, lastCustomerAt: delta.lastCustomerAt, lastOursAt: delta.lastOursAt,
                                                        newCustomerMessage: delta.newCustomerMessage, snoozeUntilReply: false)
            try sql.insertConversation.run(id, channel, status.rawValue, delta.contact, delta.count, delta.firstAt, delta.lastAt,
                                           delta.lastCustomerAt, delta.lastOursAt, delta.lastCustomerID, delta.lastID, now, now, delta.lastCustomerHandle)
            made[status, default: 0] += 1
            // After a merge the batch's sums are not the whole thread: count it from its mentions.
            if delta.recompute {
                sql.recomputeConversation.bind(id, now)
                _ = try sql.recomputeConversation.step()
                sql.recomputeConversation.reset()
            }
        }
        // New conversations are neither breached nor assigned; the tally has no trigger for them (v30).
        for (status, count) in made {
            try sql.tallyNewConversations.run(status.rawValue, count)
        }
        for (id, delta) in touched {
            let statement: BoundStatement
            if delta.recompute {
                statement = sql.recomputeConversation
                statement.bind(id, now)
            } else {
                statement = sql.foldConversation
                statement.bind(id, now, delta.count, delta.firstAt, delta.lastAt, delta.lastID, delta.lastCustomerAt,
                               delta.lastCustomerID, delta.lastOursAt, delta.contact, delta.lastCustomerHandle)
            }
            guard try statement.step() else {
                statement.reset()
                continue
            }
            typealias Summary = IngestStatements.Summary
            let current = ConversationStatus(rawValue: statement.text(Summary.status) ?? "") ?? .open
            let next = ConversationStatus.afterIngest(current: current, lastCustomerAt: statement.optionalInt64(Summary.last_customer_at),
                                                      lastOursAt: statement.optionalInt64(Summary.last_ours_at),
                                                      newCustomerMessage: delta.newCustomerMessage,
                                                      snoozeUntilReply: statement.int(Summary.snooze_until_reply) != 0)
            statement.reset()
            guard next != current else { continue }
            _ = try ConversationChange.fields(db, conversation: id, by: EventLog.ingestOperator, kind: next == .open ? .reopen : .wait,
                                              subject: next == .open ? "the customer wrote again" : "our reply was imported", now: now) { fields in
                (fields.status, fields.snoozedUntil, fields.snoozeUntilReply) = (next, nil, false)
            }
        }
        touched.removeAll(keepingCapacity: true)
        created.removeAll(keepingCapacity: true)
        if !begun.isEmpty {
            var seen = Set(changed)
            let window = Int64(triager.config.triage.repeatWindowHours) * 3_600_000
            // Statements of this connection's own (not GRDB's rows): an import asks once a contact a batch.
            let others = try BoundStatement(db, Self.othersSQL)
            let counted = try BoundStatement(db, """
                SELECT count(*) FROM (SELECT 1 FROM conversation WHERE contact_id = ?1 AND id <> ?2 AND first_at BETWEEN ?3 AND ?4 LIMIT ?5)
                """)
            let cap = triager.repeatCap
            for (contact, beginnings) in begun {
                let firstAt = beginnings.earliest
                let since = firstAt == .min ? firstAt : firstAt - window
                var laterBeginnings = 0
                var rows: [(id: Int64, began: Int64, lastCustomerAt: Int64?)] = []
                others.bind(contact, since, firstAt)
                while try others.step() { rows.append((others.int64(0), others.int64(1), others.optionalInt64(2))) }
                others.reset()
                for (id, began, lastCustomerAt) in rows {
                    if began > firstAt { laterBeginnings += 1 }
                    guard !seen.contains(id) else { continue }
                    // Only the earliest beginnings after the message can stop being the contact's first.
                    var changes = began > firstAt && laterBeginnings <= beginnings.count + 1
                    if !changes, let lastCustomerAt, lastCustomerAt >= firstAt {
                        counted.bind(contact, id, lastCustomerAt - window, lastCustomerAt, cap + beginnings.count)
                        let after = try counted.step() ? counted.int(0) : 0
                        counted.reset()
                        changes = beginnings.countBefore(after, window: (lastCustomerAt - window)...lastCustomerAt) < cap
                    }
                    if changes {
                        seen.insert(id)
                        changed.append(id)
                    }
                }
            }
        }
        try triager.retriage(changed, newCustomerMessage: customerWrote, in: db, now: now)
        try triager.incidents.countBatch(in: db)
        try FullTextIndex.catchUp(db)
    }

    /// Complaints stored that incident detection has not looked at yet.
    var pendingComplaints: Int { triager.incidents.pending }

    /// What the complaints stored since the last plan join and start, read from a snapshot outside the write lock.
    func planIncidents(reading db: Database) throws -> IncidentPlan {
        try triager.incidents.plan(reading: db)
    }

    /// The same in two steps, for a plan worked out on another thread while this one stores
    /// more: the complaints stored so far are taken here, and planned by `planTaken`.
    func takeComplaints() {
        triager.incidents.takeFresh()
    }

    func planTaken(reading db: Database) throws -> IncidentPlan {
        try triager.incidents.planTaken(reading: db)
    }

    /// Writes what `plan` found until `spent`; returns what is left (`IncidentDetector.apply`).
    func applyIncidents(_ plan: IncidentPlan, in db: Database, spent: () -> Bool) throws -> IncidentPlan {
        try triager.incidents.apply(plan, in: db, now: now, spent: spent)
    }
}

extension MentionUpsert {
    /// A contact's conversations a batch touched: when the new ones began, and how many others.
    struct ContactBeginnings {
        private(set) var earliest = Int64.max
        private var new: [Int64] = []
        private var existing = 0

        var count: Int { new.count + existing }

        mutating func add(_ firstAt: Int64, new isNew: Bool) {
            earliest = Swift.min(earliest, firstAt)
            if isNew { new.append(firstAt) } else { existing += 1 }
        }

        /// A conversation's repeat count before the batch, at least, from `counted` after it: less
        /// the new beginnings in its `window`, and less every other touched one (a message earlier
        /// than its beginning may have moved that into the window).
        func countBefore(_ counted: Int, window: ClosedRange<Int64>) -> Int {
            counted - new.filter(window.contains).count - existing
        }
    }

    /// What a batch added to one conversation, folded into its summary columns at the end.
    /// At most this many of a contact's other conversations are scored again when one begins
    /// before them (a spammer's thousands are not).
    static let othersRescored = 50

    /// A contact's conversations that began, or heard from the customer, at or after a message
    /// (`?3`), from `?2` on. In time order most of the contact's conversations in the window fail
    /// the test, and a name a feed's commenters share has thousands: the contacts' index holds
    /// `last_customer_at` (v34), so they are tested there, not each read from the table.
    static let othersSQL = """
        SELECT id, first_at, last_customer_at FROM conversation WHERE contact_id = ?1 AND first_at >= ?2 AND (last_customer_at >= ?3 OR first_at > ?3)
        ORDER BY first_at LIMIT \(othersRescored)
        """

    struct Delta {
        var count = 0
        var firstAt = Int64.max
        var lastAt = Int64.min
        var lastID: Int64 = 0
        var lastCustomerAt: Int64?
        var lastCustomerID: Int64?
        /// The author of that message.
        var lastCustomerHandle: Int64?
        var lastOursAt: Int64?
        var contact: Int64?
        var newCustomerMessage = false
        /// Threads were merged: the summary is recomputed from the mentions instead.
        var recompute = false

        mutating func add(id: Int64, at: Int64, ours: Bool, handle: Int64, contact customer: Int64) {
            count += 1
            firstAt = Swift.min(firstAt, at)
            if at >= lastAt { (lastAt, lastID) = (at, id) }
            if ours {
                lastOursAt = Swift.max(lastOursAt ?? at, at)
            } else {
                newCustomerMessage = true
                if at >= (lastCustomerAt ?? Int64.min) { (lastCustomerAt, lastCustomerID, lastCustomerHandle) = (at, id, handle) }
                if contact == nil { contact = customer }
            }
        }
    }
}
