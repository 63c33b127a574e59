/// What the reports are computed from, read in one transaction: every conversation with a
/// customer message in the period (and, for repeat contact, those of the week before), each
/// with its messages in order and our answers; the shifts, incidents and broadcasts of the period.
struct ReportFacts {
    /// One message, laid out small: a large report holds a million of them.
    struct Message {
        var at: Int64
        var handle: Int64
        var sentiment: Double?
        /// On a complaint, its id (hashed: only compared), so that a reply to it can be found
        /// (defenders); 0 on the rest (`idHash` is never 0).
        var source: UInt64 = 0
        /// On a customer's praise that replies to something, the id it replies to (hashed); else 0.
        var inReplyTo: UInt64 = 0
        var kind: MentionKind?
        var ours: Bool
        /// On ours: whether it asks the customer to go elsewhere (`MovingAway`).
        var movesAway = false
        /// Written by the conversation's own customer (others may write in their thread).
        var fromCustomer = false
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
        /// How many messages its row counts: room made for them as they are read.
        var mentionCount = 0
        /// Its messages in time order: a slice of the one array that holds every conversation's.
        var messages: ArraySlice<Message> = []
        var queued: [Answer] = []
        var resolvedAt: Int64?
        var tagged = false
        var escalated = false
        /// A customer's praise replying to a complaint in the thread: its message and the complaint's handle.
        var defences: [(message: Int, complainer: Int64)] = []

        mutating func findDefences() {
            var complaints: [UInt64: Int64] = [:]
            for message in messages where message.source != 0 { complaints[message.source] = message.handle }
            guard !complaints.isEmpty else { return }
            for (at, message) in messages.enumerated() {
                if message.inReplyTo != 0, let complainer = complaints[message.inReplyTo], complainer != message.handle {
                    defences.append((at, complainer))
                }
            }
        }

        /// The messages of the conversation's customer.
        var customer: LazyFilterCollection<ArraySlice<Message>> { messages.lazy.filter(\.fromCustomer) }
        var firstCustomerAt: Int64? { messages.first { !$0.ours }?.at }

        /// Our first answer at or after `start`: a reply queued in heed (not withdrawn) or one of
        /// ours imported or delivered, whichever came first. A delivered reply shows both ways; its
        /// queued time is the earlier, so it counts once, as queued (a tie goes to the queued too).
        func firstAnswer(from start: Int64) -> Answer? {
            let queued = self.queued.lazy.filter { $0.at >= start }.min { $0.at < $1.at }
            guard let imported = messages.first(where: { $0.ours && $0.at >= start }) else { return queued }
            if let queued, queued.at <= imported.at { return queued }
            return Answer(at: imported.at, operatorHandle: nil, movesAway: imported.movesAway)
        }

        /// Whether any answer of ours at or after `start` asked the customer to go elsewhere.
        func answerMovesAway(from start: Int64) -> Bool {
            queued.contains { $0.at >= start && $0.movesAway } || messages.contains { $0.ours && $0.at >= start && $0.movesAway }
        }
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
    /// For repeat contact: each customer's conversations whose last message of theirs is at most
    /// a week before the period or in it.
    var recent: [Recent]
    typealias Recent = (id: Int64, contact: Int64, kind: MentionKind, first: Int64, last: Int64)
    var shifts: [ShiftRecord]
    var incidents: [IncidentRecord]

    /// How far before the period conversations are read: repeat contact looks back a week.
    static let lookBack: Int64 = 7 * 86_400_000

    /// How the messages are read: `readMessages` chooses, tests ask for each.
    enum MessageRead { case chosen, straight, byConversation }

    /// Which conversations are read: a condition on `conversation c` and its values (?1, ?2…).
    private struct Scope {
        var filter: String
        var values: [StoreValue]
    }

