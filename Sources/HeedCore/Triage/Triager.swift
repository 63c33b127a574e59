import GRDB

/// Triage in the cache: computes each conversation's priority, reasons, SLA due time and
/// breach from its signals, applies the config's rules, and keeps priorities moving with the
/// clock.
///
/// `retriage` does the whole work for the conversations an import (or a change of tags)
/// touched; `refreshWaiting` only adds the clock's part again, for every open conversation,
/// from what `retriage` stored (static points, floor, SLA start and target).
public final class Triager {
    public let config: Config
    /// Built when first needed: its lexicon takes ~20 ms to load, and bringing the clock's part
    /// up to date (what `heed queue` and the screen do on start) never reads a message. Shared
    /// by the process's triagers of the same keywords: `heed run` triages each poll's batch anew.
    public private(set) lazy var analyzer = MessageAnalyzer.shared(keywords: config.triage.keywords)
    let rules: RuleSet
    let clock: SLAClock
    let incidents: IncidentDetector
    /// Our accounts as they are named in text ("@northwindhelp"), by channel, lower case.
    private let ourNames: [String: [[UInt8]]]
    /// Analyses of messages stored in the current batch, by mention id: the latest customer
    /// message of a conversation is then not read twice.
    private var analyzed: [Int64: MessageAnalysis] = [:]

    public init(config: Config) {
        self.config = config
        rules = RuleSet(config.rules)
        clock = SLAClock(sla: config.sla, hours: config.businessHours)
        incidents = IncidentDetector(settings: config.triage.incidents)
        ourNames = config.accounts.mapValues { $0.map { Array(("@" + ($0.hasPrefix("@") ? String($0.dropFirst()) : $0).lowercased()).utf8) } }
    }

    /// The urgency band a priority (before the clock's part) falls in, for the SLA target.
    public static func urgency(of points: Double) -> Urgency {
        points >= 70 ? .high : points >= 35 ? .normal : .low
    }

    /// Keeps the analysis of a customer message just stored for this batch's `retriage`, and a
    /// complaint for incident detection (with its terms, when they were worked out already).
    func remember(_ analysis: MessageAnalysis, mention id: Int64, conversation: Int64, at: Int64, text: String, terms: IncidentTerms? = nil) {
        analyzed[id] = analysis
        if IncidentDetector.isComplaint(analysis) { incidents.note(mention: id, at: at, conversation: conversation, text: text, terms: terms) }
    }

    /// What `retriage` reads of one conversation, column by column (`signalsSQL`).
    private enum Signal: Int32, SelectedColumn {
        case channel, status, lastOursAt, contactID, priority, text, lang, createdAt, handle, authorID, followers, verified
        case contactTags, conversationTags, recentConversations, firstContact, waitingSince, repliesToUs, mentionID, copies, earlier
    }

    /// The customer's other messages since our last reply that triage reads with the latest:
    /// what the thread has established is kept (a threat added to a complaint raises it).
    static let earlierLimit = 10

