import Foundation
import GRDB

/// Finds incidents: bursts of similar complaints. At least `min_mentions` complaints (or
/// questions, or negative messages) within `window_minutes` sharing a significant word or pair
/// of neighbouring words, at `rate_factor` times what that term usually brings or more, become
/// an incident named by its members' top words; later complaints with the same term join it
/// until it has been quiet for `quiet_minutes`.
///
/// What a term usually brings is the larger of its rate per window over the seven days before
/// (kept as counts per term and day in `term_day`) and its usual share of all complaints applied
/// to the window's traffic, so a busy hour or a day with twice the traffic is not a burst.
/// Until a term has a day of history behind it nothing is called a burst.
final class IncidentDetector {
    let settings: IncidentSettings
    /// Words too common to name an incident by.
    private static let common = TriageCues.builtIn.common
    typealias Fresh = [Int64: (at: Int64, conversation: Int64, terms: IncidentTerms)]
    /// The complaints stored since detection last ran, with their conversation.
    private var fresh: Fresh = [:]
    /// Those the running plan looks at (`takeFresh`); only the plan touches them, and `memory`.
    private var beingPlanned: Fresh = [:]
    /// Whether a plan runs, maybe on another thread while the import stores more; the stored
    /// complaints whose text changed meanwhile are forgotten once it is done.
    private let planLock = NSLock()
    private var planning = false
    private var forgotten: [(id: Int64, at: Int64)] = []
    /// Those not yet added to the per-day counts (each transaction adds its own).
    private var uncounted: [(at: Int64, keys: [Int64])] = []
    /// How many complaints wait for detection.
    var pending: Int { fresh.count }
    /// Complaints of this import's earlier batches and of the windows it read, with their terms.
    /// The latest `rememberedLimit` or so are kept.
    private var memory = ComplaintMemory()
    static let rememberedLimit = 50_000

    /// The messages incidents are made of, as SQL over `mention` (the index
    /// `mention_complaint_time` is on exactly this) and as a test of an analysis.
    static let complaintSQL = "ours = 0 AND (kind IN ('complaint', 'question') OR sentiment < -0.05)"
    static func isComplaint(_ analysis: MessageAnalysis) -> Bool {
        analysis.kind == .complaint || analysis.kind == .question || analysis.sentiment < -0.05
    }

    /// The key under which `term_day` counts all complaints together.
    static let allTraffic: Int64 = 0
    static let day: Int64 = 86_400_000
    static let baselineDays = 7

    init(settings: IncidentSettings) {
        self.settings = settings
    }

    /// The terms a complaint is counted by.
    static func terms(of text: String) -> IncidentTerms {
        IncidentTerms(text, common: common, keepWords: false)
    }

    /// A complaint stored in this batch; `terms` when they were worked out already (`MentionReading`).
    func note(mention id: Int64, at: Int64, conversation: Int64, text: String, terms: IncidentTerms? = nil) {
        let terms = terms ?? Self.terms(of: text)
        fresh[id] = (at, conversation, terms)
        uncounted.append((at, terms.keys))
    }

    /// One complaint as detection sees it.
    private struct Complaint {
        var mention: Int64
        var at: Int64
        var conversation: Int64
        var terms: IncidentTerms
        /// Already in an incident (its conversation is): counts as traffic, joins nothing new.
        var taken: Bool
        var isNew: Bool
    }

    /// A batch's complaints are looked at an hour of their time at a time, so that an import of
    /// months holds only the complaints around that hour in memory. Each stretch also reads the
    /// window before and after it again: on the million-mention bench twenty minutes took 249 s
    /// (153 MB), an hour 189 s (156 MB), six hours 161 s (179 MB).
    static let stretch: Int64 = 3_600_000

    /// Adds the transaction's complaints to the per-day counts, inside it (the counts are the
    /// baseline later complaints are measured against).
    func countBatch(in db: Database) throws {
        var counts = TermDayCounts()
        for (at, keys) in uncounted { counts.add(at: at, keys: keys) }
        uncounted.removeAll(keepingCapacity: true)
        try counts.save(db)
    }

    /// What the complaints stored since the last plan join and start, worked out from what `db`
    /// shows without writing: an import does this after its transactions, outside the write
    /// lock, reading however much of the window they need while operators act (the window
    /// around a batch out of time order can be hours of complaints). They are then done with.
    func plan(reading db: Database) throws -> IncidentPlan {
        takeFresh()
        return try planTaken(reading: db)
    }

