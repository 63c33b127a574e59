import Foundation
import GRDB

/// Applies operators' actions to conversations: each in one IMMEDIATE transaction that checks
/// the conversation is as the operator saw it (compare-and-set on its version), changes it and
/// appends the event (who, when, what, before, after). Undo and redo come from those events,
/// so they survive a restart.
public struct ActionService: Sendable {
    let database: AppDatabase
    let config: Config
    let clock: any Clock
    private let lock: ActionLock?

    public init(database: AppDatabase, config: Config, clock: any Clock) {
        self.database = database
        self.config = config
        self.clock = clock
        lock = ActionLock(cache: database.path)
    }

    /// What an action did.
    public struct Outcome: Sendable, Equatable {
        public var conversationID: Int64
        public var kind: String
        /// The conversation's version after it (what the next compare-and-set expects).
        public var version: Int
        public var eventID: Int64
        /// One line for people: "sam resolved #42".
        public var summary: String
    }

    /// Does `command` to conversation `id` as `actor`; with `expecting`, only if the
    /// conversation is still at that version (else `ActionError.conflict` says who changed it).
    @discardableResult
    public func perform(_ command: TriageCommand, on id: Int64, by actor: Operator, expecting: Int? = nil) throws -> Outcome {
        try transaction { db, now in
            guard let (before, version) = try ConversationFields.fetch(db, conversation: id) else { throw ActionError.noConversation(id) }
            if let expecting, expecting != version { throw try ActionError.conflict(Self.lastChange(db, conversation: id, now: now)) }
            switch command {
            case .note(let text):
                let text = try Self.required(text, "a note needs text")
                try db.execute(sql: "INSERT INTO note (conversation_id, operator, text, created_at) VALUES (?, ?, ?, ?)",
                               arguments: [id, actor.handle, text, now])
                let record = SideRecord(id: db.lastInsertedRowID, text: text)
                try Self.bumpVersion(db, id, now)
                return try finish(db, id: id, kind: command.kind, by: actor, before: nil, after: record.json, subject: nil, now: now)
            case .escalate(let team, let note):
                guard config.teams.contains(where: { $0.name == team }) else { throw ActionError.refused(Self.unknownTeam(team, config)) }
                let open = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM escalation WHERE conversation_id = ? AND team = ? AND state = 'open')",
                                             arguments: [id, team]) ?? false
                if open { throw ActionError.refused("#\(id) is already escalated to \(team)") }
                try db.execute(sql: "INSERT INTO escalation (conversation_id, team, note, opened_by, opened_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [id, team, note, actor.handle, now])
                let record = SideRecord(id: db.lastInsertedRowID, text: note, team: team)
                try Self.bumpVersion(db, id, now)
                return try finish(db, id: id, kind: command.kind, by: actor, before: nil, after: record.json, subject: team, now: now)
            default:
                let after = try changed(before, by: command, conversation: id, in: db, now: now)
                guard after != before else { throw ActionError.refused("#\(id): nothing to change (\(command.kind))") }
                try after.write(db, conversation: id, over: before, by: actor.handle, now: now)
                return try finish(db, id: id, kind: command.kind, by: actor, before: before.json, after: after.json,
                                  subject: Self.subject(of: command), now: now)
            }
        }
    }

    /// The fields after `command`, or why it cannot be done.
    private func changed(_ before: ConversationFields, by command: TriageCommand, conversation id: Int64, in db: Database, now: Int64) throws
        -> ConversationFields {
        var after = before
        switch command {
        case .tag(let add, let remove):
            let adding = try add.map { try Self.tagName($0) }
            let removing = Set(try remove.map { try Self.tagName($0).lowercased() })
            var tags = before.tags.filter { !removing.contains($0.lowercased()) }
            for tag in adding where !tags.contains(where: { $0.lowercased() == tag.lowercased() }) { tags.append(tag) }
            after.tags = tags.sorted()
        case .assign(let target):
            if let member = config.operator(handle: target) {
                if let cap = member.maxAssigned, before.assignee != member.handle {
                    let held = try Self.held(db, by: member.handle)
                    if held >= cap { throw ActionError.refused("\(member.handle) already holds \(held) conversations (their cap is \(cap))") }
                }
                after.assignee = member.handle
            } else if config.teams.contains(where: { $0.name == target }) {
                after.team = target
            } else {
                throw ActionError.refused("no operator or team \"\(target)\"; operators: \(config.operators.map(\.handle).joined(separator: ", ")); "
                    + "teams: \(config.teams.map(\.name).joined(separator: ", "))")
            }
        case .unassign:
            after.assignee = nil
        case .snooze(let until):
            if let until, until <= now { throw ActionError.refused("snooze until a time to come (that one is past)") }
            guard before.status != .resolved && before.status != .spam else { throw ActionError.refused("#\(id) is \(before.status.rawValue): reopen it first") }
            (after.status, after.snoozedUntil, after.snoozeUntilReply) = (.snoozed, until, until == nil)
        case .resolve:
            (after.status, after.snoozedUntil, after.snoozeUntilReply) = (.resolved, nil, false)
        case .reopen:
            guard before.status != .open else { throw ActionError.refused("#\(id) is open already") }
            (after.status, after.snoozedUntil, after.snoozeUntilReply) = (.open, nil, false)
        case .spam:
            (after.status, after.snoozedUntil, after.snoozeUntilReply) = (.spam, nil, false)
        case .notSpam:
            guard before.status == .spam else { throw ActionError.refused("#\(id) is not in spam") }
            after.status = .open
        case .note, .escalate:
            break
        }
        return after
    }

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
                try EventLog.append(db, at: now, operator: actor.handle, kind: "take-over", conversation: id, subject: who, before: nil, after: nil)
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

    /// How often a screen renews its reply claim while the reply is being written.
    public var claimRenewMilliseconds: Int64 { Int64(config.claimSeconds) * 1000 / 3 }

    /// Lets go of `actor`'s reply claim on conversation `id` (the reply was sent or given up).
    public func releaseReply(_ id: Int64, by actor: Operator) throws {
        try database.writer.write { db in
            try db.execute(sql: "DELETE FROM claim WHERE conversation_id = ? AND operator = ? AND kind = 'replying'", arguments: [id, actor.handle])
        }
    }

    /// Queues a reply to conversation `id` in the outbox, to be sent after the undo window
    /// (`undo_seconds`) to the customer's latest message, from our account on its channel.
    /// With `expecting`, refused if the thread changed since (a new message, another reply).
    @discardableResult
    public func reply(to id: Int64, text: String, by actor: Operator, expecting: Int? = nil) throws -> Outcome {
        try transaction { db, now in
            guard let (_, version) = try ConversationFields.fetch(db, conversation: id) else { throw ActionError.noConversation(id) }
            if let expecting, expecting != version { throw try ActionError.conflict(Self.lastChange(db, conversation: id, now: now)) }
            let text = try Self.required(text, "a reply needs text")
            // Never two answers by accident: someone else's live reply claim stops this one.
            if let who = try String.fetchOne(db, sql: """
                SELECT operator FROM claim WHERE conversation_id = ? AND kind = 'replying' AND expires_at > ? AND operator <> ?
                """, arguments: [id, now, actor.handle]) {
                throw ActionError.conflict("\(who) is replying to #\(id): not sent, so that the customer does not get two answers")
            }
            try db.execute(sql: "DELETE FROM claim WHERE conversation_id = ? AND operator = ? AND kind = 'replying'", arguments: [id, actor.handle])
            guard let target = try Row.fetchOne(db, sql: """
                SELECT m.id, m.channel FROM conversation c JOIN mention m ON m.id = coalesce(c.latest_customer_mention_id, c.latest_mention_id)
                WHERE c.id = ?
                """, arguments: [id]) else { throw ActionError.noConversation(id) }
            let channel: String = target["channel"]
            if let problem = ChannelLength.problem(text, channel: channel) { throw ActionError.refused("too long to send: \(problem)") }
            let sendAfter = now + Int64(config.undoSeconds) * 1000
            try db.execute(sql: """
                INSERT INTO outbox (kind, conversation_id, in_reply_to_mention_id, channel, account, operator, text, idempotency_key, send_after, created_at)
                VALUES ('reply', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, target["id"] as Int64, channel, config.accounts[channel]?.first, actor.handle, text,
                                 UUID().uuidString.lowercased(), sendAfter, now])
            let post = db.lastInsertedRowID
            try Self.bumpVersion(db, id, now)
            return try finish(db, id: id, kind: "reply", by: actor, before: nil, after: SideRecord(id: post, text: text).json, subject: String(post),
                              now: now, summary: "\(actor.handle) queued a reply to #\(id) (post \(post), sent in \(config.undoSeconds) s unless undone)")
        }
    }

    /// Withdraws a post not yet on its way (queued, failed, or left for checking).
    @discardableResult
    public func cancel(post id: Int64, by actor: Operator) throws -> Outcome {
        try outboxChange(post: id, by: actor, kind: "outbox-cancel", from: ["queued", "failed", "checking"],
                         sql: "UPDATE outbox SET state = 'cancelled' WHERE id = ?", done: "withdrew")
    }

    /// Sends a failed post (or one left for checking) again, from its first try.
    @discardableResult
    public func retry(post id: Int64, by actor: Operator) throws -> Outcome {
        try outboxChange(post: id, by: actor, kind: "outbox-retry", from: ["failed", "checking"],
                         sql: "UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = NULL, last_error = NULL WHERE id = ?",
                         done: "queued again")
    }

    private func outboxChange(post id: Int64, by actor: Operator, kind: String, from states: Set<String>, sql: String, done: String) throws -> Outcome {
        try transaction { db, now in
            guard let row = try Row.fetchOne(db, sql: "SELECT state, conversation_id FROM outbox WHERE id = ?", arguments: [id]) else {
                throw ActionError.refused("no post \(id) in the outbox (see `heed outbox list`)")
            }
            let state: String = row["state"]
            guard states.contains(state) else { throw ActionError.refused("post \(id) is \(state): only a \(states.sorted().joined(separator: ", ")) one") }
            try db.execute(sql: sql, arguments: [id])
            let conversation: Int64? = row["conversation_id"]
            try EventLog.append(db, at: now, operator: actor.handle, kind: kind, conversation: conversation, subject: String(id),
                                before: JSONWriter.object([("state", state)]), after: nil)
            return Outcome(conversationID: conversation ?? 0, kind: kind, version: 0, eventID: db.lastInsertedRowID,
                           summary: "\(actor.handle) \(done) post \(id)")
        }
    }

    /// Takes the most urgent open conversation nobody holds (no operator, no one replying) and
    /// assigns it to `actor`: the pull model. Refused at the operator's cap.
    @discardableResult
    public func next(by actor: Operator) throws -> Outcome {
        try transaction { db, now in
            if let cap = actor.maxAssigned {
                let held = try Self.held(db, by: actor.handle)
                if held >= cap { throw ActionError.refused("\(actor.handle) already holds \(held) conversations (their cap is \(cap))") }
            }
            guard let id = try Int64.fetchOne(db, sql: """
                SELECT c.id FROM conversation c
                WHERE c.status = 'open' AND c.assignee IS NULL
                  AND NOT EXISTS (SELECT 1 FROM claim WHERE conversation_id = c.id AND kind = 'replying' AND expires_at > ? AND operator <> ?)
                ORDER BY \(Queue.order) LIMIT 1
                """, arguments: [now, actor.handle]),
                  let (before, _) = try ConversationFields.fetch(db, conversation: id) else {
                throw ActionError.refused("nothing open that nobody holds")
            }
            var after = before
            after.assignee = actor.handle
            try after.write(db, conversation: id, over: before, by: actor.handle, now: now)
            return try finish(db, id: id, kind: "next", by: actor, before: before.json, after: after.json, subject: actor.handle, now: now)
        }
    }

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
                throw ActionError.refused("no escalation \(id) (see `heed escalation list`)")
            }
            guard escalation.state == "open" else { throw ActionError.refused("escalation \(id) is \(escalation.state) already") }
            guard actor.role == .lead || actor.teams.contains(escalation.team) else {
                throw ActionError.refused("\(actor.handle) is not in \(escalation.team) (nor a lead): only they may \(kind) its escalations")
            }
            let text = try change(db, escalation, now)
            try Self.bumpVersion(db, escalation.conversationID, now)
            return try finish(db, id: escalation.conversationID, kind: "escalation-" + kind, by: actor, before: nil,
                              after: SideRecord(id: id, text: text, team: escalation.team).json, subject: String(id), now: now,
                              summary: "\(actor.handle) \(kind == "answer" ? "answered" : "closed") escalation \(id) (#\(escalation.conversationID), \(escalation.team))")
        }
    }

    static func held(_ db: Database, by handle: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation WHERE assignee = ? AND status IN ('open', 'waiting', 'snoozed')",
                         arguments: [handle]) ?? 0
    }

    // MARK: Undo and redo

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

    // MARK: Parts

    func transaction(_ body: (Database, Int64) throws -> Outcome) throws -> Outcome {
        guard let lock else { return try write(body) }
        return try lock.holding { try write(body) }
    }

    private func write(_ body: (Database, Int64) throws -> Outcome) throws -> Outcome {
        do {
            return try database.writer.writeWithoutTransaction { db in
                var outcome: Outcome?
                try db.inTransaction(.immediate) {
                    let now = clock.now()
                    try Snooze.wake(db, now: now)
                    outcome = try body(db, now)
                    return .commit
                }
                return outcome!
            }
        } catch let error as ActionError {
            throw error.heedError
        }
    }

    private func finish(_ db: Database, id: Int64, kind: String, by actor: Operator, before: String?, after: String?, subject: String?,
                        now: Int64, summary: String? = nil) throws -> Outcome {
        try EventLog.append(db, at: now, operator: actor.handle, kind: kind, conversation: id, subject: subject, before: before, after: after)
        let eventID = db.lastInsertedRowID
        let version = try Int.fetchOne(db.cachedStatement(sql: "SELECT version FROM conversation WHERE id = ?"), arguments: [id]) ?? 0
        return Outcome(conversationID: id, kind: kind, version: version, eventID: eventID,
                       summary: summary ?? "\(actor.handle) \(Self.phrase(kind, "#\(id)"))")
    }

    /// What an event of `kind` did to `object`, for people: "resolved #42", "took it out of spam".
    static func phrase(_ kind: String, _ object: String) -> String {
        switch kind {
        case "tag": "tagged \(object)"
        case "note": "added a note to \(object)"
        case "assign": "assigned \(object)"
        case "unassign": "unassigned \(object)"
        case "escalate": "escalated \(object)"
        case "snooze": "snoozed \(object)"
        case "resolve": "resolved \(object)"
        case "reopen": "reopened \(object)"
        case "spam": "marked \(object) as spam"
        case "not-spam": "took \(object) out of spam"
        case "undo": "undid an action on \(object)"
        case "redo": "redid an action on \(object)"
        case "wake": "woke \(object) from its snooze"
        case "next": "took \(object) (next)"
        case "escalation-answer": "answered the escalation of \(object)"
        case "reply": "replied to \(object)"
        case "take-over": "took over the reply to \(object)"
        case "escalation-close": "closed the escalation of \(object)"
        default: "changed \(object) (\(kind))"
        }
    }

    /// "sam resolved this 20 s ago", from the conversation's latest event.
    static func lastChange(_ db: Database, conversation id: Int64, now: Int64) throws -> String {
        guard let row = try Row.fetchOne(db, sql: "SELECT operator, kind, at FROM event WHERE conversation_id = ? ORDER BY id DESC LIMIT 1",
                                         arguments: [id]) else { return "#\(id) changed since you looked" }
        let who: String = row["operator"]
        return "#\(id) changed since you looked: \(who) \(phrase(row["kind"], "it")) \(Age.short(milliseconds: now - row["at"])) ago"
    }

    private static func subject(of command: TriageCommand) -> String? {
        switch command {
        case .tag(let add, let remove):
            return (add.compactMap { try? "+" + tagName($0) } + remove.compactMap { try? "-" + tagName($0) }).joined(separator: " ")
        case .assign(let target): return target
        case .snooze(let until): return until.map { RFC3339.string(fromMilliseconds: $0) } ?? "until the customer writes"
        default: return nil
        }
    }

    /// A note or an escalation changes what others saw of the conversation too.
    private static func bumpVersion(_ db: Database, _ id: Int64, _ now: Int64) throws {
        try db.cachedStatement(sql: "UPDATE conversation SET version = version + 1, updated_at = ? WHERE id = ?").execute(arguments: [now, id])
    }

    static func required(_ text: String, _ message: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ActionError.refused(message) }
        return trimmed
    }

    /// A tag as typed (`+billing`, `-spam` and `#vip` are the same names).
    static func tagName(_ text: String) throws -> String {
        let name = String(text.drop { $0 == "+" || $0 == "-" || $0 == "#" })
        guard !name.isEmpty, !name.contains(where: { $0.isWhitespace || $0.isNewline }), name.count <= 64 else {
            throw ActionError.refused("\"\(text)\" is not a tag: a word of at most 64 characters, no spaces")
        }
        return name
    }

    static func unknownTeam(_ team: String, _ config: Config) -> String {
        "no team \"\(team)\"; teams: \(config.teams.map(\.name).joined(separator: ", "))"
    }
}

/// A note or an escalation an action created, as its event keeps it (so redo can make it again).
struct SideRecord: Codable, Equatable {
    var id: Int64
    var text: String?
    var team: String?

    var json: String { String(decoding: try! JSONEncoder().encode(self), as: UTF8.self) }

    static func decode(_ json: String?) -> SideRecord? {
        json.flatMap { try? JSONDecoder().decode(SideRecord.self, from: Data($0.utf8)) }
    }
}
