import Foundation
import GRDB

/// Replies: the claim that keeps two operators from answering one customer, the reply
/// queued in the outbox, and the outbox's posts withdrawn or tried again.
extension ActionService {
    /// Claims conversation `id` for `actor`'s reply, for `claims.expiry_seconds` (renew by
    /// claiming again). Someone else's live claim is a conflict that names them, unless
    /// `takeOver` (a lead's privilege when `claims.lead_only_takeover`).
    @discardableResult
    public func claimReply(_ id: Int64, by actor: Operator, takeOver: Bool = false) throws -> Outcome {
        try transaction { db, now in
            guard let (_, version) = try ConversationFields.fetch(db, conversation: id) else { throw ActionError.noConversation(id) }
            let holder = try Row.fetchOne(db, sql: """
                SELECT operator, claimed_at FROM claim WHERE conversation_id = ? AND kind = 'replying' AND expires_at > ? AND operator <> ?
                """, arguments: [id, now, actor.handle])
            if let holder {
                let who: String = holder["operator"]
                guard takeOver else {
                    throw ActionError.conflict("\(who) is replying to #\(id) (for \(Age.short(milliseconds: now - holder["claimed_at"]))): take it over on purpose, or leave it")
                }
                if config.leadOnlyTakeover && actor.role != .lead {
                    throw ActionError.refused("\(who) is replying to #\(id): only a lead may take it over")
                }
                try db.execute(sql: "DELETE FROM claim WHERE conversation_id = ? AND operator = ?", arguments: [id, who])
                try EventLog.append(db, at: now, by: actor.handle, kind: .takeOver, conversation: id, subject: who)
            }
            try db.execute(sql: """
                INSERT INTO claim (conversation_id, operator, kind, version_seen, claimed_at, expires_at) VALUES (?, ?, 'replying', ?, ?, ?)
                ON CONFLICT (conversation_id, operator) DO UPDATE SET kind = 'replying', expires_at = excluded.expires_at,
                    claimed_at = CASE WHEN claim.kind = 'replying' THEN claim.claimed_at ELSE excluded.claimed_at END
                """, arguments: [id, actor.handle, version, now, now + Int64(config.claimSeconds) * 1000])
            let took = holder.map { " (taken over from \($0["operator"] as String))" } ?? ""
            return Outcome(conversationID: id, kind: "claim", version: version, eventID: 0, summary: "\(actor.handle) is replying to #\(id)\(took)")
        }
    }

    /// Where conversation `id`'s thread is now: the mark a reply begun now is sent against.
    public func threadMark(_ id: Int64) throws -> ThreadMark {
        try database.read { db in try ThreadMark.fetch(db, conversation: id) }
    }

    /// How often a screen renews its reply claim while the reply is being written.
    public var claimRenewMilliseconds: Int64 { Int64(config.claimSeconds) * 1000 / 3 }