    /// `copies` first asks whether there is any: counting distinct authors builds a temporary
    /// table each time, and most texts have no copy.
    private static let signalsSQL = """
        SELECT c.channel AS channel, c.status AS status, c.last_ours_at AS lastOursAt, c.contact_id AS contactID, c.priority AS priority,
               m.text AS text, m.lang AS lang, m.created_at AS createdAt, h.handle AS handle, h.source_id AS authorID,
               h.followers AS followers, h.verified AS verified,
               (SELECT group_concat(t.name, char(31)) FROM contact_tag x JOIN tag t ON t.id = x.tag_id WHERE x.contact_id = c.contact_id)
                   AS contactTags,
               (SELECT group_concat(t.name, char(31)) FROM conversation_tag x JOIN tag t ON t.id = x.tag_id WHERE x.conversation_id = c.id)
                   AS conversationTags,
               (SELECT count(*) FROM (SELECT 1 FROM conversation o WHERE o.contact_id = c.contact_id AND o.id <> c.id
                    AND o.first_at BETWEEN m.created_at - ?2 AND m.created_at LIMIT ?3)) AS recentConversations,
               NOT EXISTS (SELECT 1 FROM conversation o WHERE o.contact_id = c.contact_id AND o.id <> c.id AND o.first_at < c.first_at)
                   AS firstContact,
               (SELECT min(created_at) FROM mention w WHERE w.conversation_id = c.id AND w.ours = 0
                    AND w.created_at > coalesce(c.last_ours_at, -9223372036854775807)) AS waitingSince,
               coalesce((SELECT p.ours FROM mention p WHERE p.channel = m.channel AND p.source_id = m.in_reply_to), 0) AS repliesToUs,
               m.id AS mentionID,
               CASE WHEN m.text_hash IS NULL OR NOT EXISTS (SELECT 1 FROM mention x WHERE x.text_hash = m.text_hash
                        AND x.created_at BETWEEN m.created_at - ?2 AND m.created_at + ?2 AND x.handle_id <> m.handle_id) THEN 0 ELSE
                   (SELECT count(*) FROM (SELECT DISTINCT x.handle_id FROM mention x WHERE x.text_hash = m.text_hash
                        AND x.created_at BETWEEN m.created_at - ?2 AND m.created_at + ?2 AND x.handle_id <> m.handle_id LIMIT 12)) END AS copies,
               (SELECT group_concat(e.text, char(30)) FROM (SELECT w.text FROM mention w WHERE w.conversation_id = c.id AND w.ours = 0
                    AND w.id <> m.id AND w.created_at > coalesce(c.last_ours_at, -9223372036854775807)
                    ORDER BY w.created_at DESC LIMIT \(earlierLimit)) e) AS earlier
        FROM conversation c JOIN mention m ON m.id = c.latest_customer_mention_id JOIN contact_handle h ON h.id = m.handle_id
        WHERE c.id = ?1
        """

    /// The open conversations whose latest customer message is one of a campaign's copies in a
    /// time span (spam is judged on that message): through the open conversations' index of
    /// their latest customer's author, which the copies' index holds, not the conversation of
    /// every copy, as a campaign of thousands is read again by every batch that brings one more.
    static let campaignCopiesSQL = """
        SELECT c.id FROM mention m JOIN conversation c INDEXED BY conversation_open_by_author
            ON c.latest_customer_handle_id = m.handle_id AND c.latest_customer_mention_id = m.id
        WHERE m.text_hash = ? AND m.created_at BETWEEN ? AND ? AND c.status = 'open'
        """

    /// How far a conversation's earlier ones in the repeat window are counted: further than the
    /// points reach would only cost time (a spammer's thousands).
    var repeatCap: Int {
        let w = config.triage.weights
        return w.repeatContact > 0 ? Int((w.repeatMax / w.repeatContact).rounded(.up)) + 1 : 1
    }