    static func load(_ store: some StoreReader, since: Int64, until: Int64, now: Int64, read: MessageRead = .chosen) throws -> ReportFacts {
        let scope = Scope(filter: "c.last_at >= ?1 AND c.first_at < ?2", values: [.integer(since), .integer(until)])
        let all = Int(try store.int64("SELECT count(*) FROM conversation") ?? 0)
        var recent: [Recent] = []
        var (conversations, position) = try readConversations(store, scope, atMost: all, recent: (since - lookBack, until, { recent.append($0) }))
        // Most of the cache: read whole tables straight through; a short period: only its own rows.
        let straight = switch read {
        case .chosen: conversations.count * 8 >= all
        case .straight: true
        case .byConversation: false
        }
        let ids = straight ? nil : idList(conversations.map(\.id))
        var praisedBefore = Set<Int64>()
        var messages = try readMessages(store, expected: conversations.map(\.mentionCount), position: position, scope: scope,
                                        straight: straight ? (since, { praisedBefore.insert($0) }) : nil)
        try readWork(store, into: &conversations, position: position, ids: ids)
        let contactOfHandle = try contacts(store, of: messages.rows, all: straight)
        let praisers = finish(&conversations, &messages, contactOfHandle: contactOfHandle)
        let earlier = try (straight ? Set(praisedBefore.compactMap { contactOfHandle[$0] }) : Set(store.all("""
            SELECT DISTINCT h.contact_id FROM contact_handle h JOIN mention m ON m.handle_id = h.id
            WHERE h.contact_id \(store.idIn(2)) AND m.ours = 0 AND m.kind = 'praise' AND m.created_at < ?1
            """, [.integer(since), .text(idList(praisers))]) { $0.int64(0) })).intersection(praisers)
        let tagged = try Set(store.all("""
            SELECT ct.contact_id FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id WHERE t.name = 'advocate'
            """) { $0.int64(0) })
        return ReportFacts(conversations: conversations, contactOfHandle: contactOfHandle, earlierPraisers: earlier, advocateTagged: tagged,
                           recent: recent,
                           shifts: try shifts(store, since: since, until: until, now: now), incidents: try incidents(store, since: since, until: until))
    }

    /// Only the conversations `ids` names, with their messages, answers and resolutions: what a
    /// shift's handover measures, read in its closing transaction, so no more than its own work.
    static func conversations(_ store: some StoreReader, ids: [Int64]) throws -> [Conversation] {
        let list = idList(ids)
        let scope = Scope(filter: "c.id \(store.idIn(1))", values: [.text(list)])
        var (conversations, position) = try readConversations(store, scope, atMost: ids.count, recent: nil)
        var messages = try readMessages(store, expected: conversations.map(\.mentionCount), position: position, scope: scope, straight: nil)
        try readWork(store, into: &conversations, position: position, ids: list)
        _ = finish(&conversations, &messages, contactOfHandle: try contacts(store, of: messages.rows, all: false))
        return conversations
    }

    /// The conversations `scope` picks, in id order, and where each is in the list. `atMost`:
    /// room made for them at once (pages not written to cost nothing). The same walk of the
    /// table hands `recent.found` what repeat contact compares: each customer's conversations
    /// whose last message of theirs is at or after `recent.since`, begun before `recent.until`.
    private static func readConversations(_ store: some StoreReader, _ scope: Scope, atMost: Int,
                                          recent: (since: Int64, until: Int64, found: (Recent) -> Void)?) throws -> ([Conversation], PositionOfID) {
        var conversations: [Conversation] = []
        conversations.reserveCapacity(atMost)
        var values = scope.values
        var filter = scope.filter, isRecent = "0"
        if let recent {
            values += [.integer(recent.since), .integer(recent.until)]
            isRecent = "(c.last_customer_at >= ?\(values.count - 1) AND c.first_at < ?\(values.count) AND c.contact_id IS NOT NULL AND c.kind IS NOT NULL)"
            filter = "(\(scope.filter)) OR \(isRecent)"
        }
        let rows = try store.rows("""
            SELECT id, channel, team, assignee, status, kind, contact_id, sla_minutes, urgency, first_at, last_customer_at, mention_count,
                \(recent == nil ? "TRUE" : scope.filter), \(isRecent)
            FROM conversation c WHERE \(filter) ORDER BY id
            """, values)
        while try rows.step() {
            let kind = rows.withBytes(5, Self.kind)
            if rows.int(13) != 0, let kind, kind != .spam, kind != .other {
                recent?.found((rows.int64(0), rows.int64(6), kind, rows.int64(9), rows.int64(10)))
            }
            guard rows.int(12) != 0 else { continue }
            conversations.append(Conversation(
                id: rows.int64(0), channel: rows.text(1) ?? "", team: rows.text(2), assignee: rows.text(3),
                status: ConversationStatus(rawValue: rows.text(4) ?? "") ?? .open, kind: kind,
                contact: rows.optionalInt64(6), slaMinutes: rows.optionalInt64(7).map(Int.init), urgency: rows.text(8).flatMap(Urgency.init(rawValue:)),
                mentionCount: max(0, rows.int(11))))
        }
        return (conversations, PositionOfID(conversations.map(\.id)))
    }

