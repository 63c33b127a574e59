import GRDB

/// The one way a conversation's state changes — for operators, triage, rules, incidents,
/// imports, snoozes and shifts alike: a compare-and-set on its version, the version bumped,
/// `updated_at` set, and one typed event saying who did what, with the fields before and after.
///
/// Callers are inside a write transaction already (`AppDatabase.write`), so the read and the
/// write cannot be split by another process.
enum ConversationChange {
    /// What a change did.
    struct Applied: Equatable {
        var eventID: Int64
        /// The conversation's version after it: what the next compare-and-set expects.
        var version: Int
        var before: ConversationFields?
        var after: ConversationFields?
    }

    /// Changes conversation `id`'s fields by `edit` — only if it is still at `expecting`, when
    /// given. Nil when the edit leaves them as they were: nothing is written or logged.
    static func fields(_ db: Database, conversation id: Int64, expecting: Int? = nil, by actor: String, kind: EventKind,
                       subject: String? = nil, now: Int64, _ edit: (inout ConversationFields) throws -> Void) throws -> Applied? {
        let before = try current(db, id, expecting: expecting, now: now)
        var after = before
        try edit(&after)
        guard after != before else { return nil }
        return try write(db, conversation: id, from: before, to: after, by: actor, kind: kind, subject: subject, now: now)
    }

    /// Writes `after` over `before` (fetched in this transaction) and logs it, even when they are equal
    /// (a thread merged into this one is worth its event whatever it changed).
    static func write(_ db: Database, conversation id: Int64, from before: ConversationFields, to after: ConversationFields,
                      by actor: String, kind: EventKind, subject: String?, now: Int64) throws -> Applied {
        let version = try update(db, conversation: id, from: before, to: after, now: now)
        try writeTags(db, conversation: id, from: before.tags, to: after.tags, by: actor, now: now)
        let event = try EventLog.append(db, at: now, by: actor, kind: kind, conversation: id, subject: subject, before: before.json, after: after.json)
        return Applied(eventID: event, version: version, before: before, after: after)
    }

    /// Several changes to one conversation by heed itself in a row (the rules a message matched):
    /// read once, written once, each change that changes something its own event. `body` makes
    /// them with `Steps.apply`.
    static func steps(_ db: Database, conversation id: Int64, now: Int64, _ body: (inout Steps) throws -> Void) throws {
        guard let (fields, _) = try ConversationFields.fetch(db, conversation: id) else { throw ActionError.noConversation(id) }
        var steps = Steps(start: fields, current: fields)
        try body(&steps)
        guard !steps.events.isEmpty else { return }
        _ = try update(db, conversation: id, from: steps.start, to: steps.current, now: now)
        // Tags are added by the step that added them (its actor is who added it).
        var tags = steps.start.tags
        for event in steps.events {
            try writeTags(db, conversation: id, from: tags, to: event.after.tags, by: event.actor, now: now)
            tags = event.after.tags
            try EventLog.append(db, at: now, by: event.actor, kind: event.kind, conversation: id, subject: event.subject,
                                before: event.before.json, after: event.after.json)
        }
    }

    struct Steps {
        fileprivate let start: ConversationFields
        /// The fields as the changes so far left them.
        private(set) var current: ConversationFields
        fileprivate var events: [(actor: String, kind: EventKind, subject: String?, before: ConversationFields, after: ConversationFields)] = []

        fileprivate init(start: ConversationFields, current: ConversationFields) {
            (self.start, self.current) = (start, current)
        }

        /// One change; nothing is logged when it leaves the fields as they were.
        mutating func apply(by actor: String, kind: EventKind, subject: String?, _ edit: (inout ConversationFields) -> Void) {
            var after = current
            edit(&after)
            guard after != current else { return }
            events.append((actor, kind, subject, current, after))
            current = after
        }
    }

