import Foundation
import GRDB

/// Relationship measures over a period, cut by day, week, channel, team, operator or shift,
/// with the period's shifts, incidents and the advocates not tagged yet. `docs/reports.md`
/// defines every figure.
public struct Report: Sendable, Equatable, Codable {
    public struct Group: Sendable, Equatable, Codable {
        public var key: String
        public var measures: ReportMeasures

        public init(key: String, measures: ReportMeasures) {
            (self.key, self.measures) = (key, measures)
        }
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
        try database.read { db in try make(CacheReader(db), config: config, since: since, until: until, by: grouping, now: now) }
    }

    /// The same report from a copy of the cache in PostgreSQL (`heed store migrate --to`), read as
    /// of one moment by a role that needs only SELECT.
    public static func make(_ location: PostgresLocation, config: Config, since: Int64, until: Int64, by grouping: ReportGrouping, now: Int64) throws -> Report {
        let store = try PostgresReader(location)
        defer { store.close() }
        return try make(store, config: config, since: since, until: until, by: grouping, now: now)
    }

    static func make(_ store: some StoreReader, config: Config, since: Int64, until: Int64, by grouping: ReportGrouping, now: Int64) throws -> Report {
        let facts = try ReportFacts.load(store, since: since, until: until, now: now)
        var report = Report(facts: facts, config: config, since: since, until: until, by: grouping, now: now)
        var handleOf: [Int64: String] = [:]
        let handles = try store.rows("""
            SELECT contact_id, channel || ':' || handle FROM contact_handle WHERE contact_id \(store.idIn(1)) ORDER BY last_seen_at DESC
            """, [.text(ReportFacts.idList(report.suggestedAdvocates.map(\.contact)))])
        while try handles.step() {
            if handleOf[handles.int64(0)] == nil { handleOf[handles.int64(0)] = handles.text(1) }
        }
        for at in report.suggestedAdvocates.indices { report.suggestedAdvocates[at].handle = handleOf[report.suggestedAdvocates[at].contact] ?? "" }
        return report
    }

    init(facts: ReportFacts, config: Config, since: Int64, until: Int64, by grouping: ReportGrouping, now: Int64) {
        let clock = SLAClock(sla: config.sla, hours: config.businessHours)
        let calendar = ReportCalendar(timeZone: config.timeZone)
        var tallies: [String: ReportTally] = [:]
        var total = ReportTally()
        let inPeriod = { (at: Int64) in at >= since && at < until }
        let shiftOf = Self.shiftFinder(facts.shifts.map(\.shift))

        let repeats = Self.repeats(facts.recent)
        for conversation in facts.conversations {
            let first = conversation.firstCustomerAt
            let answer = first.flatMap(conversation.firstAnswer(from:))
            let groupKey = grouping.key(channel: conversation.channel, team: conversation.team, answeredBy: answer?.operatorHandle,
                                        assignee: conversation.assignee, shift: answer.flatMap { shiftOf($0.operatorHandle, $0.at) })
            func key(at: Int64) -> String {
                grouping.isByTime ? calendar.key(at, grouping) : groupKey
            }
            func add(at: Int64, _ change: (inout ReportTally) -> Void) {
                change(&tallies[key(at: at), default: ReportTally()])
                change(&total)
            }

            var written = 0
            for (index, message) in conversation.messages.enumerated() where !message.ours && inPeriod(message.at) {
                // By time each message goes to its own day; otherwise the conversation's row takes them at once.
                if grouping.isByTime { add(at: message.at) { $0.measures.heard.mentionsIn += 1 } } else { written += 1 }
                if message.kind == .praise, let contact = facts.contactOfHandle[message.handle] {
                    add(at: message.at) { $0.praise[contact, default: 0] += 1 }
                }
                if let defence = conversation.defences.first(where: { $0.message == index }),
                   let contact = facts.contactOfHandle[message.handle], facts.contactOfHandle[defence.complainer] != contact {
                    add(at: message.at) { $0.defenders.insert(contact) }
                }
            }

            if written > 0 { add(at: 0) { $0.measures.heard.mentionsIn += written } }
            guard let first, inPeriod(first) else { continue }
            let outcome = ConversationOutcome(conversation, first: first, answer: answer, clock: clock, now: now, repeated: repeats.contains(conversation.id))
            add(at: first) { $0.count(outcome) }
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

    /// The measures of the conversations `ids` names, each counted as opened, followed to `now`:
    /// a shift's handover gives those of the conversations its operator answered first.
    public static func measures(_ db: Database, conversations ids: [Int64], config: Config, now: Int64) throws -> ReportMeasures {
        let clock = SLAClock(sla: config.sla, hours: config.businessHours)
        var tally = ReportTally()
        for conversation in try ReportFacts.conversations(CacheReader(db), ids: ids) {
            guard let first = conversation.firstCustomerAt else { continue }
            let answer = conversation.firstAnswer(from: first)
            tally.count(ConversationOutcome(conversation, first: first, answer: answer, clock: clock, now: now, repeated: false))
        }
        return tally.finished(earlierPraisers: [])
    }

    /// Conversations whose customer had another of the same kind whose last message was at most
    /// a week before this one's first. Each customer's conversations are walked in order once,
    /// keeping the latest end per kind: a regular with thousands of conversations costs no more
    /// than thousands of customers.
    static func repeats(_ recent: [ReportFacts.Recent]) -> Set<Int64> {
        var repeats = Set<Int64>()
        for list in Dictionary(grouping: recent, by: \.contact).values where list.count > 1 {
            var latestEnd: [MentionKind: Int64] = [:]
            var at = 0
            let sorted = list.sorted { ($0.first, $0.id) < ($1.first, $1.id) }
            for item in sorted {
                // Those that began strictly before this one count; ties began together.
                while at < sorted.count && sorted[at].first < item.first {
                    latestEnd[sorted[at].kind] = max(latestEnd[sorted[at].kind] ?? .min, sorted[at].last)
                    at += 1
                }
                if let end = latestEnd[item.kind], item.first - end <= ReportFacts.lookBack { repeats.insert(item.id) }
            }
        }
        return repeats
    }

    /// The shift `operator` was on at `at`, as its row key: "shift 12 (sam)".
    private static func shiftFinder(_ shifts: [Shift]) -> (String?, Int64) -> String? {
        let byOperator = Dictionary(grouping: shifts, by: \.operatorHandle)
        return { handle, at in
            guard let handle else { return nil }
            return byOperator[handle]?.first { $0.startedAt <= at && at <= ($0.endedAt ?? .max) }.map { "shift \($0.id) (\(handle))" }
        }
    }
}