    /// Recomputes the conversations `ids` at `now`. For those in `newCustomerMessage` (a
    /// customer wrote since the last triage) the matching rules' actions are applied too, each
    /// with its event: tags, team, escalation, spam.
    public func retriage<S: Sequence<Int64>>(_ ids: S, newCustomerMessage: Set<Int64> = [], in db: Database, now: Int64) throws {
        defer { analyzed.removeAll(keepingCapacity: true) }
        let read = try BoundStatement(db, Self.signalsSQL, columns: Signal.self)
        let scores = try ConversationScores(db)
        let window = Int64(config.triage.repeatWindowHours) * 3_600_000
        let repeatCap = repeatCap
        var pass = Array(ids)
        var copiesOf: Set<Int64> = []
        // Only while some shift runs: a team that does not use shifts keeps its assignments.
        let shiftsRunning = try !newCustomerMessage.isEmpty && (Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM shift WHERE ended_at IS NULL)") ?? false)
        for round in 0..<2 {
            var campaign: Set<Int64> = []
            for id in pass {
                read.bind(id, window, repeatCap)
                guard try read.step() else {
                    read.reset()
                    continue
                }
                let channel = read.text(Signal.channel) ?? ""
                let status = ConversationStatus(rawValue: read.text(Signal.status) ?? "") ?? .open
                let latest = read.text(Signal.text) ?? ""
                let earlier = (read.text(Signal.earlier) ?? "").split(separator: "\u{1E}").map(String.init)
                let latestAnalysis = analyzed[read.int64(Signal.mentionID)] ?? analyzer.analyze(latest)
                let analysis = earlier.isEmpty ? latestAnalysis
                    : latestAnalysis.keeping(earlier.map(analyzer.analyze), kindWeights: config.triage.weights.kinds)
                // Rules read the thread since our last reply, the latest message first.
                let text = ([latest] + earlier).joined(separator: "\n")
                var signals = TriageSignals(analysis: analysis, channel: channel)
                signals.followers = read.int(Signal.followers)
                signals.verified = read.int(Signal.verified) != 0
                let contactTags = Set((read.text(Signal.contactTags) ?? "").split(separator: "\u{1F}").map { $0.lowercased() })
                let conversationTags = Set((read.text(Signal.conversationTags) ?? "").split(separator: "\u{1F}").map { $0.lowercased() })
                signals.contactTags = contactTags
                signals.recentConversations = read.int(Signal.recentConversations)
                signals.firstContact = read.int(Signal.firstContact) != 0
                let waitingSince = read.optionalInt64(Signal.waitingSince)
                let subject = RuleSubject(text: text, channel: channel, authorHandle: read.text(Signal.handle) ?? "", authorID: read.text(Signal.authorID) ?? "",
                                          followers: signals.followers, verified: signals.verified, sentiment: analysis.sentiment,
                                          kind: analysis.kind, lang: read.text(Signal.lang), tags: contactTags.union(conversationTags))
                signals.direct = read.int(Signal.repliesToUs) != 0 || (ourNames[channel] ?? []).contains { Bytes.contains(subject.lowered, $0) }
                let mentionID = read.int64(Signal.mentionID)
                let answered = !read.isNull(Signal.lastOursAt)
                let copies = read.int(Signal.copies)
                let spam = SpamScore.of(analysis, copies: copies, followers: signals.followers, handle: subject.authorHandle)
                read.reset()
                signals.rules = rules.matching(subject)

                let part = PriorityModel.staticPart(signals, settings: config.triage)
                let urgency = Self.urgency(of: part.points)
                let target = signals.rules.compactMap(\.then.slaMinutes).min() ?? config.sla.target(channel: channel, urgency: urgency)
                var due: Int64?
                var breached = false
                var waiting = 0.0
                var reasons = part.reasons
                if status == .open, let waitingSince {
                    let deadline = clock.due(from: waitingSince, minutes: target)
                    due = deadline
                    breached = now > deadline
                    waiting = PriorityModel.waitingPoints(used: Double(clock.elapsed(from: waitingSince, to: now)) / Double(target * 60_000),
                                                          breached: breached, weights: config.triage.weights)
                }
                let priority = PriorityModel.priority(staticPoints: part.points, waitingPoints: waiting, floor: part.floor)
                if let floor = part.floor, priority == floor, floor > Int((part.points + waiting).rounded()) {
                    reasons.append(Reason(signal: "floor", points: 0, text: "rule floor \(floor)"))
                }
                if spam.value >= 0.3 {
                    reasons.append(Reason(signal: "spam", points: 0, text: "spam \(PriorityModel.oneDecimal(spam.value)): " + spam.reasons.joined(separator: "; ")))
                }
                try scores.write(id, priority: priority, staticPoints: part.points, floor: part.floor, waitingSince: waitingSince, slaMinutes: target,
                                 urgency: urgency, due: due, breached: breached, kind: analysis.kind, sentiment: analysis.sentiment,
                                 spam: spam.value, lang: subject.lang,
                                 clockCheck: status == .open ? waitingSince.flatMap { clockCheck(since: $0, minutes: target, now: now) } : nil)
                if shiftsRunning && newCustomerMessage.contains(id), let away = try Self.backToPool(db, conversation: id, now: now) {
                    reasons.append(Reason(signal: "pool", points: 0, text: "back to the pool: \(away) is off shift"))
                }
                try scores.writeReasons(id, ReasonsJSON.encode(reasons))
                let wrote = newCustomerMessage.contains(id) || copiesOf.contains(id)
                if wrote && !signals.rules.isEmpty {
                    try RuleApplication.apply(signals.rules, to: id, mention: mentionID, contactTags: contactTags, answered: answered, in: db, now: now)
                }
                // Noise goes to the spam view, never deleted; never a VIP's, never one we answered.
                if wrote && status == .open && spam.value >= config.triage.spamThreshold && !answered && !contactTags.contains("vip") {
                    _ = try ConversationChange.fields(db, conversation: id, by: EventLog.triageOperator, kind: .spam,
                                                      subject: "spam \(PriorityModel.oneDecimal(spam.value)): " + spam.reasons.joined(separator: "; "),
                                                      now: now) { fields in
                        if fields.status == .open { fields.status = .spam }
                    }
                }
                // A campaign found now makes spam of its earlier copies too.
                if round == 0 && copies >= 2 && spam.value >= config.triage.spamThreshold { campaign.insert(mentionID) }
            }
            guard round == 0, !campaign.isEmpty else { break }
            // One range of the text-hash index per campaign, however many of its copies arrived;
            // copies already out of the queue are not triaged again.
            let done = Set(pass)
            var copies: Set<Int64> = []
            for span in try Row.fetchAll(db, sql: """
                SELECT text_hash, min(created_at) AS first, max(created_at) AS last FROM mention
                WHERE id IN (\(campaign.map(String.init).joined(separator: ","))) GROUP BY text_hash
                """) {
                let first: Int64 = span["first"], last: Int64 = span["last"]
                copies.formUnion(try Int64.fetchAll(db, sql: Self.campaignCopiesSQL, arguments: [span["text_hash"] as Int64, first - window, last + window]))
            }
            pass = copies.filter { !done.contains($0) }.sorted()
            copiesOf = Set(pass)
        }
    }

