import GRDB

/// An incident acted on as a whole: its conversations resolved together, and a broadcast post
/// about it queued to our help accounts. (Tagging and answering its conversations are the
/// ordinary actions on `ActionSelection.incident`.)
extension ActionService {
    /// Resolves each of incident `id`'s conversations still unresolved (each its own
    /// compare-and-set and event), then the incident itself, so that triage starts a new one
    /// should the complaints come back.
    public func resolveIncident(_ id: Int64, by actor: Operator) throws -> ManyOutcome {
        let members = try targets(.incident(id), by: actor)
        let outcome = performEach(.resolve, on: members, by: actor)
        _ = try transaction { db, now in
            let state = try String.fetchOne(db, sql: "SELECT state FROM incident WHERE id = ?", arguments: [id]) ?? "active"
            if state != "resolved" {
                try db.execute(sql: "UPDATE incident SET state = 'resolved', resolved_at = ? WHERE id = ?", arguments: [now, id])
                try EventLog.append(db, at: now, by: actor.handle, kind: .incidentResolve, subject: String(id),
                                    before: JSONWriter.object([("state", state)]), after: JSONWriter.object([("state", "resolved")]))
            }
            return Outcome(conversationID: 0, kind: EventKind.incidentResolve.rawValue, version: 0, eventID: db.lastInsertedRowID, summary: "")
        }
        return outcome
    }

    /// Queues `text` about incident `id` to each of our help accounts (`help_accounts`), after
    /// the undo window like a reply; `{incident}` is its title, the operator's signature added.
    /// Refused where a channel would not take it whole.
    public func broadcast(incident id: Int64, text: String, by actor: Operator) throws -> Outcome {
        try transaction { db, now in
            guard let row = try Row.fetchOne(db, sql: "SELECT title, merged_into FROM incident WHERE id = ?", arguments: [id]) else {
                throw ActionError.refused("no incident \(id)", hint: .listIncidents)
            }
            if let into = row["merged_into"] as Int64? { throw ActionError.refused(Incident.mergedMessage(id, into: into)) }
            let title: String = row["title"]
            guard !config.helpAccounts.isEmpty else {
                throw ActionError.refused("the config names no help_accounts to post on (\"help_accounts\": [{\"channel\": \"x\", \"account\": \"…\"}])")
            }
            let filled = try Self.required(text, "a broadcast needs text").replacingOccurrences(of: "{incident}", with: title)
            let posts = try queueToHelpAccounts(db, kind: .broadcast, text: Self.outgoing(filled, by: actor), by: actor, now: now)
            let list = posts.map(String.init).joined(separator: ", ")
            let event = try EventLog.append(db, at: now, by: actor.handle, kind: .broadcast, subject: String(id),
                                            after: JSONWriter.object([("posts", list), ("text", Self.outgoing(filled, by: actor))]))
            return Outcome(conversationID: 0, kind: EventKind.broadcast.rawValue, version: 0, eventID: event,
                           summary: "\(actor.handle) queued a broadcast about incident \(id) to \(posts.count) account\(posts.count == 1 ? "" : "s") "
                                  + "(post\(posts.count == 1 ? "" : "s") \(list), sent in \(config.undoSeconds) s unless withdrawn)")
        }
    }
}
