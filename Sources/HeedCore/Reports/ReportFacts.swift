import GRDB
import GRDBSQLite

/// What the reports are computed from, read in one transaction: every conversation with a
/// customer message in the period (and, for repeat contact, those of the week before), each
/// with its messages in order and our answers; the shifts, incidents and broadcasts of the period.
struct ReportFacts {
    struct Message {
        var at: Int64
        var ours: Bool
        var sentiment: Double?
        var kind: MentionKind?
        var handle: Int64
        /// On a complaint, its id (hashed: only compared), so that a reply to it can be found (defenders).
        var source: UInt64?
        /// On a customer's praise that replies to something, the id it replies to (hashed).
        var inReplyTo: UInt64?
        /// On ours: whether it asks the customer to go elsewhere (`MovingAway`).
        var movesAway = false
    }

    /// A reply of ours: queued from heed (with its operator) or made on the network (without).
    struct Answer {
        var at: Int64
        var operatorHandle: String?
        var movesAway: Bool
    }

    struct Conversation {
        var id: Int64
        var channel: String
        var team: String?
        var assignee: String?
        var status: ConversationStatus
        var kind: MentionKind?
        var contact: Int64?
        var slaMinutes: Int?
        /// What triage made of it: its SLA target is this urgency's (unless a rule set one).
        var urgency: Urgency?
        var messages: [Message] = []
        var queued: [Answer] = []
        var resolvedAt: Int64?
        var tagged = false
        var escalated = false
        /// A customer's praise replying to a complaint in the thread: its message and the complaint's handle.
        var defences: [(message: Int, complainer: Int64)] = []

        mutating func findDefences() {
            var complaints: [UInt64: Int64] = [:]
            for message in messages { if let source = message.source { complaints[source] = message.handle } }
            guard !complaints.isEmpty else { return }
            for (at, message) in messages.enumerated() {
                if let parent = message.inReplyTo, let complainer = complaints[parent], complainer != message.handle {
                    defences.append((at, complainer))
                }
            }
        }

        /// The messages of the conversation's customer (others may write in their thread).
        var customer: [Message] = []
        var firstCustomerAt: Int64? { messages.first { !$0.ours }?.at }

        /// Every answer, first first: replies queued in heed (not withdrawn) and ours imported or
        /// delivered. A delivered reply shows twice; the queued time comes first, so counts once
        /// where it matters (the first answer). Set once everything is read.
        var answers: [Answer] = []
    }

    struct ShiftRecord {
        var shift: Shift
        var introPosted: Bool
        var firstAcknowledgedAt: Int64?
        var figures: Handover.Figures
    }

    struct IncidentRecord {
        var id: Int64
        var title: String
        var startedAt: Int64
        var firstBroadcastAt: Int64?
        var complaints: Int
        var complaintsAfterBroadcast: Int
    }

    var conversations: [Conversation]
    var contactOfHandle: [Int64: Int64]
    /// Contacts who praised before the period (advocates are "new" when they had not).
    var earlierPraisers: Set<Int64>
    var advocateTagged: Set<Int64>
    /// For repeat contact (`recentByCustomer`).
    var recent: [(id: Int64, contact: Int64, kind: MentionKind, first: Int64, last: Int64)]
    var shifts: [ShiftRecord]
    var incidents: [IncidentRecord]

    /// How far before the period conversations are read: repeat contact looks back a week.
    static let lookBack: Int64 = 7 * 86_400_000

    /// How the messages are read: `readMessages` chooses, tests ask for each.
    enum MessageRead { case chosen, straight, byConversation }

    /// Which conversations are read: a condition on `conversation c` and its values (?1, ?2…).
    private struct Scope {
        var filter: String
        var values: [any SQLiteBindable]
    }

