import GRDB

/// Undo and redo, from the event log: they survive a restart.
extension ActionService {
    /// Takes back `actor`'s latest step that is not undone yet: one action, or all of one
    /// action on several conversations.
    @discardableResult
    public func undo(by actor: Operator) throws -> Outcome {
        try transaction { db, now in
            let history = try ActionHistory.read(db, operator: actor.handle)
            guard let step = history.undoable else { throw ActionError.refused("nothing of \(actor.handle)'s to undo") }
            return try revert(step, toBefore: true, by: actor, in: db, now: now)
        }
    }

    /// Does again the step `actor` undid last, if they did nothing new since.
    @discardableResult
    public func redo(by actor: Operator) throws -> Outcome {
        try transaction { db, now in
            let history = try ActionHistory.read(db, operator: actor.handle)
            guard let step = history.redoable else { throw ActionError.refused("nothing of \(actor.handle)'s to redo") }
            return try revert(step, toBefore: false, by: actor, in: db, now: now)
        }
    }

    /// Each action of `step` reverted; what could not be (changed since) is said, not fatal,
    /// unless nothing could. The marks of a batch are grouped as the batch, so the next undo or
    /// redo sees the step whole. "sam undid resolve on 11 conversations; #42 changed since …"
    private func revert(_ step: ActionHistory.Step, toBefore: Bool, by actor: Operator, in db: Database, now: Int64) throws -> Outcome {
        let entries = try ActionHistory.entries(db, step, undone: !toBefore, operator: actor.handle)
        guard let first = entries.first else { throw ActionError.refused("nothing of \(actor.handle)'s to \(toBefore ? "undo" : "redo")") }
        let kind: EventKind = toBefore ? .undo : .redo
        let verb = toBefore ? "undid" : "redid"
        var done: [(entry: ActionHistory.Entry, applied: ConversationChange.Applied)] = []
        var failures: [ActionError] = []
        for entry in entries {
            do {
                done.append((entry, try revert(entry, toBefore: toBefore, by: actor, in: db, now: now)))
            } catch let error as ActionError where entries.count > 1 {
                // One conversation's refusal stops only that one, as the action on several did.
                failures.append(error)
            }
        }
        guard let applied = done.first else { throw failures[0] }
        if case .batch(let batch) = step { try ActionHistory.group(db, done.map(\.applied.eventID), as: batch) }
        if entries.count == 1 {
            return outcome(applied.applied, id: first.conversationID, kind: kind, by: actor,
                           summary: "\(actor.handle) \(verb) \(first.kind) on #\(first.conversationID)")
        }
        let kinds = Set(done.map(\.entry.kind)).sorted().joined(separator: " and ")
        let count = entries.count == done.count ? "\(done.count)" : "\(done.count) of \(entries.count)"
        let why = failures.map(\.heedError.message)
        return outcome(applied.applied, id: applied.entry.conversationID, kind: kind, by: actor,
                       summary: (["\(actor.handle) \(verb) \(kinds) on \(count) conversations"] + why).joined(separator: "; "))
    }

    /// Puts `target`'s conversation back as it was before it (or as it was after, for redo),
    /// if nobody changed what it changed since; logged as `undo` or `redo` with its target's event
    /// as the subject (the fields before and after, or nothing for a record of its own).
    private func revert(_ target: ActionHistory.Entry, toBefore: Bool, by actor: Operator, in db: Database, now: Int64) throws
        -> ConversationChange.Applied {
        let id = target.conversationID
        let kind: EventKind = toBefore ? .undo : .redo
        let subject = String(target.id)
        let recorded = { () throws -> ConversationChange.Applied in
            try ConversationChange.record(db, conversation: id, by: actor.handle, kind: kind, subject: subject, payload: nil, now: now)
        }
        switch target.kind {
        case "reply":
            guard let record = SideRecord.decode(target.after) else { throw ActionError.refused("event \(target.id) cannot be undone") }
            if toBefore {
                try db.execute(sql: "UPDATE outbox SET state = 'cancelled' WHERE id = ? AND state = 'queued'", arguments: [record.id])
                if db.changesCount == 0 { throw ActionError.refused("post \(record.id) is on its way or sent: too late to take back") }
            } else {
                try db.execute(sql: "UPDATE outbox SET state = 'queued', send_after = ? WHERE id = ? AND state = 'cancelled'",
                               arguments: [now + Int64(config.undoSeconds) * 1000, record.id])
            }
            return try recorded()
        // A note or an escalation is found by what it holds, not by its row id: SQLite gives a
        // deleted row's id to the next one, so after an undo the id may be someone else's.
        case "note":
            guard let record = SideRecord.decode(target.after) else { throw ActionError.refused("event \(target.id) cannot be undone") }
            if toBefore {
                try db.execute(sql: """
                    DELETE FROM note WHERE id = (SELECT id FROM note WHERE conversation_id = ? AND operator = ? AND text = ? AND created_at = ?
                                                 ORDER BY id DESC LIMIT 1)
                    """, arguments: [id, target.operatorHandle, record.text, target.at])
                if db.changesCount == 0 { throw ActionError.refused("that note is gone already") }
            } else {
                try db.execute(sql: "INSERT INTO note (conversation_id, operator, text, created_at) VALUES (?, ?, ?, ?)",
                               arguments: [id, target.operatorHandle, record.text, target.at])
            }
            return try recorded()
        case "escalate":
            guard let record = SideRecord.decode(target.after) else { throw ActionError.refused("event \(target.id) cannot be undone") }
            if toBefore {
                try db.execute(sql: """
                    DELETE FROM escalation WHERE id = (SELECT id FROM escalation WHERE conversation_id = ? AND team = ? AND opened_by = ?
                                                       AND opened_at = ? AND state = 'open' AND answer IS NULL ORDER BY id DESC LIMIT 1)
                    """, arguments: [id, record.team, target.operatorHandle, target.at])
                if db.changesCount == 0 { throw ActionError.refused("the escalation to \(record.team ?? "the team") was answered or closed since") }
            } else {
                try db.execute(sql: "INSERT INTO escalation (conversation_id, team, note, opened_by, opened_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [id, record.team, record.text, target.operatorHandle, target.at])
            }
            return try recorded()
        default:
            guard let before = ConversationFields.decode(target.before), let after = ConversationFields.decode(target.after),
                  let (current, _) = try ConversationFields.fetch(db, conversation: id) else {
                throw ActionError.refused("event \(target.id) cannot be undone")
            }
            let (from, to) = toBefore ? (after, before) : (before, after)
            let fields = after.changes(from: before)
            // Only what the action changed must still be as it left it.
            guard current.taking(fields, from: from) == current else { throw try ActionError.conflict(EventLog.lastChange(db, conversation: id, now: now)) }
            return try ConversationChange.write(db, conversation: id, from: current, to: current.taking(fields, from: to), by: actor.handle,
                                                kind: kind, subject: subject, now: now)
        }
    }
}