    /// Hands the complaints stored so far to the next plan (`planTaken`), which may then run on
    /// another thread, in a snapshot of the cache as it is now, while the import stores more.
    func takeFresh() {
        planLock.withLock { planning = true }
        beingPlanned = fresh
        fresh = [:]
    }

    /// The plan of the complaints `takeFresh` took.
    func planTaken(reading db: Database) throws -> IncidentPlan {
        var plan = IncidentPlan()
        let fresh = beingPlanned
        defer {
            if !fresh.isEmpty { rememberFresh(plan) }
            planLock.withLock {
                planning = false
                for (id, at) in forgotten { memory.forget(id, at: at) }
                forgotten.removeAll()
            }
        }
        guard !fresh.isEmpty else { return plan }
        let conversations = Set(fresh.values.map(\.conversation))
        memory.inIncident.formUnion(try Int64.fetchAll(db, sql: """
            SELECT id FROM conversation WHERE incident_id IS NOT NULL AND id IN (\(conversations.map(String.init).joined(separator: ",")))
            """))
        for (id, complaint) in fresh { memory.add(id, .init(at: complaint.at, conversation: complaint.conversation, terms: complaint.terms)) }
        let ordered = fresh.map { (id: $0.key, at: $0.value.at) }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        var baseline = Baseline(db: db, window: settings.window)
        var start = 0
        while start < ordered.count {
            var end = start
            while end < ordered.count && ordered[end].at - ordered[start].at < Self.stretch { end += 1 }
            // Incidents found in an earlier hour of the batch are joined like older ones.
            let stretch = ordered[start..<end]
            let joined = try joinActive(stretch, plan: &plan, db: db)
            let open = stretch.filter { !joined.contains($0.id) }
            if !open.isEmpty {
                try detect(in: try complaints(around: open.map(\.at), taken: plan.conversations, in: db), baseline: &baseline, plan: &plan, db: db)
            }
            start = end
            // What the next hours of the pass do not reach goes (a pass over a file out of time
            // order would otherwise hold every complaint of the days it spans).
            if start < ordered.count {
                memory.trim(limit: Self.rememberedLimit, keepFrom: ordered[start].at - settings.window, keepingLater: true)
            }
        }
        return plan
    }

    /// Writes what `plan` found, a few complaints at a time, until `spent` says the turn is up:
    /// returns what is left for the next turn (an incident started here is then a stored one),
    /// empty when all is written. An outage's thousands of complaints join it in turns short
    /// enough for the operators, whose actions wait for each. Between the plan and now an
    /// operator may have closed an incident or put a conversation in another: a closed incident
    /// is joined by nothing, and a conversation already in an incident stays there.
    func apply(_ plan: IncidentPlan, in db: Database, now: Int64, spent: () -> Bool = { false }) throws -> IncidentPlan {
        var rest = plan
        for index in rest.incidents.indices {
            let incident = rest.incidents[index]
            let id: Int64
            if let existing = incident.existing {
                guard !incident.joined.isEmpty else { continue }
                guard let active = try Self.activeIncident(existing, db) else {
                    rest.incidents[index].joined = []
                    continue
                }
                try db.execute(sql: "UPDATE incident SET started_at = min(started_at, ?), last_member_at = max(last_member_at, ?) WHERE id = ?",
                               arguments: [incident.start, incident.last, active])
                id = active
            } else {
                try db.execute(sql: """
                    INSERT INTO incident (title, terms, state, started_at, last_member_at, term_key) VALUES (?, ?, 'active', ?, ?, ?)
                    """, arguments: [incident.title, JSONWriter.array(incident.words), incident.start, incident.last, incident.match.key])
                id = db.lastInsertedRowID
                try EventLog.append(db, at: now, by: EventLog.triageOperator, kind: .incident, conversation: nil,
                                    subject: "incident \(id): \(incident.title) (\(incident.burst) in \(settings.windowMinutes) min)",
                                    before: nil, after: JSONWriter.object([("incident", String(id))]))
                rest.incidents[index].existing = id
            }
            while !rest.incidents[index].joined.isEmpty {
                let chunk = rest.incidents[index].joined.prefix(Self.adoptedAtOnce)
                try Self.adopt(Array(chunk), into: id, db: db, now: now)
                rest.incidents[index].joined.removeFirst(chunk.count)
                // The last chunk's turn goes on to the merges: a few statements, and a chunk of moves at most.
                if spent() && !rest.isEmpty { return rest }
            }
        }
        for id in rest.incidents.compactMap(\.existing) { try mergeTouching(id, db: db, now: now) }
        rest.moving = try !Self.moveMerged(db, now: now, spent: spent)
        return rest
    }

