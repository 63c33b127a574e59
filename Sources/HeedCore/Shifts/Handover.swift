import Foundation
import GRDB

/// What an operator leaves the next one: their note and what heed found at the end of the shift.
public struct Handover: Sendable, Equatable, Codable {
    public struct Item: Sendable, Equatable, Codable {
        public var conversation: Int64
        public var priority: Int
        public var dueAt: Int64?
        public var text: String
        enum CodingKeys: String, CodingKey { case conversation, priority, dueAt = "due_at", text }
    }

    public struct PendingEscalation: Sendable, Equatable, Codable {
        public var id: Int64
        public var conversation: Int64
        public var team: String
        public var openedAt: Int64
        enum CodingKeys: String, CodingKey { case id, conversation, team, openedAt = "opened_at" }
    }

    public struct Post: Sendable, Equatable, Codable {
        public var id: Int64
        public var kind: String
        public var state: String
        public var conversation: Int64?
    }

    public struct ActiveIncident: Sendable, Equatable, Codable {
        public var id: Int64
        public var title: String
        public var open: Int
    }

    public struct Figures: Sendable, Equatable, Codable {
        /// Conversations they acted on during the shift.
        public var handled: Int
        /// Replies they queued during the shift (not withdrawn).
        public var replied: Int
        /// For the conversations they answered first: customer's first message to our first reply.
        public var medianFirstResponseMs: Int64?
        enum CodingKeys: String, CodingKey { case handled, replied, medianFirstResponseMs = "median_first_response_ms" }
    }

    public var shift: Int64
    public var operatorHandle: String
    public var startedAt: Int64
    public var endedAt: Int64
    public var note: String?
    public var automatic: Bool
    /// Conversations assigned to them as the shift ended (before release or passing on).
    public var assigned: [Item]
    public var escalations: [PendingEscalation]
    /// Their drafts and posts not sent yet (queued, failed, left for checking).
    public var unsent: [Post]
    /// Open conversations anyone holds whose SLA falls due within the next hour.
    public var atRisk: [Item]
    public var incidents: [ActiveIncident]
    public var figures: Figures
    /// Where their conversations went: nil released to the pool, else the operator they went to.
    public var passedTo: String?
    /// Replies they began and did not send (nil in handovers written before drafts were kept).
    public var drafts: [Item]? = nil
    /// The report's measures (`docs/reports.md`) of the conversations they answered first in the
    /// shift, followed to its end: how their answers landed (nil in handovers written before).
    public var measures: ReportMeasures? = nil

    enum CodingKeys: String, CodingKey {
        case shift, operatorHandle = "operator", startedAt = "started_at", endedAt = "ended_at", note, automatic, assigned, escalations,
             unsent, atRisk = "at_risk", incidents, figures, passedTo = "passed_to", drafts, measures
    }

    var json: String { String(decoding: try! JSONEncoder().encode(self), as: UTF8.self) }

