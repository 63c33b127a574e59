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
        try transaction { db, now in try apply(command, on: id, by: actor, expecting: expecting, db, now) }
    }

    /// `perform`'s work inside a transaction already open (a macro runs several in one).
    func apply(_ command: TriageCommand, on id: Int64, by actor: Operator, expecting: Int?, _ db: Database, _ now: Int64) throws -> Outcome {
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
            if open { throw ActionError.unchanged("#\(id) is already escalated to \(team)") }
            try db.execute(sql: "INSERT INTO escalation (conversation_id, team, note, opened_by, opened_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, team, note, actor.handle, now])
            let record = SideRecord(id: db.lastInsertedRowID, text: note, team: team)
            try Self.bumpVersion(db, id, now)
            return try finish(db, id: id, kind: command.kind, by: actor, before: nil, after: record.json, subject: team, now: now)
        default:
            let after = try changed(before, by: command, conversation: id, in: db, now: now)
            guard after != before else { throw ActionError.unchanged("#\(id): nothing to change (\(command.kind))") }
            try after.write(db, conversation: id, over: before, by: actor.handle, now: now)
            return try finish(db, id: id, kind: command.kind, by: actor, before: before.json, after: after.json,
                              subject: Self.subject(of: command), now: now)
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
                // Routed to whoever of the team is on shift and holds least, unless someone on shift has it.
                let holderOnShift = try before.assignee.map { try Shift.running(db, operator: $0) != nil } ?? false
                if !holderOnShift, let member = try Self.onShiftMember(of: target, in: db, config: config) { after.assignee = member }
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
            guard before.status != .open else { throw ActionError.unchanged("#\(id) is open already") }
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

    func finish(_ db: Database, id: Int64, kind: String, by actor: Operator, before: String?, after: String?, subject: String?,
                        now: Int64, summary: String? = nil) throws -> Outcome {
        try EventLog.append(db, at: now, operator: actor.handle, kind: kind, conversation: id, subject: subject, before: before, after: after)
        let eventID = db.lastInsertedRowID
        let version = try Int.fetchOne(db.cachedStatement(sql: "SELECT version FROM conversation WHERE id = ?"), arguments: [id]) ?? 0
        return Outcome(conversationID: id, kind: kind, version: version, eventID: eventID,
                       summary: summary ?? "\(actor.handle) \(Self.phrase(kind, "#\(id)"))")
    }

    /// What an event of `kind` did to `object`, for people: "resolved #42", "took it out of spam".
    public static func phrase(_ kind: String, _ object: String) -> String {
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
        case "macro": "ran a macro on \(object)"
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
    static func bumpVersion(_ db: Database, _ id: Int64, _ now: Int64) throws {
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

    /// The member of `team` on shift who holds the fewest conversations (within their cap), if any.
    static func onShiftMember(of team: String, in db: Database, config: Config) throws -> String? {
        let running = Set(try Shift.allRunning(db).map(\.operatorHandle))
        return try config.operators.filter { $0.teams.contains(team) && running.contains($0.handle) }
            .map { ($0, try held(db, by: $0.handle)) }
            .filter { member, held in member.maxAssigned.map { held < $0 } ?? true }
            .min { $0.1 < $1.1 }?.0.handle
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
