import GRDB

/// One conversation as the queue lists it: enough to draw a row or print a line.
public struct QueueRow: Sendable, Equatable, Codable {
    public var conversationID: Int64
    public var channel: String
    public var status: ConversationStatus
    public var priority: Int
    public var dueAt: Int64?
    public var assignee: String?
    public var mentionCount: Int
    /// The customer's latest message, which the row shows.
    public var text: String
    public var authorHandle: String
    public var authorName: String?
    public var followers: Int
    public var verified: Bool
    public var lastCustomerAt: Int64?
    public var lastAt: Int64
    public var tags: [String]
    /// Past its SLA due time.
    public var breached = false
    /// The priority before the latest change (the screen shows an arrow when it rose).
    public var previousPriority: Int?
    /// Why the priority: the signals and their points, largest first.
    public var reasons: [Reason] = []
    public var kind: String?
    public var sentiment: Double?
    /// When the unanswered customer message the SLA runs from was written.
    public var waitingSince: Int64?
    public var team: String?
    public var incidentID: Int64?
    /// Bumped by every change: what an action's compare-and-set expects.
    public var version = 0

    public init(conversationID: Int64, channel: String, status: ConversationStatus, priority: Int, dueAt: Int64?, assignee: String?,
                mentionCount: Int, text: String, authorHandle: String, authorName: String?, followers: Int, verified: Bool,
                lastCustomerAt: Int64?, lastAt: Int64, tags: [String]) {
        self.conversationID = conversationID
        self.channel = channel
        self.status = status
        self.priority = priority
        self.dueAt = dueAt
        self.assignee = assignee
        self.mentionCount = mentionCount
        self.text = text
        self.authorHandle = authorHandle
        self.authorName = authorName
        self.followers = followers
        self.verified = verified
        self.lastCustomerAt = lastCustomerAt
        self.lastAt = lastAt
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey {
        case conversationID = "id", channel, status, priority, dueAt = "due_at", assignee, mentionCount = "mentions", text
        case authorHandle = "author", authorName = "author_name", followers, verified
        case lastCustomerAt = "last_customer_at", lastAt = "last_at", tags, breached, previousPriority = "previous_priority"
        case reasons, kind, sentiment, waitingSince = "waiting_since", team, incidentID = "incident", version
    }

    /// The reasons that moved the priority most, largest first (the base is left out).
    public func topReasons(_ count: Int) -> [Reason] {
        Array(reasons.filter { $0.signal != "base" && $0.points != 0 }.sorted { abs($0.points) > abs($1.points) }.prefix(count))
    }
}

/// How a list of conversations is ordered.
public enum QueueOrder: Sendable, Equatable {
    /// Priority, then the points of its own (so that the most urgent, all shown as 100, are still
    /// ordered by how urgent they are), then SLA due time, then the longest waiting (it follows
    /// the `conversation_queue` index).
    case triage
    /// Latest first: the Resolved and Spam views, where urgency no longer matters.
    case recent
    /// An incident's members: the open ones first, in triage order, then the latest.
    case incident
    /// By number.
    case number

    var sql: String { keys.sqlite }

    var keys: [OrderKey] {
        let triage = [OrderKey("c.priority", descending: true), OrderKey("c.static_points", descending: true), OrderKey("c.due_at"),
                      OrderKey("c.waiting_since")]
        switch self {
        case .triage: return triage + [OrderKey("c.id")]
        case .recent: return [OrderKey("c.last_at", descending: true), OrderKey("c.id", descending: true)]
        case .incident: return [OrderKey("c.status <> 'open'")] + triage + [OrderKey("c.last_at", descending: true), OrderKey("c.id")]
        case .number: return [OrderKey("c.id")]
        }
    }
}

/// Reads of the queue.
public enum Queue {
    /// The triage order as SQL over `conversation c`, for reads that pick from it (`next`, a handover).
    static let triageOrderSQL = QueueOrder.triage.sql

    /// Open conversations in triage order.
    public static func open(_ db: Database, limit: Int, offset: Int = 0) throws -> [QueueRow] {
        try rows(db, whereSQL: "c.status = 'open'", values: [], order: .triage, limit: limit, offset: offset)
    }

    public static func countOpen(_ db: Database) throws -> Int {
        try QueueTally.count(db, status: .open)
    }

    public static func row(_ db: Database, conversation id: Int64) throws -> QueueRow? {
        try rows(db, whereSQL: "c.id = ?", values: [.integer(id)], order: .number, limit: 1, offset: 0).first
    }

