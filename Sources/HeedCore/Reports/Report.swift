import Foundation
import GRDB

/// Relationship measures over a period, cut by day, week, channel, team, operator or shift,
/// with the period's shifts, incidents and the advocates not tagged yet. `docs/reports.md`
/// defines every figure.
public struct Report: Sendable, Equatable, Codable {
    public struct Group: Sendable, Equatable, Codable {
        public var key: String
        public var measures: ReportMeasures
    }

    /// One shift that started in the period: the team's own measures.
    public struct ShiftLine: Sendable, Equatable, Codable {
        public var shift: Int64
        public var `operator`: String
        public var startedAt: String
        public var endedAt: String?
        public var handled: Int
        public var replied: Int
        public var medianFirstResponseMs: Int64?
        /// Its who's-online intro went out as it started (queued, not withdrawn).
        public var introPosted: Bool
        /// From its end to the first acknowledgement of its handover.
        public var handoverAcknowledgedAfterMs: Int64?
    }

    public struct IncidentLine: Sendable, Equatable, Codable {
        public var id: Int64
        public var title: String
        public var startedAt: String
        public var complaints: Int
        /// From its first complaint to our first public post about it (a broadcast).
        public var firstPostAfterMs: Int64?
        public var complaintsAfterPost: Int
    }

    /// A customer who praised us twice or more in the period and has no `advocate` tag yet.
    public struct Advocate: Sendable, Equatable, Codable {
        public var contact: Int64
        /// Their latest handle, as `heed contact` takes it: `channel:handle`.
        public var handle: String
        public var praise: Int
    }

    public var since: String
    public var until: String
    public var by: ReportGrouping
    public var timeZone: String
    public var businessHoursOnly: Bool
    public var groups: [Group]
    public var total: ReportMeasures
    public var shifts: [ShiftLine]
    public var incidents: [IncidentLine]
    public var suggestedAdvocates: [Advocate]

    /// The report of [since, until) as the cache stands at `now`: conversations opened in the
    /// period are followed to today, so a past period's answers and resolutions still count.
    public static func make(_ database: AppDatabase, config: Config, since: Int64, until: Int64, by grouping: ReportGrouping, now: Int64) throws -> Report {
        try database.read { db in
            let facts = try ReportFacts.load(db, since: since, until: until, now: now)
            var report = Report(facts: facts, config: config, since: since, until: until, by: grouping, now: now)
            let handles = try Row.fetchAll(db, sql: """
                SELECT contact_id, channel || ':' || handle FROM contact_handle WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY last_seen_at DESC
                """, arguments: ["[" + report.suggestedAdvocates.map { String($0.contact) }.joined(separator: ",") + "]"])
            var handleOf: [Int64: String] = [:]
            for row in handles where handleOf[row[0]] == nil { handleOf[row[0]] = row[1] }
            for at in report.suggestedAdvocates.indices { report.suggestedAdvocates[at].handle = handleOf[report.suggestedAdvocates[at].contact] ?? "" }
            return report
        }
    }