    /// What heed finds for `shift` ending at `now`.
    static func make(_ db: Database, shift: Shift, note: String?, automatic: Bool, passedTo: String?, config: Config, now: Int64) throws -> Handover {
        let handle = shift.operatorHandle
        let itemSQL = """
            SELECT c.id, c.priority, c.due_at, coalesce(m.text, '') AS text FROM conversation c
            LEFT JOIN mention m ON m.id = coalesce(c.latest_customer_mention_id, c.latest_mention_id)
            """
        let item = { (row: Row) in
            Item(conversation: row["id"], priority: row["priority"], dueAt: row["due_at"], text: Self.line(row["text"]))
        }
        let assigned = try Row.fetchAll(db, sql: itemSQL + " WHERE c.assignee = ? AND c.status IN ('open', 'waiting', 'snoozed') ORDER BY \(Queue.triageOrderSQL)",
                                        arguments: [handle]).map(item)
        let atRisk = try Row.fetchAll(db, sql: itemSQL + " WHERE c.status = 'open' AND c.due_at > ? AND c.due_at <= ? ORDER BY c.due_at LIMIT 20",
                                      arguments: [now, now + 3_600_000]).map(item)
        let escalations = try Row.fetchAll(db, sql: """
            SELECT e.id, e.conversation_id, e.team, e.opened_at FROM escalation e JOIN conversation c ON c.id = e.conversation_id
            WHERE e.state = 'open' AND (e.opened_by = ? OR c.assignee = ?) ORDER BY e.opened_at
            """, arguments: [handle, handle]).map {
            PendingEscalation(id: $0["id"], conversation: $0["conversation_id"], team: $0["team"], openedAt: $0["opened_at"])
        }
        let unsent = try Row.fetchAll(db, sql: """
            SELECT id, kind, state, conversation_id FROM outbox WHERE operator = ? AND state IN ('queued', 'sending', 'failed', 'checking') ORDER BY id
            """, arguments: [handle]).map { Post(id: $0["id"], kind: $0["kind"], state: $0["state"], conversation: $0["conversation_id"]) }
        let quiet = now - Int64(config.triage.incidents.quietMinutes) * 60_000
        let incidents = try Incident.list(db, now: now, quietMinutes: config.triage.incidents.quietMinutes)
            .filter { $0.state == .active && $0.lastMemberAt >= quiet }
            .map { ActiveIncident(id: $0.id, title: $0.title, open: $0.open) }
        let drafts = try Draft.all(db, by: handle).map { draft in
            Item(conversation: draft.conversationID, priority: try Int.fetchOne(db, sql: "SELECT priority FROM conversation WHERE id = ?",
                                                                                 arguments: [draft.conversationID]) ?? 0,
                 dueAt: nil, text: Self.line(draft.text))
        }
        let firsts = try firstAnswers(CacheReader(db), operator: handle, from: shift.startedAt, to: now)
        return Handover(shift: shift.id, operatorHandle: handle, startedAt: shift.startedAt, endedAt: now, note: note, automatic: automatic,
                        assigned: assigned, escalations: escalations, unsent: unsent, atRisk: atRisk, incidents: incidents,
                        figures: try figures(CacheReader(db), operator: handle, from: shift.startedAt, to: now, firsts: firsts), passedTo: passedTo, drafts: drafts,
                        measures: try Report.measures(db, conversations: firsts.map(\.conversation), config: config, now: now))
    }

    /// The conversations whose first reply (not withdrawn) was theirs in [start, end], with how
    /// long the customer had waited for it since their first message.
    static func firstAnswers(_ store: some StoreReader, operator handle: String, from start: Int64, to end: Int64) throws -> [(conversation: Int64, wait: Int64)] {
        try store.all("""
            SELECT o.conversation_id, o.created_at - (SELECT min(m.created_at) FROM mention m WHERE m.conversation_id = o.conversation_id AND m.ours = 0)
            FROM outbox o
            WHERE o.operator = ?1 AND o.kind = 'reply' AND o.state <> 'cancelled' AND o.created_at >= ?2 AND o.created_at <= ?3
              AND o.id = (SELECT min(f.id) FROM outbox f WHERE f.conversation_id = o.conversation_id AND f.kind = 'reply' AND f.state <> 'cancelled')
            """, [.text(handle), .integer(start), .integer(end)]) { ($0.int64(0), $0.optionalInt64(1) ?? -1) }
    }

    static func figures(_ store: some StoreReader, operator handle: String, from start: Int64, to end: Int64,
                        firsts: [(conversation: Int64, wait: Int64)]? = nil) throws -> Figures {
        let values: [StoreValue] = [.text(handle), .integer(start), .integer(end)]
        let handled = try store.int64("""
            SELECT count(DISTINCT conversation_id) FROM event WHERE operator = ?1 AND at >= ?2 AND at <= ?3 AND conversation_id IS NOT NULL
            """, values) ?? 0
        let replied = try store.int64("""
            SELECT count(*) FROM outbox WHERE operator = ?1 AND kind = 'reply' AND state <> 'cancelled' AND created_at >= ?2 AND created_at <= ?3
            """, values) ?? 0
        let waits = try (firsts ?? firstAnswers(store, operator: handle, from: start, to: end)).map(\.wait).filter { $0 >= 0 }.sorted()
        return Figures(handled: Int(handled), replied: Int(replied), medianFirstResponseMs: waits.isEmpty ? nil : waits[(waits.count - 1) / 2])
    }