    /// Complaints put in their incident between two looks at the time (about 5 ms of writing).
    static let adoptedAtOnce = 64

    /// The incident complaints planned for `id` join: itself while active, the one it was merged
    /// into (since the plan was worked out) while that is; nil when that one is closed. A merge
    /// points what was merged into the one merged at the one it joins, so there is one step.
    private static func activeIncident(_ id: Int64, _ db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: """
            SELECT CASE WHEN i.state = 'active' THEN i.id WHEN i.state = 'merged' AND t.state = 'active' THEN t.id END
            FROM incident i LEFT JOIN incident t ON t.id = i.merged_into WHERE i.id = ?
            """, arguments: [id])
    }

    /// Incident `id` and another active one of the same words whose times touch (one's last
    /// member within the quiet time of the other's first) are one incident: complaints read out
    /// of time order, or a backfill, started the later in time first and the gap between them
    /// filled afterwards. The lower number, which operators have known longer, keeps the members
    /// (moved by `moveMerged`) and the whole time; the other is `merged` into it.
    private func mergeTouching(_ id: Int64, db: Database, now: Int64) throws {
        var current = id
        while let other = try Int64.fetchOne(db, sql: """
            SELECT o.id FROM incident i JOIN incident o ON o.state = 'active' AND o.term_key = i.term_key AND o.id <> i.id
            WHERE i.id = ?1 AND i.state = 'active' AND o.last_member_at >= i.started_at - ?2 AND o.started_at <= i.last_member_at + ?2
            ORDER BY o.id LIMIT 1
            """, arguments: [current, settings.quiet]) {
            let (into, from) = (min(current, other), max(current, other))
            try db.execute(sql: """
                UPDATE incident SET started_at = min(started_at, (SELECT started_at FROM incident WHERE id = ?2)),
                    last_member_at = max(last_member_at, (SELECT last_member_at FROM incident WHERE id = ?2)) WHERE id = ?1
                """, arguments: [into, from])
            try db.execute(sql: "UPDATE incident SET state = 'merged', merged_into = ?1 WHERE id = ?2", arguments: [into, from])
            try db.execute(sql: "UPDATE incident SET merged_into = ?1 WHERE merged_into = ?2", arguments: [into, from])
            try EventLog.append(db, at: now, by: EventLog.triageOperator, kind: .incidentMerge, conversation: nil,
                                subject: "incident \(from) into incident \(into)",
                                before: JSONWriter.object([("state", "active")]),
                                after: JSONWriter.object([("state", "merged"), ("merged_into", String(into))]))
            current = into
        }
    }

    /// Moves the conversations of merged incidents to the incident each was merged into, each a
    /// change of its own, a chunk at a time while there is time. True when none is left; what a
    /// killed import left is moved by the next plan that is written.
    private static func moveMerged(_ db: Database, now: Int64, spent: () -> Bool) throws -> Bool {
        while true {
            let moves = try Row.fetchAll(db, sql: """
                SELECT c.id, i.id AS source, i.merged_into AS target FROM incident i JOIN conversation c ON c.incident_id = i.id
                WHERE i.state = 'merged' AND i.merged_into IS NOT NULL LIMIT \(adoptedAtOnce)
                """)
            for move in moves {
                let (source, target): (Int64, Int64) = (move["source"], move["target"])
                _ = try ConversationChange.fields(db, conversation: move["id"], by: EventLog.triageOperator, kind: .incidentJoin,
                                                  subject: "incident \(target)", now: now) { fields in
                    if fields.incident == source { fields.incident = target }
                }
            }
            if moves.count < adoptedAtOnce { return true }
            if spent() { return false }
        }
    }

    /// A stored complaint's text changed: it is read from the cache again when needed.
    func forget(mention id: Int64, at: Int64) {
        planLock.withLock {
            if planning { forgotten.append((id, at)) } else { memory.forget(id, at: at) }
        }
    }

    /// The batch is done with; past the limit, only the complaints near its latest stay (an
    /// import in time order reads no further back).
    private func rememberFresh(_ plan: IncidentPlan) {
        let latest = beingPlanned.values.map(\.at).max() ?? 0
        beingPlanned = [:]
        memory.inIncident.formUnion(plan.conversations)
        memory.trim(limit: Self.rememberedLimit, keepFrom: latest - 2 * settings.window - Self.stretch)
    }

    /// Complaints that match an active incident (`IncidentMatch`), inside its quiet time, join it:
    /// one stored, or one this plan starts.
    private func joinActive(_ stretch: ArraySlice<(id: Int64, at: Int64)>, plan: inout IncidentPlan, db: Database) throws -> Set<Int64> {
        let earliest = stretch.first!.at
        let quiet = settings.quiet
        let planned = Set(plan.incidents.compactMap(\.existing))
        for row in try Row.fetchAll(db, sql: """
            SELECT id, term_key, terms, started_at, last_member_at FROM incident
            WHERE state = 'active' AND term_key IS NOT NULL AND last_member_at >= ?
            """, arguments: [earliest - quiet]) where !planned.contains(row["id"]) {
            plan.incidents.append(IncidentPlan.Incident(existing: row["id"], match: IncidentMatch(key: row["term_key"], words: Incident.words(ofTerms: row["terms"])),
                                                        start: row["started_at"], last: row["last_member_at"]))
        }
        // Stored incidents first, oldest first, then those the plan starts: the first that matches is joined.
        let order = plan.incidents.indices.sorted { a, b in
            let (x, y) = (plan.incidents[a].existing, plan.incidents[b].existing)
            return x != nil && y != nil ? x! < y! : x != nil || (y == nil && a < b)
        }
        var joined: Set<Int64> = []
        for (mention, _) in stretch {
            let complaint = beingPlanned[mention]!
            for index in order where plan.incidents[index].match.matches(complaint.terms) {
                let incident = plan.incidents[index]
                guard complaint.at >= incident.start - settings.window, complaint.at <= incident.last + quiet else { continue }
                plan.incidents[index].last = max(incident.last, complaint.at)
                plan.incidents[index].joined.append(mention)
                plan.conversations.insert(complaint.conversation)
                joined.insert(mention)
                break
            }
        }
        return joined
    }

    /// The members' conversations join the incident, unless already in one: each a change of
    /// its own (version and event), like any other.
    private static func adopt(_ mentions: [Int64], into incident: Int64, db: Database, now: Int64) throws {
        let conversations = try Set(mentions.map { mention in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT conversation_id FROM mention WHERE id = ?"), arguments: [mention])
        }.compactMap { $0 })
        for id in conversations.sorted() {
            _ = try ConversationChange.fields(db, conversation: id, by: EventLog.triageOperator, kind: .incidentJoin,
                                              subject: "incident \(incident)", now: now) { fields in
                if fields.incident == nil { fields.incident = incident }
            }
        }
    }

    private enum StoredComplaint: Int32, SelectedColumn { case id, at, conversation, taken, text }

    /// Every complaint stored within a window of the given times, in time order; those of
    /// conversations in `taken` are taken already (the plan puts them in an incident).
    private func complaints(around times: [Int64], taken: Set<Int64>, in db: Database) throws -> [Complaint] {
        let window = settings.window
        var spans: [(Int64, Int64)] = []
        for at in times {
            if let last = spans.last, at - window <= last.1 {
                spans[spans.count - 1].1 = at + window
            } else {
                spans.append((at - window, at + window))
            }
        }
        return try spans.flatMap { try stored(from: $0.0, to: $0.1, taken: taken, in: db) }
    }

    /// Every complaint stored from `from` to `to`, in time order: read from the cache only where
    /// this import has not read before.
    private func stored(from: Int64, to: Int64, taken: Set<Int64>, in db: Database) throws -> [Complaint] {
        let read = try BoundStatement(db, """
            SELECT m.id AS id, m.created_at AS at, c.id AS conversation, c.incident_id IS NOT NULL AS taken, m.text AS text
            FROM (SELECT id, conversation_id, created_at, text FROM mention WHERE created_at BETWEEN ?1 AND ?2 AND \(Self.complaintSQL)) m
            JOIN conversation c ON c.id = m.conversation_id
            """, columns: StoredComplaint.self)
        for gap in memory.uncovered(from, to) {
            read.bind(gap.lowerBound, gap.upperBound)
            while try read.step() {
                let id = read.int64(StoredComplaint.id)
                let conversation = read.int64(StoredComplaint.conversation)
                if read.int(StoredComplaint.taken) != 0 { memory.inIncident.insert(conversation) }
                guard memory.terms(of: id) == nil else { continue }
                memory.add(id, .init(at: read.int64(StoredComplaint.at), conversation: conversation,
                                     terms: Self.terms(of: read.text(StoredComplaint.text) ?? "")))
            }
            read.reset()
            memory.cover(gap)
        }
        return memory.ids(from: from, to: to).map { at, id in
            let entry = memory.entries[id]!
            return Complaint(mention: id, at: at, conversation: entry.conversation, terms: entry.terms,
                             taken: memory.inIncident.contains(entry.conversation) || taken.contains(entry.conversation), isNew: beingPlanned[id] != nil)
        }
    }

    /// A term seen often enough in one window, and how often.
    private struct Burst {
        var key: Int64
        var isPair: Bool
        var count: Int
    }

    private func detect(in complaints: [Complaint], baseline: inout Baseline, plan: inout IncidentPlan, db: Database) throws {
        let window = settings.window
        let times = complaints.map(\.at)
        var taken = complaints.map(\.taken)
        // Only terms a new complaint carries can make a new burst.
        var wanted: Set<Int64> = []
        for complaint in complaints where complaint.isNew && !complaint.taken { wanted.formUnion(complaint.terms.keys) }
        var carriers: [Int64: [Int]] = [:]
        var pairs: Set<Int64> = []
        for (index, complaint) in complaints.enumerated() where !complaint.taken {
            for key in complaint.terms.keys where wanted.contains(key) { carriers[key, default: []].append(index) }
            pairs.formUnion(complaint.terms.pairs)
        }
        while true {
            var best: (burst: Burst, members: [Int])?
            for (key, indices) in carriers where indices.count >= settings.minMentions {
                let free = indices.filter { !taken[$0] }
                guard let members = densest(free, times: times, complaints: complaints, window: window) else { continue }
                let burst = Burst(key: key, isPair: pairs.contains(key), count: members.count)
                let total = count(in: times, from: times[members.first!], to: times[members.first!] + window)
                guard try Double(burst.count) >= settings.rateFactor * baseline.expected(key, at: times[members.first!], traffic: total) else { continue }
                if let current = best {
                    // A pair names an incident better than one of its words alone, when it holds most of it.
                    let better = burst.isPair == current.burst.isPair ? (burst.count, -burst.key) > (current.burst.count, -current.burst.key)
                        : burst.isPair ? Double(burst.count) >= 0.6 * Double(current.burst.count)
                        : Double(current.burst.count) < 0.6 * Double(burst.count)
                    if !better { continue }
                }
                best = (burst, members)
            }
            guard let (burst, span) = best else { return }
            let words = Self.topWords(of: try span.map { try IncidentTerms(Self.text(of: complaints[$0].mention, db), common: Self.common) }, key: burst.key)
            let match = IncidentMatch(key: burst.key, words: words)
            // Complaints around the burst that match it belong to it too, while it is not quiet.
            let quiet = settings.quiet
            var members = span
            let inSpan = Set(span)
            var edge = times[span.first!]
            for index in stride(from: span.first! - 1, through: 0, by: -1) where !taken[index] && match.matches(complaints[index].terms) {
                guard edge - times[index] <= quiet else { break }
                members.append(index)
                edge = times[index]
            }
            edge = times[span.last!]
            for index in span.first!..<complaints.count where !taken[index] && !inSpan.contains(index) && match.matches(complaints[index].terms) {
                guard times[index] - edge <= quiet else { break }
                members.append(index)
                edge = max(edge, times[index])
            }
            members.sort()
            for index in members { taken[index] = true }
            plan.conversations.formUnion(members.map { complaints[$0].conversation })
            // A burst of an incident's term within its quiet time of it is that incident, its
            // complaints arriving out of time order (a backfill read newest first): it joins it,
            // moving its start back, as in time order it would have begun it.
            let (first, last) = (times[members.first!], times[members.last!])
            if let twin = plan.incidents.firstIndex(where: { $0.match.key == burst.key && first <= $0.last + quiet && last >= $0.start - quiet }) {
                plan.incidents[twin].start = min(plan.incidents[twin].start, first)
                plan.incidents[twin].last = max(plan.incidents[twin].last, last)
                plan.incidents[twin].joined += members.map { complaints[$0].mention }
                continue
            }
            let sample = try members.prefix(5).map { try Self.text(of: complaints[$0].mention, db) }
            plan.incidents.append(IncidentPlan.Incident(match: match, words: words, title: Self.title(words: words, key: burst.key, sample: sample),
                                                        burst: burst.count, start: first, last: last,
                                                        joined: members.map { complaints[$0].mention }))
        }
    }

    /// The fullest window among `indices` (time-ordered) that holds a new complaint, if it
    /// reaches `min_mentions`.
    private func densest(_ indices: [Int], times: [Int64], complaints: [Complaint], window: Int64) -> [Int]? {
        guard indices.count >= settings.minMentions else { return nil }
        var best: Range<Int>?
        var start = 0
        var newest = -1
        for end in indices.indices {
            while times[indices[end]] - times[indices[start]] > window { start += 1 }
            if complaints[indices[end]].isNew { newest = end }
            guard newest >= start, end - start + 1 >= settings.minMentions else { continue }
            if best == nil || end - start + 1 > best!.count { best = start..<(end + 1) }
        }
        return best.map { Array(indices[$0]) }
    }

    private func count(in times: [Int64], from: Int64, to: Int64) -> Int {
        times.lowerBound(to + 1) { $0 } - times.lowerBound(from) { $0 }
    }

    private static func text(of mention: Int64, _ db: Database) throws -> String {
        try String.fetchOne(db, sql: "SELECT text FROM mention WHERE id = ?", arguments: [mention]) ?? ""
    }

    /// What people call it: the burst's own term as it is written ("app down", "charged twice"),
    /// else its most shared word, with the next most shared word after it ("outage, app").
    /// `sample`: some members' texts, for the order the pair's words are written in.
    static func title(words: [String], key: Int64, sample: [String]) -> String {
        for (index, first) in words.enumerated() {
            for second in words.dropFirst(index + 1) where IncidentTerms.key(IncidentTerms.pair(first, second)) == key {
                let reversed = second + " " + first
                return sample.contains { $0.lowercased().contains(reversed) } ? reversed : first + " " + second
            }
        }
        guard let word = words.first(where: { IncidentTerms.key($0) == key }) ?? words.first else { return "incident" }
        return ([word] + words.filter { $0 != word }.prefix(1)).joined(separator: ", ")
    }

    /// The words the members share most, the term's own first: the first ones name it, all
    /// six are what later complaints are matched by.
    static func topWords(of terms: [IncidentTerms], key: Int64) -> [String] {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for words in terms.map(\.words) {
            for word in words {
                if counts[word] == nil { order.append(word) }
                counts[word, default: 0] += 1
            }
        }
        let ranked = order.enumerated().sorted { (counts[$0.element]!, -$0.offset) > (counts[$1.element]!, -$1.offset) }.map(\.element)
        let own = ranked.filter { word in
            key == IncidentTerms.key(word) || ranked.contains { other in other != word && key == IncidentTerms.key(IncidentTerms.pair(word, other)) }
        }
        return Array((own + ranked.filter { !own.contains($0) }).prefix(6))
    }
}