    /// A contact's tags changed (VIP, advocate, detractor…): its open conversations are scored
    /// again. The actions that tag contacts call it in the same transaction.
    public func contactTagsChanged(_ contact: Int64, in db: Database, now: Int64) throws {
        try retriage(try Int64.fetchAll(db, sql: "SELECT id FROM conversation WHERE contact_id = ? AND status = 'open' ORDER BY id",
                                        arguments: [contact]), in: db, now: now)
    }

    /// The customer wrote again while the conversation's assignee is off shift: it goes back to
    /// the pool (logged), and the one it left is returned.
    static func backToPool(_ db: Database, conversation id: Int64, now: Int64) throws -> String? {
        guard let away = try String.fetchOne(db.cachedStatement(sql: """
            SELECT c.assignee FROM conversation c WHERE c.id = ? AND \(Shift.assigneeOffShiftSQL)
            """), arguments: [id]) else { return nil }
        _ = try ConversationChange.fields(db, conversation: id, by: EventLog.triageOperator, kind: .unassign, subject: "\(away) is off shift",
                                          now: now) { $0.assignee = nil }
        return away
    }

    /// What `refreshWaiting` reads of each open conversation (the table's own column names).
    private enum Waiting: Int32, SelectedColumn {
        case id, static_points, priority_floor, waiting_since, sla_minutes, priority, breached
    }