    init(facts: ReportFacts, config: Config, since: Int64, until: Int64, by grouping: ReportGrouping, now: Int64) {
        let clock = SLAClock(sla: config.sla, hours: config.businessHours)
        let calendar = ReportCalendar(timeZone: config.timeZone)
        var tallies: [String: ReportTally] = [:]
        var total = ReportTally()
        let inPeriod = { (at: Int64) in at >= since && at < until }
        let shiftOf = Self.shiftFinder(facts.shifts.map(\.shift))

        // The week before the period is read for repeat contact only: each customer's conversations in order.
        var previous: [Int64: [(kind: MentionKind?, first: Int64, last: Int64)]] = [:]
        for conversation in facts.conversations {
            guard let contact = conversation.contact, let first = conversation.customer.first?.at, let last = conversation.customer.last?.at else { continue }
            previous[contact, default: []].append((conversation.kind, first, last))
        }

        for conversation in facts.conversations {
            let first = conversation.firstCustomerAt
            let answer = first.flatMap { start in conversation.answers.first { $0.at >= start } }
            let groupKey = grouping.key(channel: conversation.channel, team: conversation.team, answeredBy: answer?.operatorHandle,
                                        assignee: conversation.assignee, shift: answer.flatMap { shiftOf($0.operatorHandle, $0.at) })
            func key(at: Int64) -> String {
                grouping == .day || grouping == .week ? calendar.key(at, grouping) : groupKey
            }
            func add(at: Int64, _ change: (inout ReportTally) -> Void) {
                change(&tallies[key(at: at), default: ReportTally()])
                change(&total)
            }

            for (index, message) in conversation.messages.enumerated() where !message.ours && inPeriod(message.at) {
                add(at: message.at) { $0.measures.heard.mentionsIn += 1 }
                if message.kind == .praise, let contact = facts.contactOfHandle[message.handle] {
                    add(at: message.at) { $0.praise[contact, default: 0] += 1 }
                }
                if let defence = conversation.defences.first(where: { $0.message == index }),
                   let contact = facts.contactOfHandle[message.handle], facts.contactOfHandle[defence.complainer] != contact {
                    add(at: message.at) { $0.defenders.insert(contact) }
                }
            }

            guard let first, inPeriod(first) else { continue }
            let customer = conversation.customer
            let repeated = conversation.contact.flatMap { previous[$0] }?.contains { other in
                other.first < first && first - other.last <= ReportFacts.lookBack && other.kind == conversation.kind
                    && conversation.kind.map { $0 != .spam && $0 != .other } == true
            } ?? false
            add(at: first) { tally in
                tally.measures.heard.opened += 1
                if let answer {
                    tally.measures.heard.answered += 1
                    if !conversation.answers.contains(where: { $0.at >= first && Self.movesAway($0.text) }) {
                        tally.measures.heard.answeredOnTheirChannel += 1
                    }
                    tally.firstResponses.append(clock.elapsed(from: first, to: answer.at))
                    if customer.contains(where: { $0.at > answer.at }) { tally.measures.dialogue.twoWay += 1 }
                    if let last = customer.last, last.at > answer.at, last.kind == .praise, conversation.status == .resolved {
                        tally.measures.dialogue.closedWithThanks += 1
                    }
                    Self.addMood(customer, answer: answer.at, to: &tally)
                } else {
                    switch conversation.status {
                    case .spam: tally.measures.heard.unansweredSpam += 1
                    case .resolved: tally.measures.heard.unansweredResolved += 1
                    default: tally.measures.heard.unansweredOpen += 1
                    }
                }
                if let resolved = conversation.resolvedAt { tally.resolutions.append(clock.elapsed(from: first, to: resolved)) }
                // Spam, and what was resolved without a word (nothing asked for one), have no SLA.
                if let target = conversation.slaMinutes, conversation.status != .spam, answer != nil || conversation.status != .resolved {
                    Self.addSLA(target: target, waited: clock.elapsed(from: first, to: answer?.at ?? now), answered: answer != nil, to: &tally)
                }
                if repeated { tally.measures.dialogue.repeatWithin7Days += 1 }
                let negative = customer.firstIndex { ($0.sentiment ?? 0) <= -MessageAnalyzer.polarityThreshold }
                if let negative {
                    tally.measures.mood.detractors += 1
                    if customer[negative...].contains(where: { ($0.sentiment ?? 0) >= MessageAnalyzer.polarityThreshold }) { tally.measures.mood.turned += 1 }
                }
                if conversation.kind == .idea {
                    tally.measures.ideas.received += 1
                    if conversation.tagged { tally.measures.ideas.tagged += 1 }
                    if conversation.escalated { tally.measures.ideas.passedToTeam += 1 }
                    if answer != nil && conversation.status == .resolved { tally.measures.ideas.closedWithAnswer += 1 }
                }
            }
        }

        let zone = config.timeZone
        self.since = RFC3339.string(fromMilliseconds: since)
        self.until = RFC3339.string(fromMilliseconds: until)
        self.by = grouping
        self.timeZone = zone
        self.businessHoursOnly = config.sla.businessHoursOnly && config.businessHours != nil
        groups = tallies.keys.sorted().map { Group(key: $0, measures: tallies[$0]!.finished(earlierPraisers: facts.earlierPraisers)) }
        self.total = total.finished(earlierPraisers: facts.earlierPraisers)
        shifts = facts.shifts.filter { inPeriod($0.shift.startedAt) }.map { record in
            ShiftLine(shift: record.shift.id, operator: record.shift.operatorHandle, startedAt: RFC3339.string(fromMilliseconds: record.shift.startedAt),
                      endedAt: record.shift.endedAt.map(RFC3339.string(fromMilliseconds:)), handled: record.figures.handled,
                      replied: record.figures.replied, medianFirstResponseMs: record.figures.medianFirstResponseMs, introPosted: record.introPosted,
                      handoverAcknowledgedAfterMs: record.firstAcknowledgedAt.flatMap { acknowledged in record.shift.endedAt.map { max(0, acknowledged - $0) } })
        }
        incidents = facts.incidents.map { incident in
            IncidentLine(id: incident.id, title: incident.title, startedAt: RFC3339.string(fromMilliseconds: incident.startedAt),
                         complaints: incident.complaints, firstPostAfterMs: incident.firstBroadcastAt.map { max(0, $0 - incident.startedAt) },
                         complaintsAfterPost: incident.complaintsAfterBroadcast)
        }
        suggestedAdvocates = total.praise.filter { $0.value >= 2 && !facts.advocateTagged.contains($0.key) }
            .sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .map { Advocate(contact: $0.key, handle: "", praise: $0.value) }
    }

