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
    let lock: ActionLock?

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
        let kind = command.kind
        switch command {
        case .note(let text):
            let text = try Self.required(text, "a note needs text")
            try db.execute(sql: "INSERT INTO note (conversation_id, operator, text, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [id, actor.handle, text, now])
            let record = SideRecord(id: db.lastInsertedRowID, text: text)
            return outcome(try ConversationChange.record(db, conversation: id, expecting: expecting, by: actor.handle, kind: kind,
                                                         payload: record.json, now: now), id: id, kind: kind, by: actor)
        case .escalate(let team, let note):
            guard config.teams.contains(where: { $0.name == team }) else { throw ActionError.refused(Self.unknownTeam(team, config)) }
            if try Escalation.isOpen(db, conversation: id, team: team) { throw ActionError.unchanged("#\(id) is already escalated to \(team)") }
            let record = SideRecord(id: try Escalation.open(db, conversation: id, team: team, note: note, by: actor.handle, now: now), text: note, team: team)
            return outcome(try ConversationChange.record(db, conversation: id, expecting: expecting, by: actor.handle, kind: kind, subject: team,
                                                         payload: record.json, now: now), id: id, kind: kind, by: actor)
        default:
            guard let applied = try ConversationChange.fields(db, conversation: id, expecting: expecting, by: actor.handle, kind: kind,
                                                              subject: Self.subject(of: command), now: now, { fields in
                fields = try changed(fields, by: command, conversation: id, in: db, now: now)
            }) else { throw ActionError.unchanged("#\(id): nothing to change (\(kind.rawValue))") }
            return outcome(applied, id: id, kind: kind, by: actor,
                           summary: "\(actor.handle) \(kind.phrase("#\(id)"))" + (try remark(on: command, applied, actor: actor, db, now)))
        }
    }

    /// The time zone `actor` reads days and times of day in (a snooze "until tomorrow 9am").
    public func timeZone(for actor: Operator) -> TimeZone {
        TimeZone(identifier: config.timeZone(for: actor.handle)) ?? SnoozeTime.utc
    }

    /// What the one acting should know of what they just did: until when a snooze lasts, that
    /// the operator they assigned it to is not on shift.
    private func remark(on command: TriageCommand, _ applied: ConversationChange.Applied, actor: Operator, _ db: Database, _ now: Int64) throws -> String {
        switch command {
        case .snooze(let until?):
            return " until " + ShiftClock.string(until, timeZone: config.timeZone(for: actor.handle), now: now)
        case .snooze(nil):
            return " until the customer writes again"
        case .assign:
            guard let assignee = applied.after?.assignee, assignee != applied.before?.assignee, assignee != actor.handle,
                  try Shift.running(db, operator: assignee) == nil,
                  try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM shift WHERE ended_at IS NULL)") == true else { return "" }
            return " to \(assignee) — who is not on shift now"
        default:
            return ""
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
            return try database.writeWithoutTransaction { db in
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

    /// What a change did, as the action's outcome.
    func outcome(_ applied: ConversationChange.Applied, id: Int64, kind: EventKind, by actor: Operator, summary: String? = nil) -> Outcome {
        Outcome(conversationID: id, kind: kind.rawValue, version: applied.version, eventID: applied.eventID,
                summary: summary ?? "\(actor.handle) \(kind.phrase("#\(id)"))")
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