    /// Adds the clock's part again to the priority of every open conversation whose clock's part
    /// may have moved since it was last computed (its `clock_check_at` is due; all of them when
    /// the clock was set back): the share of its SLA used, and whether it is breached. Reads five
    /// numbers a conversation, writes the priorities that changed and when to look at each again.
    /// Returns how many priorities changed.
    @discardableResult
    public func refreshWaiting(in db: Database, now: Int64) throws -> Int {
        let setBack = try Int64.fetchOne(db, sql: "SELECT at FROM clock_refresh").map { now < $0 } ?? false
        // Named: the planner would otherwise walk every open conversation through the queue's index.
        let read = try BoundStatement(db, """
            SELECT id, static_points, priority_floor, waiting_since, sla_minutes, priority, breached FROM conversation
            \(setBack ? "WHERE status = 'open'" : "INDEXED BY conversation_clock_check WHERE status = 'open' AND clock_check_at <= ?1")
            """, columns: Waiting.self)
        if !setBack { read.bind(now) }
        var changes: [(id: Int64, priority: Int, breached: Bool?, check: Int64?)] = []
        var checks: [(id: Int64, check: Int64?)] = []
        let weights = config.triage.weights
        while try read.step() {
            let id = read.int64(Waiting.id)
            guard !read.isNull(Waiting.waiting_since), !read.isNull(Waiting.sla_minutes) else {
                checks.append((id, nil))
                continue
            }
            let since = read.int64(Waiting.waiting_since)
            let minutes = read.int(Waiting.sla_minutes)
            let breached = now > clock.due(from: since, minutes: minutes)
            let used = Double(clock.elapsed(from: since, to: now)) / Double(Int64(minutes) * 60_000)
            let priority = PriorityModel.priority(staticPoints: read.double(Waiting.static_points),
                                                  waitingPoints: PriorityModel.waitingPoints(used: used, breached: breached, weights: weights),
                                                  floor: read.isNull(Waiting.priority_floor) ? nil : read.int(Waiting.priority_floor))
            let check = clockCheck(since: since, minutes: minutes, now: now)
            let breachedChanged = breached != (read.int(Waiting.breached) != 0)
            if priority != read.int(Waiting.priority) || breachedChanged {
                changes.append((id, priority, breachedChanged ? breached : nil, check))
            } else {
                checks.append((id, check))
            }
        }
        read.reset()
        // In table order: the writes then walk the file once instead of jumping about.
        changes.sort { $0.id < $1.id }
        checks.sort { $0.id < $1.id }
        let scores = try ConversationScores(db)
        try ConversationScores.withRoomForManyRows(db) {
            for change in changes { try scores.writeClock(change.id, priority: change.priority, breached: change.breached, clockCheck: change.check) }
            for check in checks { try scores.writeCheck(check.id, clockCheck: check.check) }
        }
        try db.execute(sql: "INSERT INTO clock_refresh (only, at) VALUES (1, ?) ON CONFLICT (only) DO UPDATE SET at = excluded.at", arguments: [now])
        return changes.count
    }

    /// The earliest time after `now` at which the clock's part of a priority may change — the
    /// waiting points' next step or the breach — or nil when it never will again (breached, every
    /// point counted). The SLA's elapsed time counts business hours only, so it never runs ahead
    /// of the wall clock: the step's wall time is at least this far. Early is safe (the priority
    /// is computed again and found unchanged); late never happens.
    func clockCheck(since: Int64, minutes: Int, now: Int64) -> Int64? {
        let due = clock.due(from: since, minutes: minutes)
        guard now <= due else { return nil }
        let weight = config.triage.weights.waiting
        let target = Double(Int64(minutes) * 60_000)
        let elapsed = Double(max(0, clock.elapsed(from: since, to: now)))
        let step = (weight * min(1, elapsed / target)).rounded()
        guard weight > 0, step < weight else { return due + 1 }
        // The next step is taken where weight × used reaches step + ½ (rounded half up).
        let needed = (step + 0.5) / weight * target
        return min(due + 1, now + max(1, Int64((needed - elapsed).rounded(.down)) - 1))
    }
}

