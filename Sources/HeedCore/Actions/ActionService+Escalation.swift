import GRDB

/// An escalation settled by its team: answered, or closed without an answer.
extension ActionService {
    /// The team's answer to escalation `id` (its members and leads may answer).
    @discardableResult
    public func answer(escalation id: Int64, text: String, by actor: Operator) throws -> Outcome {
        try settle(escalation: id, by: actor, kind: "answer") { db, escalation, now in
            let text = try Self.required(text, "an answer needs text")
            try db.execute(sql: "UPDATE escalation SET state = 'answered', answer = ?, answered_by = ?, answered_at = ? WHERE id = ?",
                           arguments: [text, actor.handle, now, id])
            return text
        }
    }

    /// Closes escalation `id` without an answer (its team's members and leads may).
    @discardableResult
    public func close(escalation id: Int64, by actor: Operator) throws -> Outcome {
        try settle(escalation: id, by: actor, kind: "close") { db, _, now in
            try db.execute(sql: "UPDATE escalation SET state = 'closed', closed_by = ?, closed_at = ? WHERE id = ?", arguments: [actor.handle, now, id])
            return nil
        }
    }

    private func settle(escalation id: Int64, by actor: Operator, kind: String,
                        _ change: (Database, Escalation, Int64) throws -> String?) throws -> Outcome {
        try transaction { db, now in
            guard let escalation = try Escalation.fetch(db, id: id) else {
                throw ActionError.refused("no escalation \(id)", hint: .listEscalations)
            }
            guard escalation.state == "open" else { throw ActionError.refused("escalation \(id) is \(escalation.state) already") }
            guard actor.role == .lead || actor.teams.contains(escalation.team) else {
                throw ActionError.refused("\(actor.handle) is not in \(escalation.team) (nor a lead): only they may \(kind) its escalations")
            }
            let text = try change(db, escalation, now)
            let event: EventKind = kind == "answer" ? .escalationAnswer : .escalationClose
            let applied = try ConversationChange.record(db, conversation: escalation.conversationID, by: actor.handle, kind: event, subject: String(id),
                                                        payload: SideRecord(id: id, text: text, team: escalation.team).json, now: now)
            return outcome(applied, id: escalation.conversationID, kind: event, by: actor,
                           summary: "\(actor.handle) \(kind == "answer" ? "answered" : "closed") escalation \(id) (#\(escalation.conversationID), \(escalation.team))")
        }
    }
}