    /// Lets go of `actor`'s reply claim on conversation `id` (the reply was sent or given up).
    public func releaseReply(_ id: Int64, by actor: Operator) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM claim WHERE conversation_id = ? AND operator = ? AND kind = 'replying'", arguments: [id, actor.handle])
        }
    }

    /// Queues a reply to conversation `id` in the outbox, to be sent after the undo window
    /// (`undo_seconds`) to the customer's latest message, from our account on its channel.
    /// With `since` (where the thread was when the reply began), it stops if the thread grew
    /// since — a new message, someone else's reply — and says what came; with `expecting`
    /// instead, if the conversation changed at all. The operator's signature is added when the
    /// text lacks it; text that looks like private data (`PrivateData`) is refused unless `anyway`.
    @discardableResult
    ///
    /// A `followUp` (news for the customer later, such as their idea shipped) goes even though
    /// their latest message was answered already.
    public func reply(to id: Int64, text: String, by actor: Operator, expecting: Int? = nil, since mark: ThreadMark? = nil,
                      anyway: Bool = false, followUp: Bool = false) throws -> Outcome {
        try transaction { db, now in
            guard let (_, version) = try ConversationFields.fetch(db, conversation: id) else { throw ActionError.noConversation(id) }
            if let mark {
                let changes = try mark.changes(db, now: now, except: actor.handle)
                if !changes.isEmpty {
                    throw ActionError.conflict("not sent: the thread changed since you began — " + changes.joined(separator: "; "))
                }
            } else if let expecting, expecting != version {
                throw try ActionError.conflict(EventLog.lastChange(db, conversation: id, now: now))
            }
            let text = Self.outgoing(try Self.required(text, "a reply needs text"), by: actor)
            let risky = PrivateData.findings(text)
            if !risky.isEmpty && !anyway {
                throw ActionError.refused("this public reply seems to hold \(risky.joined(separator: " and ")): send it anyway on purpose, "
                    + "or move the customer to direct messages" + (CannedReply.matching("move-to-dm", in: config).isEmpty ? "" : " (canned reply move-to-dm)"))
            }
            // Never two answers by accident: someone else's live reply claim stops this one.
            if let who = try String.fetchOne(db, sql: """
                SELECT operator FROM claim WHERE conversation_id = ? AND kind = 'replying' AND expires_at > ? AND operator <> ?
                """, arguments: [id, now, actor.handle]) {
                throw ActionError.conflict("\(who) is replying to #\(id): not sent, so that the customer does not get two answers")
            }
            try db.execute(sql: "DELETE FROM claim WHERE conversation_id = ? AND operator = ? AND kind = 'replying'", arguments: [id, actor.handle])
            try Draft.discard(db, conversation: id, by: actor.handle)
            guard let target = try Row.fetchOne(db, sql: """
                SELECT m.id, m.channel FROM conversation c JOIN mention m ON m.id = coalesce(c.latest_customer_mention_id, c.latest_mention_id)
                WHERE c.id = ?
                """, arguments: [id]) else { throw ActionError.noConversation(id) }
            let channel: String = target["channel"]
            // Nor, from a command (which shows no thread), when someone else has already answered
            // this message: asked for on purpose with `anyway`. A screen's reply carries the
            // thread its operator saw (`mark`), checked above.
            if !anyway, !followUp, mark == nil, let other = try Row.fetchOne(db, sql: """
                SELECT id, operator, state FROM outbox WHERE kind = 'reply' AND in_reply_to_mention_id = ? AND operator <> ?
                    AND state NOT IN ('cancelled', 'failed') ORDER BY id LIMIT 1
                """, arguments: [target["id"] as Int64, actor.handle]) {
                throw ActionError.conflict("\(other["operator"] as String) has answered this message already (post \(other["id"] as Int64), "
                    + "\(other["state"] as String)): not sent, so that the customer does not get two answers; send another on purpose with --anyway")
            }
            if let problem = ChannelLength.problem(text, channel: channel) { throw ActionError.refused("too long to send: \(problem)") }
            let sendAfter = now + Int64(config.undoSeconds) * 1000
            try db.execute(sql: """
                INSERT INTO outbox (kind, conversation_id, in_reply_to_mention_id, channel, account, operator, text, idempotency_key, send_after, created_at)
                VALUES ('reply', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, target["id"] as Int64, channel, config.accounts[channel]?.first, actor.handle, text,
                                 UUID().uuidString.lowercased(), sendAfter, now])
            let post = db.lastInsertedRowID
            let applied = try ConversationChange.record(db, conversation: id, by: actor.handle, kind: .reply, subject: String(post),
                                                        payload: SideRecord(id: post, text: text).json, now: now)
            return outcome(applied, id: id, kind: .reply, by: actor,
                           summary: "\(actor.handle) queued a reply to #\(id) (post \(post), sent in \(config.undoSeconds) s unless undone)")
        }
    }

    /// `text` as it goes out: with `actor`'s signature unless it has it already.
    public static func outgoing(_ text: String, by actor: Operator) -> String {
        actor.signature.isEmpty || text.contains(actor.signature) ? text : text + " " + actor.signature
    }

    /// The first canned reply whose name starts with `name`, filled for conversation `id`.
    public func cannedText(_ name: String, conversation id: Int64, by actor: Operator) throws -> String {
        let canned = CannedReply(name: name, text: try cannedTemplate(name))
        return try database.read { db in try canned.filled(db, conversation: id, by: actor) }
    }

    /// A reply's text with its variables filled for each conversation's customer, as it would
    /// go out (signature added), and what would stop it on that conversation's channel.
    public func previewReplies(_ text: String, to ids: [Int64], by actor: Operator) throws -> [ReplyPreview] {
        let template = CannedReply(name: "", text: text)
        return try database.read { db in
            try ids.map { id in
                let filled = Self.outgoing(try template.filled(db, conversation: id, by: actor), by: actor)
                let target = try Row.fetchOne(db, sql: """
                    SELECT m.channel, h.handle FROM conversation c JOIN mention m ON m.id = coalesce(c.latest_customer_mention_id, c.latest_mention_id)
                    JOIN contact_handle h ON h.id = m.handle_id WHERE c.id = ?
                    """, arguments: [id])
                let channel: String = target?["channel"] ?? ""
                return ReplyPreview(conversationID: id, handle: target?["handle"] ?? "", channel: channel, text: filled,
                                    problem: ChannelLength.problem(filled, channel: channel))
            }
        }
    }

    /// The text of the first canned reply whose name starts with `prefix`, its variables left
    /// for each recipient.
    public func cannedTemplate(_ prefix: String) throws -> String {
        guard let canned = CannedReply.matching(prefix, in: config).first else {
            let names = config.cannedReplies.map(\.name)
            throw HeedError("no canned reply \"\(prefix)\"" + (names.isEmpty ? " (the config has none)" : "; there are " + names.joined(separator: ", ")), .refused)
        }
        return canned.text
    }

    /// Withdraws a post not yet on its way (queued, failed, or left for checking).
    @discardableResult
    public func cancel(post id: Int64, by actor: Operator) throws -> Outcome {
        try outboxChange(post: id, by: actor, kind: .outboxCancel, from: ["queued", "failed", "checking"],
                         sql: "UPDATE outbox SET state = 'cancelled' WHERE id = ?", done: "withdrew")
    }

    /// Sends a failed post (or one left for checking) again, from its first try.
    @discardableResult
    public func retry(post id: Int64, by actor: Operator) throws -> Outcome {
        try outboxChange(post: id, by: actor, kind: .outboxRetry, from: ["failed", "checking"],
                         sql: "UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = NULL, last_error = NULL WHERE id = ?",
                         done: "queued again")
    }

    private func outboxChange(post id: Int64, by actor: Operator, kind: EventKind, from states: Set<String>, sql: String, done: String) throws -> Outcome {
        try transaction { db, now in
            guard let row = try Row.fetchOne(db, sql: "SELECT state, conversation_id FROM outbox WHERE id = ?", arguments: [id]) else {
                throw ActionError.refused("no post \(id) in the outbox", hint: .listOutbox)
            }
            let state: String = row["state"]
            guard states.contains(state) else { throw ActionError.refused("post \(id) is \(state): only a \(states.sorted().joined(separator: ", ")) one") }
            try db.execute(sql: sql, arguments: [id])
            let conversation: Int64? = row["conversation_id"]
            let event = try EventLog.append(db, at: now, by: actor.handle, kind: kind, conversation: conversation, subject: String(id),
                                            before: JSONWriter.object([("state", state)]))
            return Outcome(conversationID: conversation ?? 0, kind: kind.rawValue, version: 0, eventID: event,
                           summary: "\(actor.handle) \(done) post \(id)")
        }
    }
}