/// Reasons as stored on the conversation: a JSON array of {signal, points, text}.
enum ReasonsJSON {
    static func encode(_ reasons: [Reason]) -> String {
        // Bytes, not String appends: written for every conversation an import scores.
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(96 * reasons.count + 2)
        for (index, reason) in reasons.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"signal":"#.utf8)
            JSONWriter.quote(reason.signal, into: &out)
            out.append(contentsOf: #","points":"#.utf8)
            if reason.points < 0 { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: PriorityModel.oneDecimal(abs(reason.points)).utf8)
            out.append(contentsOf: #","text":"#.utf8)
            JSONWriter.quote(reason.text, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String?) -> [Reason] {
        guard let text, let node = try? JSONParser.parse(text), case .array(let items) = node.value else { return [] }
        return items.compactMap { item in
            guard let signal = item["signal"]?.string, let text = item["text"]?.string else { return nil }
            return Reason(signal: signal, points: item["points"]?.double ?? 0, text: text)
        }
    }
}

/// A conversation's priority taken apart, for `heed explain` and the screen's "why".
public struct Explanation: Sendable, Equatable {
    public var conversationID: Int64
    public var status: ConversationStatus
    public var priority: Int
    /// Every reason, the clock's included, in the order they were added.
    public var reasons: [Reason]
    public var urgency: Urgency?
    public var slaMinutes: Int?
    public var waitingSince: Int64?
    public var dueAt: Int64?
    public var breached: Bool
}

extension Triager {
    /// The whole breakdown of one conversation's priority at `now`: the stored signals and the
    /// clock's part computed again, so the points add up to the priority shown.
    public func explain(_ id: Int64, in db: Database, now: Int64) throws -> Explanation? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT status, priority, r.reasons, static_points, priority_floor, urgency, sla_minutes, waiting_since, due_at, breached
            FROM conversation c LEFT JOIN conversation_reasons r ON r.conversation_id = c.id WHERE c.id = ?
            """, arguments: [id]) else { return nil }
        var reasons = ReasonsJSON.decode(row["reasons"])
        let status = ConversationStatus(rawValue: row["status"]) ?? .open
        var dueAt: Int64? = row["due_at"]
        var breached: Bool = row["breached"]
        var priority: Int = row["priority"]
        if status == .open, let since: Int64 = row["waiting_since"], let minutes: Int = row["sla_minutes"] {
            let due = clock.due(from: since, minutes: minutes)
            (dueAt, breached) = (due, now > due)
            let used = Double(clock.elapsed(from: since, to: now)) / Double(minutes * 60_000)
            let weights = config.triage.weights
            let share = PriorityModel.waitingPoints(used: used, breached: false, weights: weights)
            reasons.removeAll { $0.signal == "floor" }
            if share != 0 {
                reasons.append(Reason(signal: "waiting", points: share,
                                      text: breached ? "SLA breached \(Age.short(milliseconds: now - due)) ago" : "SLA due in \(Age.short(milliseconds: due - now))"))
            }
            if breached { reasons.append(Reason(signal: "breached", points: weights.breached, text: "breached")) }
            let floor: Int? = row["priority_floor"]
            priority = PriorityModel.priority(staticPoints: row["static_points"], waitingPoints: share + (breached ? weights.breached : 0), floor: floor)
            if let floor, priority == floor, Double(floor) > reasons.reduce(0, { $0 + $1.points }).rounded() {
                reasons.append(Reason(signal: "floor", points: 0, text: "rule floor \(floor)"))
            }
        }
        return Explanation(conversationID: id, status: status, priority: priority, reasons: reasons,
                           urgency: (row["urgency"] as String?).flatMap(Urgency.init(rawValue:)), slaMinutes: row["sla_minutes"],
                           waitingSince: row["waiting_since"], dueAt: dueAt, breached: breached)
    }
}