    static func load(_ db: Database, since: Int64, until: Int64, now: Int64, read: MessageRead = .chosen) throws -> ReportFacts {
        let scope = Scope(filter: "c.last_at >= ?1 AND c.first_at < ?2", values: [since, until])
        let (found, index) = try readConversations(db, scope)
        var conversations = found
        let all = try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation") ?? 0
        // Most of the cache: read whole tables straight through; a short period: only its own rows.
        let straight = switch read {
        case .chosen: conversations.count * 8 >= all
        case .straight: true
        case .byConversation: false
        }
        let ids = straight ? nil : idList(conversations.map(\.id))
        try readMessages(db, into: &conversations, index: index, scope: scope, straight: straight)
        try readWork(db, into: &conversations, index: index, ids: ids)
        let contactOfHandle = try contacts(db, of: conversations, all: straight)
        let praisers = finish(&conversations, contactOfHandle: contactOfHandle)
        let earlier = try Set(Int64.fetchAll(db, sql: straight ? """
            SELECT DISTINCT h.contact_id FROM mention m JOIN contact_handle h ON h.id = m.handle_id
            WHERE m.ours = 0 AND m.kind = 'praise' AND m.created_at < ?1
            """ : """
            SELECT DISTINCT h.contact_id FROM contact_handle h JOIN mention m ON m.handle_id = h.id
            WHERE h.contact_id IN (SELECT value FROM json_each(?2)) AND m.ours = 0 AND m.kind = 'praise' AND m.created_at < ?1
            """, arguments: straight ? [since] : [since, idList(praisers)])).intersection(praisers)
        let tagged = try Set(Int64.fetchAll(db, sql: """
            SELECT ct.contact_id FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id WHERE t.name = 'advocate'
            """))
        return ReportFacts(conversations: conversations, contactOfHandle: contactOfHandle, earlierPraisers: earlier, advocateTagged: tagged,
                           recent: try recentByCustomer(db, since: since, until: until),
                           shifts: try shifts(db, since: since, until: until, now: now), incidents: try incidents(db, since: since, until: until))
    }

    /// Only the conversations `ids` names, with their messages, answers and resolutions: what a
    /// shift's handover measures, read in its closing transaction, so no more than its own work.
    static func conversations(_ db: Database, ids: [Int64]) throws -> [Conversation] {
        let list = idList(ids)
        let scope = Scope(filter: "c.id IN (SELECT value FROM json_each(?1))", values: [list])
        let (found, index) = try readConversations(db, scope)
        var conversations = found
        try readMessages(db, into: &conversations, index: index, scope: scope, straight: false)
        try readWork(db, into: &conversations, index: index, ids: list)
        _ = finish(&conversations, contactOfHandle: try contacts(db, of: conversations, all: false))
        return conversations
    }

    /// The conversations `scope` picks, in id order, and where each is in the list.
    private static func readConversations(_ db: Database, _ scope: Scope) throws -> ([Conversation], [Int64: Int]) {
        var conversations: [Conversation] = []
        var index: [Int64: Int] = [:]
        let rows = try BoundStatement(db, """
            SELECT id, channel, team, assignee, status, kind, contact_id, sla_minutes, mention_count, urgency FROM conversation c
            WHERE \(scope.filter) ORDER BY id
            """)
        rows.bind(scope.values)
        while try rows.step() {
            index[rows.int64(0)] = conversations.count
            conversations.append(Conversation(
                id: rows.int64(0), channel: rows.text(1) ?? "", team: rows.text(2), assignee: rows.text(3),
                status: ConversationStatus(rawValue: rows.text(4) ?? "") ?? .open, kind: rows.text(5).flatMap(MentionKind.init(rawValue:)),
                contact: rows.optionalInt64(6), slaMinutes: rows.optionalInt64(7).map(Int.init), urgency: rows.text(9).flatMap(Urgency.init(rawValue:))))
            conversations[conversations.count - 1].messages.reserveCapacity(rows.int(8))
        }
        return (conversations, index)
    }

    /// The contact of every handle that wrote in the conversations (`all`: of every handle, read
    /// straight through when the conversations are most of the cache).
    private static func contacts(_ db: Database, of conversations: [Conversation], all: Bool) throws -> [Int64: Int64] {
        var contactOfHandle: [Int64: Int64] = [:]
        let seen = all ? nil : idList(Set(conversations.flatMap { $0.messages.map(\.handle) }))
        let handles = try BoundStatement(db, seen == nil ? "SELECT id, contact_id FROM contact_handle"
                                             : "SELECT id, contact_id FROM contact_handle WHERE id IN (SELECT value FROM json_each(?1))")
        if let seen { handles.bind(seen) }
        while try handles.step() { contactOfHandle[handles.int64(0)] = handles.int64(1) }
        return contactOfHandle
    }