    /// A record of its own was made on conversation `id` — a note, an escalation, a reply, the
    /// undo of one: its fields stay, but others must see it changed. `payload` is the event's JSON.
    static func record(_ db: Database, conversation id: Int64, expecting: Int? = nil, by actor: String, kind: EventKind,
                       subject: String? = nil, payload: String?, now: Int64) throws -> Applied {
        _ = try current(db, id, expecting: expecting, now: now)
        let version = try Int.fetchOne(db.cachedStatement(sql: """
            UPDATE OR FAIL conversation SET version = version + 1, updated_at = ? WHERE id = ? RETURNING version
            """), arguments: [now, id]) ?? 0
        let event = try EventLog.append(db, at: now, by: actor, kind: kind, conversation: id, subject: subject, after: payload)
        return Applied(eventID: event, version: version)
    }

    /// The conversation's fields, if it is there and (when asked) still at `expecting`.
    private static func current(_ db: Database, _ id: Int64, expecting: Int?, now: Int64) throws -> ConversationFields {
        guard let (fields, version) = try ConversationFields.fetch(db, conversation: id) else { throw ActionError.noConversation(id) }
        if let expecting, expecting != version { throw try ActionError.conflict(EventLog.lastChange(db, conversation: id, now: now)) }
        return fields
    }

    /// Sets the columns of the fields that changed, bumps the version and returns it. Only
    /// those: SQLite rewrites the entry of every index on a column a statement sets, changed or
    /// not, and `status` is a column of four indexes (the queue's among them) and the condition
    /// of five partial ones: a rule's tag that set it again rewrote nine index entries and fired
    /// the tally's and the clock's triggers.
    private static func update(_ db: Database, conversation id: Int64, from before: ConversationFields, to after: ConversationFields,
                               now: Int64) throws -> Int {
        var sets = ""
        var values: [any SQLiteBindable] = []
        func set(_ column: String, _ value: any SQLiteBindable) {
            sets += "\(column) = ?, "
            values.append(value)
        }
        if after.status != before.status { set("status", after.status.rawValue) }
        if after.assignee != before.assignee { set("assignee", after.assignee) }
        if after.team != before.team { set("team", after.team) }
        if after.snoozedUntil != before.snoozedUntil { set("snoozed_until", after.snoozedUntil) }
        if after.snoozeUntilReply != before.snoozeUntilReply { set("snooze_until_reply", after.snoozeUntilReply) }
        if after.incident != before.incident { set("incident_id", after.incident) }
        values += [now, id] as [any SQLiteBindable]
        // SQLite's own API: every rule's change an import applies comes through here. `OR FAIL`
        // spares it a statement journal, as in `IngestStatements`.
        let write = try BoundStatement(db, "UPDATE OR FAIL conversation SET \(sets)version = version + 1, updated_at = ? WHERE id = ? RETURNING version")
        write.bind(values)
        defer { write.reset() }
        return try write.step() ? write.int(0) : 0
    }

    private static func writeTags(_ db: Database, conversation id: Int64, from old: [String], to new: [String], by actor: String, now: Int64) throws {
        let oldTags = Set(old.map { $0.lowercased() })
        let newTags = Set(new.map { $0.lowercased() })
        for tag in new where !oldTags.contains(tag.lowercased()) {
            try db.cachedStatement(sql: "INSERT INTO tag (name) VALUES (?) ON CONFLICT (name) DO NOTHING").execute(arguments: [tag])
            // A row of values, not `INSERT … SELECT`, which counts as a multiple write and, with
            // the references checked, got a statement journal.
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO conversation_tag (conversation_id, tag_id, added_by, added_at) VALUES (?, (SELECT id FROM tag WHERE name = ?), ?, ?)
                """).execute(arguments: [id, tag, actor, now])
        }
        for tag in old where !newTags.contains(tag.lowercased()) {
            try db.cachedStatement(sql: "DELETE FROM conversation_tag WHERE conversation_id = ? AND tag_id = (SELECT id FROM tag WHERE name = ?)")
                .execute(arguments: [id, tag])
        }
    }
}
