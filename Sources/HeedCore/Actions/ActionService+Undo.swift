import GRDB

/// Undo and redo, from the event log: they survive a restart.
extension ActionService {
    /// Takes back `actor`'s latest action that is not undone yet.
    @discardableResult
    public func undo(by actor: Operator) throws -> Outcome {
        try transaction { db, now in
            let history = try ActionHistory.read(db, operator: actor.handle)
            guard let target = history.undoable else { throw ActionError.refused("nothing of \(actor.handle)'s to undo") }
            let (before, after) = try revert(target, toBefore: true, in: db, now: now)
            return try finish(db, id: target.conversationID, kind: "undo", by: actor, before: before, after: after,
                              subject: String(target.id), now: now, summary: "\(actor.handle) undid \(target.kind) on #\(target.conversationID)")
        }
    }

    /// Does again the action `actor` undid last, if they did nothing new since.
    @discardableResult
    public func redo(by actor: Operator) throws -> Outcome {
        try transaction { db, now in
            let history = try ActionHistory.read(db, operator: actor.handle)
            guard let target = history.redoable else { throw ActionError.refused("nothing of \(actor.handle)'s to redo") }
            let (before, after) = try revert(target, toBefore: false, in: db, now: now)
            return try finish(db, id: target.conversationID, kind: "redo", by: actor, before: before, after: after,
                              subject: String(target.id), now: now, summary: "\(actor.handle) redid \(target.kind) on #\(target.conversationID)")
        }
    }

    /// Puts `target`'s conversation back as it was before it (or as it was after, for redo),
    /// if nobody changed what it changed since. Returns the conversation's fields before and
    /// after, for the event (nil for a note or an escalation, which are records of their own).
    private func revert(_ target: ActionHistory.Entry, toBefore: Bool, in db: Database, now: Int64) throws -> (String?, String?) {
        let id = target.conversationID
        let conflict = { () throws -> ActionError in try .conflict(Self.lastChange(db, conversation: id, now: now)) }
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
            try Self.bumpVersion(db, id, now)
            return (nil, nil)
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
            try Self.bumpVersion(db, id, now)
            return (nil, nil)
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
            try Self.bumpVersion(db, id, now)
            return (nil, nil)
        default:
            guard let before = ConversationFields.decode(target.before), let after = ConversationFields.decode(target.after),
                  let (current, _) = try ConversationFields.fetch(db, conversation: id) else {
                throw ActionError.refused("event \(target.id) cannot be undone")
            }
            let (from, to) = toBefore ? (after, before) : (before, after)
            let fields = after.changes(from: before)
            // Only what the action changed must still be as it left it.
            guard current.taking(fields, from: from) == current else { throw try conflict() }
            let result = current.taking(fields, from: to)
            try result.write(db, conversation: id, over: current, by: target.operatorHandle, now: now)
            return (current.json, result.json)
        }
    }
}