/// Whether a complaint belongs to an incident: it carries the incident's term, or one of the
/// term's words and another of the incident's top words ("can't log in, app says unavailable"
/// belongs to "app down" with its top words app, down, login…; "online banking is slow" does
/// not, though online and banking are among them).
struct IncidentMatch {
    let key: Int64
    private let own: [Int64]
    private let words: [Int64]

    init(key: Int64, words: [String]) {
        self.key = key
        self.words = words.map(IncidentTerms.key)
        own = words.filter { word in
            key == IncidentTerms.key(word) || words.contains { key == IncidentTerms.key(IncidentTerms.pair(word, $0)) }
        }.map(IncidentTerms.key)
    }

    func matches(_ terms: IncidentTerms) -> Bool {
        if terms.keys.contains(key) { return true }
        guard own.contains(where: terms.keys.contains) else { return false }
        return words.filter(terms.keys.contains).count >= 2
    }
}

/// What a term usually brings to a window, from `term_day` (read once a batch, after its counts).
private struct Baseline {
    let db: Database
    let window: Int64
    private var sums: [Int64: [Int64: Int]] = [:]
    private var firstDay: Int64??

    init(db: Database, window: Int64) {
        self.db = db
        self.window = window
    }

    /// The larger of the term's rate and its share of the window's traffic, over the seven days
    /// before `at`'s day; infinity while there is no day of history.
    mutating func expected(_ key: Int64, at: Int64, traffic: Int) throws -> Double {
        let day = TermDayCounts.day(of: at)
        // Every day with a count has the all-traffic one: the table's first key.
        if firstDay == nil { firstDay = try Int64.fetchOne(db, sql: "SELECT min(day) FROM term_day") }
        guard let first = firstDay!, first < day else { return .infinity }
        let from = max(first, day - Int64(IncidentDetector.baselineDays))
        let days = Double(day - from)
        let term = Double(try sum(key, day: day, from: from))
        let all = Double(try sum(IncidentDetector.allTraffic, day: day, from: from))
        let rate = term / (days * Double(IncidentDetector.day) / Double(window))
        let share = all > 0 ? term / all * Double(traffic) : 0
        return max(rate, share)
    }