    /// The contact of every handle that wrote in the conversations (`all`: of every handle, read
    /// straight through when the conversations are most of the cache).
    private static func contacts(_ store: some StoreReader, of messages: [Message], all: Bool) throws -> [Int64: Int64] {
        var contactOfHandle: [Int64: Int64] = [:]
        let seen = all ? nil : idList(Set(messages.map(\.handle)))
        let handles = try store.rows(seen == nil ? "SELECT id, contact_id FROM contact_handle"
                                                 : "SELECT id, contact_id FROM contact_handle WHERE id \(store.idIn(1))", seen.map { [.text($0)] } ?? [])
        while try handles.step() { contactOfHandle[handles.int64(0)] = handles.int64(1) }
        return contactOfHandle
    }

    /// Once everything is read: who of those who wrote is the conversation's customer, each
    /// conversation's messages and the defences in its thread. Returns the contacts who praised
    /// in them.
    private static func finish(_ conversations: inout [Conversation], _ messages: inout MessageList, contactOfHandle: [Int64: Int64]) -> Set<Int64> {
        var praisers = Set<Int64>()
        for at in conversations.indices {
            let contact = conversations[at].contact
            for row in messages.range(at) where !messages.rows[row].ours {
                let writer = contactOfHandle[messages.rows[row].handle]
                messages.rows[row].fromCustomer = writer == contact
                if messages.rows[row].kind == .praise, let writer { praisers.insert(writer) }
            }
        }
        // Sliced only once every mark is made: a mark after the first slice would copy the array.
        for at in conversations.indices {
            conversations[at].messages = messages.rows[messages.range(at)]
            conversations[at].findDefences()
        }
        return praisers
    }

    /// The messages of the conversations read, each conversation's in order. When the period
    /// takes in much of the cache, `straight`, the whole mention table is read straight through
    /// (four times faster than a lookup per row), and the same walk hands every handle that
    /// praised us before `since` to `praised` (for new advocates); otherwise through the
    /// conversation index, so that a short period of a long history reads only its own conversations.
    private static func readMessages(_ store: some StoreReader, expected: [Int], position: PositionOfID, scope: Scope,
                                     straight: (since: Int64, praised: (Int64) -> Void)?) throws -> MessageList {
        let columns = """
            m.conversation_id, m.created_at, m.ours, m.sentiment, m.kind, m.handle_id,
            CASE WHEN m.kind = 'complaint' THEN m.source_id END, CASE WHEN m.kind = 'praise' THEN m.in_reply_to END,
            CASE WHEN m.ours <> 0 THEN m.text END
            """
        // Straight through, rows come in the table's stored order (the copy in PostgreSQL keeps
        // the cache's), which breaks ties in time as the cache does.
        let rows = try store.rows(straight != nil ? "SELECT \(columns) FROM mention m" : """
            SELECT \(columns) FROM conversation c JOIN mention m ON m.conversation_id = c.id
            WHERE \(scope.filter) ORDER BY c.id, m.created_at, m.id
            """, straight != nil ? [] : scope.values)
        var list = MessageList(expected: expected)
        var current: (id: Int64, at: Int) = (-1, -1)
        while try rows.step() {
            let conversation = rows.int64(0)
            let kind = rows.withBytes(4, Self.kind)
            if let straight, kind == .praise, rows.int64(1) < straight.since, rows.int(2) == 0 { straight.praised(rows.int64(5)) }
            if conversation != current.id {
                guard let at = position[conversation] else { continue }
                current = (conversation, at)
            }
            list.append(Message(
                at: rows.int64(1), handle: rows.int64(5), sentiment: rows.isNull(3) ? nil : rows.double(3),
                source: rows.isNull(6) ? 0 : rows.withBytes(6, Self.idHash), inReplyTo: rows.isNull(7) ? 0 : rows.withBytes(7, Self.idHash),
                kind: kind, ours: rows.int(2) != 0, movesAway: rows.withBytes(8, MovingAway.asks)), to: current.at)
        }
        list.finish()
        return list
    }