    /// Once everything is read: each conversation's answers in order, the defences in its thread
    /// and its own customer's messages. Returns the contacts who praised in them.
    private static func finish(_ conversations: inout [Conversation], contactOfHandle: [Int64: Int64]) -> Set<Int64> {
        var praisers = Set<Int64>()
        for at in conversations.indices {
            let imported = conversations[at].messages.filter(\.ours).map { Answer(at: $0.at, operatorHandle: nil, movesAway: $0.movesAway) }
            conversations[at].answers = (conversations[at].queued + imported).sorted { $0.at < $1.at }
            conversations[at].findDefences()
            let contact = conversations[at].contact
            conversations[at].customer = conversations[at].messages.filter { !$0.ours && contactOfHandle[$0.handle] == contact }
            for message in conversations[at].messages where !message.ours && message.kind == .praise {
                if let praiser = contactOfHandle[message.handle] { praisers.insert(praiser) }
            }
        }
        return praisers
    }

    /// The messages of the conversations read, each conversation's in order. When the period
    /// takes in much of the cache, the mention table is read straight through (four times
    /// faster than a lookup per row); otherwise through the conversation index, so that a short
    /// period of a long history reads only its own conversations.
    private static func readMessages(_ db: Database, into conversations: inout [Conversation], index: [Int64: Int], scope: Scope,
                                     straight: Bool) throws {
        let columns = """
            m.conversation_id, m.created_at, m.ours, m.sentiment, m.kind, m.handle_id,
            CASE WHEN m.kind = 'complaint' THEN m.source_id END, CASE WHEN m.kind = 'praise' THEN m.in_reply_to END,
            CASE WHEN m.ours THEN m.text END
            """
        let rows = try BoundStatement(db, straight ? "SELECT \(columns) FROM mention m WHERE m.conversation_id >= ?1" : """
            SELECT \(columns) FROM conversation c JOIN mention m ON m.conversation_id = c.id
            WHERE \(scope.filter) ORDER BY c.id, m.created_at, m.id
            """)
        rows.bind(straight ? [conversations.first?.id ?? 0] : scope.values)
        var current: (id: Int64, at: Int) = (-1, -1)
        while try rows.step() {
            let conversation = rows.int64(0)
            if conversation != current.id {
                guard let at = index[conversation] else { continue }
                current = (conversation, at)
            }
            conversations[current.at].messages.append(Message(
                at: rows.int64(1), ours: rows.int(2) != 0, sentiment: rows.isNull(3) ? nil : rows.double(3),
                kind: rows.withBytes(4, Self.kind), handle: rows.int64(5), source: rows.isNull(6) ? nil : rows.withBytes(6, FNV1a.hash),
                inReplyTo: rows.isNull(7) ? nil : rows.withBytes(7, FNV1a.hash), movesAway: rows.withBytes(8, MovingAway.asks)))
        }
        guard straight else { return }
        // Read in the table's order: put each conversation's in time order, ties as stored.
        for at in conversations.indices where !conversations[at].messages.isSorted(by: \.at) {
            conversations[at].messages = conversations[at].messages.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        }
    }

    /// Ids as a JSON array, for `IN (SELECT value FROM json_each(?))`: one argument however many.
    static func idList(_ ids: some Sequence<Int64>) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    /// A mention's kind from its stored name, whose first letters differ: read on every row.
    static func kind(_ name: UnsafeBufferPointer<UInt8>) -> MentionKind? {
        switch name.first {
        case UInt8(ascii: "q"): .question
        case UInt8(ascii: "c"): .complaint
        case UInt8(ascii: "p"): .praise
        case UInt8(ascii: "i"): .idea
        case UInt8(ascii: "s"): .spam
        case UInt8(ascii: "o"): .other
        default: nil
        }
    }

