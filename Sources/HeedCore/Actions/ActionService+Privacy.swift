import GRDB

extension ActionService {
    /// Everything held about a customer (`ContactExport`), read in the transaction that logs
    /// who asked for it (`contact-export`), so that the log says what was handed out.
    public func exportContact(_ reference: String, by actor: Operator) throws -> ContactExport {
        var export: ContactExport?
        _ = try transaction { db, now in
            let id = try Self.contact(db, reference)
            let event = try EventLog.append(db, at: now, by: actor.handle, kind: .contactExport, subject: String(id),
                                            after: JSONWriter.object([("reference", .string(reference))]))
            export = try ContactExport.read(db, contact: id)
            return Outcome(conversationID: 0, kind: EventKind.contactExport.rawValue, version: 0, eventID: event,
                           summary: "\(actor.handle) exported contact \(id)")
        }
        return export!
    }

    /// What `forgetContact` erased.
    public struct Forgotten: Sendable, Equatable {
        public var contactID: Int64
        /// Their messages and our replies to them, text erased.
        public var mentions: Int
        public var conversations: Int
        /// Log entries whose text was replaced by a tombstone.
        public var eventsRedacted: Int
        /// Rows elsewhere (others' messages, notes, posts, incidents) where their name or handle was replaced.
        public var elsewhere: Int
        /// Posts to them not sent yet, withdrawn.
        public var postsCancelled: Int
    }

    /// Erases a customer (a lead only, with a reason): their texts, names and handles everywhere
    /// they appear — their messages and our replies to them, notes, posts, escalations, drafts,
    /// reasons, the log's entries on them, other people's messages and incident titles naming them,
    /// the full-text index — leaving tombstones, and the numbers reports need (times, counts,
    /// sentiment, kinds, tags). One event records who erased whom and why, without what was
    /// erased. Their handles lose the network's ids, so a customer who writes again starts afresh.
    public func forgetContact(_ reference: String, reason: String, by actor: Operator) throws -> Forgotten {
        guard actor.role == .lead else { throw HeedError("only a lead may erase a customer; \(actor.handle) is an agent", .notPermitted) }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw HeedError("say why the customer is erased (--reason): the log keeps it", .refused) }
        let erase = { [database, clock] () throws -> Forgotten in
            try Redaction.run(database, why: "erased at a customer's request") { db in
                let now = clock.now()
                let id: Int64
                do { id = try Self.contact(db, reference) } catch let error as ActionError { throw error.heedError }
                return try Self.forget(db, contact: id, reason: why, by: actor.handle, now: now)
            }
        }
        guard let lock else { return try erase() }
        return try lock.holding(erase)
    }

    private static func forget(_ db: Database, contact id: Int64, reason: String, by actor: String, now: Int64) throws -> Forgotten {
        let tombstone = Redaction.tombstone("erased at the customer's request", at: now)
        var names = Set<String>()
        for row in try Row.fetchAll(db, sql: "SELECT handle, name FROM contact_handle WHERE contact_id = ?", arguments: [id]) {
            names.insert(row["handle"])
            if let name = row["name"] as String? { names.insert(name) }
        }
        if let name = try String.fetchOne(db, sql: "SELECT name FROM contact WHERE id = ?", arguments: [id]) { names.insert(name) }
        let theirs = "(SELECT id FROM conversation WHERE contact_id = \(id))"
        var forgotten = Forgotten(contactID: id, mentions: 0, conversations: 0, eventsRedacted: 0, elsewhere: 0, postsCancelled: 0)

        try db.execute(sql: """
            UPDATE mention SET text = ?, url = NULL, extra = NULL, text_hash = NULL, source_id = 'erased:' || id
            WHERE handle_id IN (SELECT id FROM contact_handle WHERE contact_id = ?)
            """, arguments: [tombstone, id])
        forgotten.mentions = db.changesCount
        try db.execute(sql: "UPDATE mention SET text = ?, url = NULL, extra = NULL, text_hash = NULL WHERE ours = 1 AND conversation_id IN \(theirs)",
                       arguments: [tombstone])
        forgotten.mentions += db.changesCount
        try db.execute(sql: "UPDATE outbox SET state = 'cancelled' WHERE state IN ('queued', 'failed', 'checking') AND conversation_id IN \(theirs)")
        forgotten.postsCancelled = db.changesCount
        try db.execute(sql: "UPDATE outbox SET text = ?, last_error = NULL WHERE conversation_id IN \(theirs)", arguments: [tombstone])
        try db.execute(sql: "DELETE FROM claim WHERE conversation_id IN \(theirs)")
        // Their old thread's ids no longer lead to it: what they write next is a new conversation.
        try db.execute(sql: "DELETE FROM thread_key WHERE conversation_id IN \(theirs)")
        forgotten.eventsRedacted = try Redaction.eraseConversations(db, list: theirs, tombstone: tombstone)
        forgotten.eventsRedacted += try Redaction.anonymiseContacts(db, [id], tombstone: tombstone)
        let scrubbed = try Redaction.scrub(db, names: Array(names), tombstone: tombstone)
        forgotten.elsewhere = scrubbed.changed
        forgotten.eventsRedacted += scrubbed.redacted
        forgotten.conversations = try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation WHERE contact_id = ?", arguments: [id]) ?? 0
        try EventLog.append(db, at: now, by: actor, kind: .contactForget, subject: String(id), after: JSONWriter.object([
            ("reason", .string(reason)), ("mentions", .number(String(forgotten.mentions))), ("conversations", .number(String(forgotten.conversations))),
            ("events_redacted", .number(String(forgotten.eventsRedacted))), ("elsewhere", .number(String(forgotten.elsewhere))),
        ]))
        return forgotten
    }
}