    static func rows(_ db: Database, whereSQL: String, values: [StoreValue], order: QueueOrder, limit: Int, offset: Int) throws -> [QueueRow] {
        try rows(CacheReader(db, cached: false), whereSQL: whereSQL, values: values, order: order, limit: limit, offset: offset)
    }

    static func rows(_ store: some StoreReader, whereSQL: String, values: [StoreValue], order: QueueOrder, limit: Int, offset: Int) throws -> [QueueRow] {
        try QueueRow.all(store.rows(pageSQL(store, whereSQL: whereSQL, order: order, limit: limit, offset: offset), values))
    }

    /// The page is picked first and only its rows are joined to their message, author and
    /// reasons: a search led by its few matches sorts them all, and joining each before the sort
    /// tripled its time (`incident:any` with 74,392 open members: 186 → 63 ms).
    private static func pageSQL(_ store: some StoreReader, whereSQL: String, order: QueueOrder, limit: Int, offset: Int) -> String {
        let order = store.order(order.keys)
        return """
            SELECT \(QueueRow.Column.allCases.map { $0.selected(store) }.joined(separator: ", "))
            FROM (SELECT c.id FROM conversation c WHERE \(whereSQL) ORDER BY \(order) LIMIT \(limit) OFFSET \(offset)) AS page
            JOIN conversation c ON c.id = page.id
            JOIN mention m ON m.id = coalesce(c.latest_customer_mention_id, c.latest_mention_id)
            JOIN contact_handle h ON h.id = m.handle_id
            LEFT JOIN conversation_reasons r ON r.conversation_id = c.id
            ORDER BY \(order)
            """
    }
}

extension QueueRow {
    /// What the queue's read selects, in order.
    fileprivate enum Column: Int32, CaseIterable {
        case id, channel, status, priority, dueAt, assignee, mentionCount, lastCustomerAt, lastAt, breached, previousPriority, reasons
        case kind, sentiment, waitingSince, team, incidentID, version, text, handle, name, followers, verified, tags

        func selected(_ store: some StoreReader) -> String {
            switch self {
            case .id: "c.id"
            case .channel: "c.channel"
            case .status: "c.status"
            case .priority: "c.priority"
            case .dueAt: "c.due_at"
            case .assignee: "c.assignee"
            case .mentionCount: "c.mention_count"
            case .lastCustomerAt: "c.last_customer_at"
            case .lastAt: "c.last_at"
            case .breached: "c.breached"
            case .previousPriority: "c.previous_priority"
            case .reasons: "r.reasons"
            case .kind: "c.kind"
            case .sentiment: "c.sentiment"
            case .waitingSince: "c.waiting_since"
            case .team: "c.team"
            case .incidentID: "c.incident_id"
            case .version: "c.version"
            case .text: "m.text"
            case .handle: "h.handle"
            case .name: "h.name"
            case .followers: "h.followers"
            case .verified: "h.verified"
            case .tags:
                "(SELECT \(store.spaced("t.name")) FROM conversation_tag ct JOIN tag t ON t.id = ct.tag_id WHERE ct.conversation_id = c.id)"
            }
        }
    }

    fileprivate static func all(_ rows: some StoreRows) throws -> [QueueRow] {
        defer { rows.finish() }
        var found: [QueueRow] = []
        while try rows.step() { found.append(QueueRow(rows)) }
        return found
    }

    private init(_ rows: some StoreRows) {
        func int64(_ column: Column) -> Int64 { rows.int64(column.rawValue) }
        func optional(_ column: Column) -> Int64? { rows.optionalInt64(column.rawValue) }
        func text(_ column: Column) -> String? { rows.text(column.rawValue) }
        self.init(conversationID: int64(.id), channel: text(.channel) ?? "", status: ConversationStatus(rawValue: text(.status) ?? "") ?? .open,
                  priority: Int(int64(.priority)), dueAt: optional(.dueAt), assignee: text(.assignee), mentionCount: Int(int64(.mentionCount)),
                  text: text(.text) ?? "", authorHandle: text(.handle) ?? "", authorName: text(.name), followers: Int(int64(.followers)),
                  verified: int64(.verified) != 0, lastCustomerAt: optional(.lastCustomerAt), lastAt: int64(.lastAt),
                  tags: text(.tags)?.split(separator: " ").map(String.init).sorted() ?? [])
        breached = int64(.breached) != 0
        previousPriority = optional(.previousPriority).map(Int.init)
        reasons = ReasonsJSON.decode(text(.reasons))
        kind = text(.kind)
        sentiment = rows.isNull(Column.sentiment.rawValue) ? nil : rows.double(Column.sentiment.rawValue)
        waitingSince = optional(.waitingSince)
        team = text(.team)
        incidentID = optional(.incidentID)
        version = Int(int64(.version))
    }
}