    /// Ids as a JSON array, for `StoreReader.idIn`: one argument however many.
    static func idList(_ ids: some Sequence<Int64>) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    /// A message's id as `Message` keeps it: hashed, and never 0, which stands for none.
    static func idHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 { max(1, FNV1a.hash(bytes)) }

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
    private static func readWork(_ store: some StoreReader, into conversations: inout [Conversation], position: PositionOfID, ids: String?) throws {
        let only = ids == nil ? "" : " AND conversation_id \(store.idIn(1))"
        let values: [StoreValue] = ids.map { [.text($0)] } ?? []
        let queued = try store.rows("""
            SELECT conversation_id, created_at, operator, text FROM outbox
            WHERE kind = 'reply' AND state <> 'cancelled' AND conversation_id IS NOT NULL\(only)
            """, values)
        while try queued.step() {
            guard let at = position[queued.int64(0)] else { continue }
            conversations[at].queued.append(Answer(at: queued.int64(1), operatorHandle: queued.text(2), movesAway: MovingAway.asks(queued.text(3) ?? "")))
        }
        let resolved = try store.rows("""
            SELECT conversation_id, max(at) FROM event WHERE kind = 'resolve' AND conversation_id IS NOT NULL\(only) GROUP BY conversation_id
            """, values)
        while try resolved.step() {
            guard let at = position[resolved.int64(0)], conversations[at].status == .resolved else { continue }
            conversations[at].resolvedAt = resolved.int64(1)
        }
        for id in try store.all("""
            SELECT DISTINCT ct.conversation_id FROM conversation_tag ct JOIN conversation c ON c.id = ct.conversation_id WHERE c.kind = 'idea'\(only)
            """, values, { $0.int64(0) }) {
            if let at = position[id] { conversations[at].tagged = true }
        }
        for id in try store.all("SELECT DISTINCT conversation_id FROM escalation WHERE TRUE\(only)", values, { $0.int64(0) }) {
            if let at = position[id] { conversations[at].escalated = true }
        }
    }

    /// The shifts on duty at any time in the period: answers are put in the shift they were given in.
    private static func shifts(_ store: some StoreReader, since: Int64, until: Int64, now: Int64) throws -> [ShiftRecord] {
        try store.all("""
            SELECT \(Shift.columns) FROM shift WHERE started_at < ?1 AND (ended_at IS NULL OR ended_at >= ?2) ORDER BY started_at, id
            """, [.integer(until), .integer(since)]) { Shift($0) }.map { shift in
            // The intro goes out as the shift starts, in the same transaction.
            let intro = try store.int64("""
                SELECT count(*) FROM outbox WHERE kind = 'intro' AND operator = ?1 AND created_at = ?2 AND state <> 'cancelled'
                """, [.text(shift.operatorHandle), .integer(shift.startedAt)]) ?? 0
            let acknowledged = try store.int64("SELECT min(acknowledged_at) FROM handover_ack WHERE shift_id = ?1", [.integer(shift.id)])
            let figures = try Handover.figures(store, operator: shift.operatorHandle, from: shift.startedAt, to: shift.endedAt ?? now)
            return ShiftRecord(shift: shift, introPosted: intro > 0, firstAcknowledgedAt: acknowledged, figures: figures)
        }
    }

