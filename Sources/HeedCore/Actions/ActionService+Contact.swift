import GRDB

/// What operators keep about a person rather than a conversation: tags (VIP, advocate,
/// detractor, any), notes, and one person's handles on several channels made one contact.
extension ActionService {
    /// The contact a reference names: `#42` (conversation 42's customer), `channel:handle`, or a
    /// handle alone when only one contact has it.
    public func contact(_ reference: String) throws -> Int64 {
        do {
            return try database.read { db in try Self.contact(db, reference) }
        } catch let error as ActionError {
            throw error.heedError
        }
    }

    static func contact(_ db: Database, _ reference: String) throws -> Int64 {
        if reference.hasPrefix("#"), let id = Int64(reference.dropFirst()) {
            guard let contact = try Int64.fetchOne(db, sql: "SELECT contact_id FROM conversation WHERE id = ?", arguments: [id]) else {
                throw ActionError.refused("conversation \(id) has no contact")
            }
            return contact
        }
        let parts = reference.split(separator: ":", maxSplits: 1).map(String.init)
        let (channel, handle) = parts.count == 2 && !parts[0].contains("@") ? (parts[0], parts[1]) : (nil, reference)
        let bare = handle.hasPrefix("@") ? String(handle.dropFirst()) : handle
        let rows = try Row.fetchAll(db, sql: """
            SELECT DISTINCT contact_id, channel FROM contact_handle WHERE handle = ? COLLATE NOCASE AND ours = 0 AND (? IS NULL OR channel = ?)
            """, arguments: [bare, channel, channel])
        let contacts = Set(rows.map { $0["contact_id"] as Int64 })
        guard let only = contacts.first else { throw ActionError.refused("no customer \(reference) in the cache") }
        guard contacts.count == 1 else {
            throw ActionError.refused("\(reference) is more than one customer: say which, as " + rows.map { "\($0["channel"] as String):\(bare)" }.joined(separator: " or "))
        }
        return only
    }

    /// Tags (`+vip`) and untags (`-vip`) a contact.
    @discardableResult
    public func tagContact(_ reference: String, add: [String], remove: [String], by actor: Operator) throws -> Outcome {
        try contactTransaction(reference, by: actor, kind: .contactTag) { db, id, now in
            for tag in try add.map(Self.tagName) {
                try db.execute(sql: "INSERT INTO tag (name) VALUES (?) ON CONFLICT (name) DO NOTHING", arguments: [tag])
                try db.execute(sql: "INSERT OR IGNORE INTO contact_tag (contact_id, tag_id, added_by, added_at) SELECT ?, id, ?, ? FROM tag WHERE name = ?",
                               arguments: [id, actor.handle, now, tag])
            }
            for tag in try remove.map(Self.tagName) {
                try db.execute(sql: "DELETE FROM contact_tag WHERE contact_id = ? AND tag_id = (SELECT id FROM tag WHERE name = ?)", arguments: [id, tag])
            }
            return "tagged contact \(id)"
        }
    }

    /// An internal note on a contact (shown on their card, never sent).
    @discardableResult
    public func noteContact(_ reference: String, text: String, by actor: Operator) throws -> Outcome {
        try contactTransaction(reference, by: actor, kind: .contactNote) { db, id, now in
            try db.execute(sql: "INSERT INTO note (contact_id, operator, text, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [id, actor.handle, try Self.required(text, "a note needs text"), now])
            return "added a note to contact \(id)"
        }
    }

    /// Makes `other` and `into` one person: `other`'s handles, conversations, tags and notes
    /// become `into`'s, and `other` is gone.
    @discardableResult
    public func mergeContacts(_ into: String, _ other: String, by actor: Operator) throws -> Outcome {
        try contactTransaction(into, by: actor, kind: .contactMerge) { db, id, now in
            let gone = try Self.contact(db, other)
            guard gone != id else { throw ActionError.refused("\(into) and \(other) are one contact already") }
            try ContactMerge.merge(db, from: gone, into: id, now: now)
            return "merged contact \(gone) into contact \(id)"
        }
    }

    private func contactTransaction(_ reference: String, by actor: Operator, kind: EventKind,
                                    _ change: (Database, Int64, Int64) throws -> String) throws -> Outcome {
        try transaction { db, now in
            let id = try Self.contact(db, reference)
            let done = try change(db, id, now)
            let event = try EventLog.append(db, at: now, by: actor.handle, kind: kind, subject: String(id), after: JSONWriter.object([("reference", reference)]))
            return Outcome(conversationID: 0, kind: kind.rawValue, version: 0, eventID: event, summary: "\(actor.handle) \(done)")
        }
    }
}