    private static let sumSQL = "SELECT coalesce(sum(count), 0) FROM term_day WHERE term = ? AND day IN ("
        + Array(repeating: "?", count: IncidentDetector.baselineDays).joined(separator: ", ") + ")"

    /// The days are named one by one: the table is keyed by the day first, and a range of days
    /// would be read whole, every term of it.
    private mutating func sum(_ key: Int64, day: Int64, from: Int64) throws -> Int {
        if let known = sums[key]?[day] { return known }
        let days = (0..<Int64(IncidentDetector.baselineDays)).map { from + $0 < day ? from + $0 : Int64.min }
        let value = try Int.fetchOne(db.cachedStatement(sql: Self.sumSQL), arguments: StatementArguments([key] + days)) ?? 0
        sums[key, default: [:]][day] = value
        return value
    }
}

/// Complaints counted per term and day, to be added to `term_day`.
struct TermDayCounts {
    private var counts: [Int64: [Int64: Int]] = [:]

    static func day(of at: Int64) -> Int64 {
        at >= 0 ? at / IncidentDetector.day : (at - IncidentDetector.day + 1) / IncidentDetector.day
    }

    mutating func add(at: Int64, keys: [Int64]) {
        let day = Self.day(of: at)
        counts[day, default: [:]][IncidentDetector.allTraffic, default: 0] += 1
        for key in keys { counts[day]![key, default: 0] += 1 }
    }

