import GRDB

/// Undo and redo, from the event log: they survive a restart.
extension ActionService {
    /// Takes back `actor`'s latest action that is not undone yet.
    @discardableResult
    public func undo(by actor: Operator) throws -> Outcome {
        try transaction { db, now in
            let history = try ActionHistory.read(db, operator: actor.handle)
            guard let target = history.undoable else { throw ActionError.refused("nothing of \(actor.handle)'s to undo") }
            let applied = try revert(target, toBefore: true, by: actor, in: db, now: now)
            return outcome(applied, id: target.conversationID, kind: .undo, by: actor,
                           summary: "\(actor.handle) undid \(target.kind) on #\(target.conversationID)")
        }
    }

    /// Does again the action `actor` undid last, if they did nothing new since.
    @discardableResult
    public func redo(by actor: Operator) throws -> Outcome {
        try transaction { db, now in
            let history = try ActionHistory.read(db, operator: actor.handle)
            guard let target = history.redoable else { throw ActionError.refused("nothing of \(actor.handle)'s to redo") }
            let applied = try revert(target, toBefore: false, by: actor, in: db, now: now)
            return outcome(applied, id: target.conversationID, kind: .redo, by: actor,
                           summary: "\(actor.handle) redid \(target.kind) on #\(target.conversationID)")
        }
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