    /// Replies queued, resolutions, tags on ideas, escalations: of the conversations `ids` (JSON)
    /// names, or of all when nil.
    private static func readWork(_ db: Database, into conversations: inout [Conversation], index: [Int64: Int], ids: String?) throws {
        let only = ids == nil ? "" : " AND conversation_id IN (SELECT value FROM json_each(?))"
        let arguments: StatementArguments = ids.map { [$0] } ?? []
        for row in try Row.fetchAll(db, sql: """
            SELECT conversation_id, created_at, operator, text FROM outbox
            WHERE kind = 'reply' AND state <> 'cancelled' AND conversation_id IS NOT NULL\(only)
            """, arguments: arguments) {
            guard let at = index[row[0]] else { continue }
            conversations[at].queued.append(Answer(at: row[1], operatorHandle: row[2], movesAway: MovingAway.asks(row[3] as String)))
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT conversation_id, max(at) FROM event WHERE kind = 'resolve' AND conversation_id IS NOT NULL\(only) GROUP BY conversation_id
            """, arguments: arguments) {
            guard let at = index[row[0]], conversations[at].status == .resolved else { continue }
            conversations[at].resolvedAt = row[1]
        }
        for id in try Int64.fetchAll(db, sql: """
            SELECT DISTINCT ct.conversation_id FROM conversation_tag ct JOIN conversation c ON c.id = ct.conversation_id WHERE c.kind = 'idea'\(only)
            """, arguments: arguments) {
            if let at = index[id] { conversations[at].tagged = true }
        }
        for id in try Int64.fetchAll(db, sql: "SELECT DISTINCT conversation_id FROM escalation WHERE 1\(only)", arguments: arguments) {
            if let at = index[id] { conversations[at].escalated = true }
        }
    }

    /// Each customer's conversations whose last message of theirs is at most a week before the
    /// period or in it, from the conversations' own columns: what repeat contact compares.
    static func recentByCustomer(_ db: Database, since: Int64, until: Int64) throws -> [(id: Int64, contact: Int64, kind: MentionKind, first: Int64, last: Int64)] {
        var recent: [(id: Int64, contact: Int64, kind: MentionKind, first: Int64, last: Int64)] = []
        let rows = try BoundStatement(db, """
            SELECT id, contact_id, kind, first_at, last_customer_at FROM conversation
            WHERE last_customer_at >= ?1 AND first_at < ?2 AND contact_id IS NOT NULL AND kind IS NOT NULL
            """)
        rows.bind(since - lookBack, until)
        while try rows.step() {
            guard let kind = rows.withBytes(2, Self.kind), kind != .spam, kind != .other else { continue }
            recent.append((rows.int64(0), rows.int64(1), kind, rows.int64(3), rows.int64(4)))
        }
        return recent
    }

    /// The shifts on duty at any time in the period: answers are put in the shift they were given in.
    private static func shifts(_ db: Database, since: Int64, until: Int64, now: Int64) throws -> [ShiftRecord] {
        try Row.fetchAll(db, sql: """
            SELECT \(Shift.columns) FROM shift WHERE started_at < ? AND (ended_at IS NULL OR ended_at >= ?) ORDER BY started_at, id
            """, arguments: [until, since]).map(Shift.init).map { shift in
            // The intro goes out as the shift starts, in the same transaction.
            let intro = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM outbox WHERE kind = 'intro' AND operator = ? AND created_at = ? AND state <> 'cancelled')
                """, arguments: [shift.operatorHandle, shift.startedAt]) ?? false
            let acknowledged = try Int64.fetchOne(db, sql: "SELECT min(acknowledged_at) FROM handover_ack WHERE shift_id = ?", arguments: [shift.id])
            let figures = try Handover.figures(db, operator: shift.operatorHandle, from: shift.startedAt, to: shift.endedAt ?? now)
            return ShiftRecord(shift: shift, introPosted: intro, firstAcknowledgedAt: acknowledged, figures: figures)
        }
    }

    private static func incidents(_ db: Database, since: Int64, until: Int64) throws -> [IncidentRecord] {
        try Row.fetchAll(db, sql: "SELECT id, title, started_at FROM incident WHERE started_at >= ? AND started_at < ? ORDER BY started_at, id",
                         arguments: [since, until]).map { row in
            let id: Int64 = row[0]
            let broadcast = try Int64.fetchOne(db, sql: "SELECT min(at) FROM event WHERE kind = 'broadcast' AND subject = ?", arguments: [String(id)])
            let complaints = try Row.fetchOne(db, sql: """
                SELECT count(*), count(CASE WHEN m.created_at > ?2 THEN 1 END) FROM conversation c JOIN mention m ON m.conversation_id = c.id
                WHERE c.incident_id = ?1 AND m.ours = 0 AND m.kind = 'complaint'
                """, arguments: [id, broadcast ?? Int64.max])
            return IncidentRecord(id: id, title: row[1], startedAt: row[2], firstBroadcastAt: broadcast,
                                  complaints: complaints?[0] ?? 0, complaintsAfterBroadcast: complaints?[1] ?? 0)
        }
    }
}

extension Array {
    func isSorted(by key: (Element) -> Int64) -> Bool {
        zip(self, dropFirst()).allSatisfy { key($0) <= key($1) }
    }
}