    /// Adds them to `term_day` in key order, and starts again.
    mutating func save(_ db: Database) throws {
        let upsert = try BoundStatement(db, """
            INSERT INTO term_day (term, day, count) VALUES (?1, ?2, ?3)
            ON CONFLICT (term, day) DO UPDATE SET count = count + excluded.count
            """)
        for (day, terms) in counts.sorted(by: { $0.key < $1.key }) {
            for (term, n) in terms.sorted(by: { $0.key < $1.key }) { try upsert.run(term, day, n) }
        }
        counts.removeAll()
    }
}

/// What incident detection decided for a batch, to be written in one short transaction
/// (`IncidentDetector.apply`): stored incidents that complaints join, and new ones.
struct IncidentPlan {
    struct Incident {
        /// A stored incident's id; nil for one the plan starts.
        var existing: Int64?
        var match: IncidentMatch
        var words: [String] = []
        var title = ""
        /// How many complaints made the burst (in its window), for the event's text.
        var burst = 0
        var start: Int64
        var last: Int64
        /// The complaints (mention ids) it gains.
        var joined: [Int64] = []
    }

    var incidents: [Incident] = []
    /// Conversations the plan puts in an incident: their complaints are taken.
    var conversations: Set<Int64> = []
    /// Conversations of a merged incident are still to move (`IncidentDetector.apply`).
    var moving = false

    var isEmpty: Bool { !moving && !incidents.contains { !$0.joined.isEmpty } }
}