    private static func incidents(_ store: some StoreReader, since: Int64, until: Int64) throws -> [IncidentRecord] {
        // One merged into another is part of it: its members are there now.
        let found = try store.all("""
            SELECT id, title, started_at FROM incident WHERE started_at >= ?1 AND started_at < ?2 AND state <> 'merged' ORDER BY started_at, id
            """, [.integer(since), .integer(until)]) { (id: $0.int64(0), title: $0.text(1) ?? "", startedAt: $0.int64(2)) }
        guard !found.isEmpty else { return [] }
        // One walk of the log for every incident's first post (the log has no index by kind),
        // a post about a merged incident counting for the one it was merged into.
        let mergedInto = try store.all("SELECT id, merged_into FROM incident WHERE merged_into IS NOT NULL", []) {
            (String($0.int64(0)), String($0.int64(1)))
        }.reduce(into: [String: String]()) { $0[$1.0] = $1.1 }
        var firstBroadcast: [String: Int64] = [:]
        let broadcasts = try store.rows("SELECT subject, min(at) FROM event WHERE kind = 'broadcast' GROUP BY subject", [])
        while try broadcasts.step() {
            guard let subject = broadcasts.text(0) else { continue }
            let incident = mergedInto[subject] ?? subject
            firstBroadcast[incident] = min(firstBroadcast[incident] ?? .max, broadcasts.int64(1))
        }
        return try found.map { incident in
            let broadcast = firstBroadcast[String(incident.id)]
            let complaints = try store.first("""
                SELECT count(*), count(CASE WHEN m.created_at > ?2 THEN 1 END) FROM conversation c JOIN mention m ON m.conversation_id = c.id
                WHERE c.incident_id = ?1 AND m.ours = 0 AND m.kind = 'complaint'
                """, [.integer(incident.id), .integer(broadcast ?? Int64.max)]) { (all: $0.int(0), after: $0.int(1)) }
            return IncidentRecord(id: incident.id, title: incident.title, startedAt: incident.startedAt, firstBroadcastAt: broadcast,
                                  complaints: complaints?.all ?? 0, complaintsAfterBroadcast: complaints?.after ?? 0)
        }
    }
}

extension ReportFacts {
    /// Every conversation's messages, one conversation after another, each in time order: one
    /// array rather than one a conversation (a large report reads hundreds of thousands). Room is
    /// made for as many as each conversation's row counts, so a message read goes straight to its
    /// place; where a count was wrong, `finish` moves them up.
    struct MessageList {
        var rows: [Message]
        /// Conversation `i`'s messages are `rows[starts[i]..<starts[i + 1]]`.
        private var starts: [Int]
        /// While reading: where each conversation's next message goes.
        private var next: [Int]
        /// While reading: messages beyond the room made for their conversation, in the order read.
        private var beyond: [(owner: Int, message: Message)] = []

        func range(_ conversation: Int) -> Range<Int> { starts[conversation]..<starts[conversation + 1] }

        init(expected: [Int]) {
            starts = [0]
            starts.reserveCapacity(expected.count + 1)
            for count in expected { starts.append(starts[starts.count - 1] + count) }
            next = Array(starts.dropLast())
            rows = Array(repeating: Message(at: 0, handle: 0, ours: false), count: starts[starts.count - 1])
        }

        mutating func append(_ message: Message, to owner: Int) {
            guard next[owner] < starts[owner + 1] else { return beyond.append((owner, message)) }
            rows[next[owner]] = message
            next[owner] += 1
        }

        /// Once all are read: each conversation's messages together (those beyond its room after
        /// the rest, as read), then in time order, ties as read.
        mutating func finish() {
            let count = next.count
            if !beyond.isEmpty || (0..<count).contains(where: { next[$0] != starts[$0 + 1] }) {
                let more = Dictionary(grouping: beyond, by: \.owner)
                var packed: [Message] = []
                packed.reserveCapacity(next.indices.reduce(beyond.count) { $0 + next[$1] - starts[$1] })
                var packedStarts = [0]
                for at in 0..<count {
                    packed += rows[starts[at]..<next[at]]
                    packed += (more[at] ?? []).map(\.message)
                    packedStarts.append(packed.count)
                }
                (rows, starts, beyond) = (packed, packedStarts, [])
            }
            next = []
            for at in 0..<count where !rows[range(at)].isSorted(by: \.at) {
                let ordered = rows[range(at)].enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
                rows.replaceSubrange(range(at), with: ordered)
            }
        }
    }

    /// Where each conversation read is in the list, found by its id for every message read: an
    /// array over the ids' span when they are dense (a long period takes in most of the cache),
    /// else a dictionary.
    struct PositionOfID {
        /// The smallest id.
        private let first: Int64
        private let dense: [Int32]
        private let sparse: [Int64: Int]

        /// `ids` in ascending order.
        init(_ ids: [Int64]) {
            first = ids.first ?? 0
            let span = (ids.last ?? 0) - first + 1
            if !ids.isEmpty && span <= Int64(ids.count) * 4 {
                var dense = Array(repeating: Int32(-1), count: Int(span))
                for (at, id) in ids.enumerated() { dense[Int(id - first)] = Int32(at) }
                (self.dense, sparse) = (dense, [:])
            } else {
                (dense, sparse) = ([], Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) }))
            }
        }

        subscript(id: Int64) -> Int? {
            guard !dense.isEmpty else { return sparse[id] }
            guard id >= first && id - first < Int64(dense.count) else { return nil }
            let at = dense[Int(id - first)]
            return at < 0 ? nil : Int(at)
        }
    }
}

extension Collection {
    func isSorted(by key: (Element) -> Int64) -> Bool {
        zip(self, dropFirst()).allSatisfy { key($0) <= key($1) }
    }
}