    private static func addMood(_ customer: [ReportFacts.Message], answer: Int64, to tally: inout ReportTally) {
        guard let before = customer.last(where: { $0.at <= answer && $0.sentiment != nil })?.sentiment,
              let after = customer.first(where: { $0.at > answer && $0.sentiment != nil })?.sentiment else { return }
        tally.measures.mood.measured += 1
        tally.moodBefore += before
        tally.moodAfter += after
    }

    private static func addSLA(target: Int, waited: Int64, answered: Bool, to tally: inout ReportTally) {
        var entry = tally.sla[target] ?? (0, 0, [])
        entry.conversations += 1
        let limit = Int64(target) * 60_000
        if waited > limit {
            entry.late.append(waited - limit)
        } else if answered {
            entry.met += 1
        }
        tally.sla[target] = entry
    }

    /// An answer that asks the customer to go elsewhere: a direct message, e-mail, a call.
    static func movesAway(_ text: String) -> Bool {
        let lower = text.lowercased()
        let words = Set(lower.split { !$0.isLetter && $0 != "-" }.map(String.init))
        if !words.isDisjoint(with: ["dm", "dms", "pm"]) { return true }
        return movingPhrases.contains { lower.contains($0) }
    }

    static let movingPhrases = ["direct message", "private message", "message us privately", "inbox us", "email us", "e-mail us",
                                "call us", "phone us", "give us a call", "ring us", "contact us at", "visit a branch", "pop into a branch"]

    /// The shift `operator` was on at `at`, as its row key: "shift 12 (sam)".
    private static func shiftFinder(_ shifts: [Shift]) -> (String?, Int64) -> String? {
        let byOperator = Dictionary(grouping: shifts, by: \.operatorHandle)
        return { handle, at in
            guard let handle else { return nil }
            return byOperator[handle]?.first { $0.startedAt <= at && at <= ($0.endedAt ?? .max) }.map { "shift \($0.id) (\(handle))" }
        }
    }
}
