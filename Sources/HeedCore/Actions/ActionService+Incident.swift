import Foundation
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
                try EventLog.append(db, at: now, operator: actor.handle, kind: "incident-resolve", conversation: nil, subject: String(id),
                                    before: JSONWriter.object([("state", state)]), after: JSONWriter.object([("state", "resolved")]))
            }
            return Outcome(conversationID: 0, kind: "incident-resolve", version: 0, eventID: db.lastInsertedRowID, summary: "")
        }
        return outcome
    }

    /// Queues `text` about incident `id` to each of our help accounts (`help_accounts`), after
    /// the undo window like a reply; `{incident}` is its title, the operator's signature added.
    /// Refused where a channel would not take it whole.
    public func broadcast(incident id: Int64, text: String, by actor: Operator) throws -> Outcome {
        try transaction { db, now in
            guard let title = try String.fetchOne(db, sql: "SELECT title FROM incident WHERE id = ?", arguments: [id]) else {
                throw ActionError.refused("no incident \(id) (see `heed incident list --all` for the numbers)")
            }
            guard !config.helpAccounts.isEmpty else {
                throw ActionError.refused("the config names no help_accounts to post on (\"help_accounts\": [{\"channel\": \"x\", \"account\": \"…\"}])")
            }
            let filled = try Self.required(text, "a broadcast needs text").replacingOccurrences(of: "{incident}", with: title)
            let post = Self.outgoing(filled, by: actor)
            for account in config.helpAccounts {
                if let problem = ChannelLength.problem(post, channel: account.channel) {
                    throw ActionError.refused("too long for \(account.channel): \(problem)")
                }
            }
            let sendAfter = now + Int64(config.undoSeconds) * 1000
            var posts: [Int64] = []
            for account in config.helpAccounts {
                try db.execute(sql: """
                    INSERT INTO outbox (kind, channel, account, operator, text, idempotency_key, send_after, created_at)
                    VALUES ('broadcast', ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [account.channel, account.account, actor.handle, post, UUID().uuidString.lowercased(), sendAfter, now])
                posts.append(db.lastInsertedRowID)
            }
            let list = posts.map(String.init).joined(separator: ", ")
            try EventLog.append(db, at: now, operator: actor.handle, kind: "broadcast", conversation: nil, subject: String(id), before: nil,
                                after: JSONWriter.object([("posts", list), ("text", post)]))
            return Outcome(conversationID: 0, kind: "broadcast", version: 0, eventID: db.lastInsertedRowID,
                           summary: "\(actor.handle) queued a broadcast about incident \(id) to \(posts.count) account\(posts.count == 1 ? "" : "s") "
                                  + "(post\(posts.count == 1 ? "" : "s") \(list), sent in \(config.undoSeconds) s unless withdrawn)")
        }
    }
}