    /// The handover as lines for people, for `reader` (their time zone): the note first and
    /// whole (its own line breaks kept), then what heed found, posts not sent counted by state and
    /// kind rather than listed; public text sanitised.
    public func lines(now: Int64, config: Config, reader: String?) -> [String] {
        let zone = config.timeZone(for: reader)
        var lines = ["handover from \(operatorHandle)" + (automatic ? " (ended automatically after \(config.maxShiftHours) h)" : "")
            + ": \(ShiftClock.string(startedAt, timeZone: zone, now: now))–\(ShiftClock.string(endedAt, timeZone: zone, now: now)), "
            + "ended \(Age.short(milliseconds: now - endedAt)) ago"]
        if let note, !note.isEmpty {
            let noteLines = DisplayText(untrusted: note, keepNewlines: true).string.split(separator: "\n", omittingEmptySubsequences: false)
            lines.append("  note: " + (noteLines.first.map(String.init) ?? ""))
            lines += noteLines.dropFirst().map { "        " + $0 }
        }
        let response = figures.medianFirstResponseMs.map { ", median first response \(Age.short(milliseconds: $0))" } ?? ""
        lines.append("  handled \(figures.handled), replied \(figures.replied)\(response)")
        if let measures, measures.heard.answered > 0 {
            let responsiveness = measures.responsiveness
            var landed = ["on the customer's channel \(measures.heard.answeredOnTheirChannel)"]
            let timed = responsiveness.slaMet + responsiveness.slaBreached
            if timed > 0 { landed.append("SLA met \(responsiveness.slaMet) of \(timed)") }
            landed += ["two-way \(measures.dialogue.twoWay)", "resolved \(responsiveness.resolution.count)"]
            if measures.mood.measured > 0 {
                landed.append("customers' mood \(Report.signed(measures.mood.before)) → \(Report.signed(measures.mood.after))")
            }
            lines.append("  their first answers (\(measures.heard.answered)): " + landed.joined(separator: ", "))
        }
        func due(_ at: Int64?) -> String { at.map { $0 > now ? "due \(Age.short(milliseconds: $0 - now))" : "late \(Age.short(milliseconds: now - $0))" } ?? "" }
        if !assigned.isEmpty {
            lines.append("  their conversations (\(passedTo.map { "passed to \($0)" } ?? "released to the pool")):")
            for item in assigned.prefix(10) { lines.append("    #\(item.conversation) ▲\(item.priority) \(due(item.dueAt)) \(DisplayText(untrusted: item.text).string)") }
            if assigned.count > 10 { lines.append("    … and \(assigned.count - 10) more") }
        }
        for escalation in escalations { lines.append("  escalation \(escalation.id) of #\(escalation.conversation) to \(escalation.team) still open") }
        if !unsent.isEmpty {
            // Fifteen posts waiting are one line: how many, in which state, of which kind.
            let byState = Dictionary(grouping: unsent, by: \.state).sorted { $0.key < $1.key }.map { state, posts in
                let kinds = Dictionary(grouping: posts, by: \.kind).sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value.count)" }
                return "\(posts.count) \(state) (\(kinds.joined(separator: ", ")))"
            }
            lines.append("  \(unsent.count) post\(unsent.count == 1 ? "" : "s") not sent: " + byState.joined(separator: "; ") + " — the Outbox view lists them")
        }
        if let drafts, !drafts.isEmpty {
            lines.append("  \(drafts.count) repl\(drafts.count == 1 ? "y" : "ies") begun and not sent (drafts):")
            for item in drafts.prefix(10) { lines.append("    #\(item.conversation) \(DisplayText(untrusted: item.text).string)") }
            if drafts.count > 10 { lines.append("    … and \(drafts.count - 10) more") }
        }
        if !atRisk.isEmpty {
            lines.append("  SLA at risk in the next hour:")
            for item in atRisk.prefix(10) { lines.append("    #\(item.conversation) ▲\(item.priority) \(due(item.dueAt)) \(DisplayText(untrusted: item.text).string)") }
        }
        for incident in incidents { lines.append("  incident \(incident.id) active: \(DisplayText(untrusted: incident.title).string) (\(incident.open) open)") }
        return lines
    }

    private static func line(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 70 ? flat.prefix(69) + "…" : flat
    }
}
