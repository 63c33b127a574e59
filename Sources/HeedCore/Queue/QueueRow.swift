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

    var sql: String {
        switch self {
        case .triage: Queue.triageOrderSQL
        case .recent: "c.last_at DESC, c.id DESC"
        case .incident: "c.status <> 'open', c.priority DESC, c.static_points DESC, c.due_at, c.waiting_since, c.last_at DESC, c.id"
        case .number: "c.id"
        }
    }
}

/// Reads of the queue.
public enum Queue {
    /// The triage order as SQL over `conversation c`, for reads that pick from it (`next`, a handover).
    static let triageOrderSQL = "c.priority DESC, c.static_points DESC, c.due_at, c.waiting_since, c.id"

    /// Open conversations in triage order.
    public static func open(_ db: Database, limit: Int, offset: Int = 0) throws -> [QueueRow] {
        try rows(db, whereSQL: "c.status = 'open'", arguments: [], order: .triage, limit: limit, offset: offset)
    }

    public static func countOpen(_ db: Database) throws -> Int {
        try QueueTally.count(db, status: .open)
    }

    public static func row(_ db: Database, conversation id: Int64) throws -> QueueRow? {
        try rows(db, whereSQL: "c.id = ?", arguments: [id], order: .number, limit: 1, offset: 0).first
    }

    /// The page is picked first and only its rows are joined to their message, author and
    /// reasons: a search led by its few matches sorts them all, and joining each before the sort
    /// tripled its time (`incident:any` with 74,392 open members: 186 → 63 ms).
    static func rows(_ db: Database, whereSQL: String, arguments: StatementArguments, order: QueueOrder, limit: Int, offset: Int) throws -> [QueueRow] {
        let sql = """
            SELECT c.id, c.channel, c.status, c.priority, c.due_at, c.assignee, c.mention_count, c.last_customer_at, c.last_at,
                   c.breached, c.previous_priority, r.reasons, c.kind, c.sentiment, c.waiting_since, c.team, c.incident_id, c.version,
                   m.text, h.handle, h.name, h.followers, h.verified,
                   (SELECT group_concat(t.name, ' ') FROM conversation_tag ct JOIN tag t ON t.id = ct.tag_id
                    WHERE ct.conversation_id = c.id) AS tags
            FROM (SELECT c.id FROM conversation c WHERE \(whereSQL) ORDER BY \(order.sql) LIMIT \(limit) OFFSET \(offset)) AS page
            JOIN conversation c ON c.id = page.id
            JOIN mention m ON m.id = coalesce(c.latest_customer_mention_id, c.latest_mention_id)
            JOIN contact_handle h ON h.id = m.handle_id
            LEFT JOIN conversation_reasons r ON r.conversation_id = c.id
            ORDER BY \(order.sql)
            """
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            var queueRow = QueueRow(conversationID: row["id"], channel: row["channel"],
                     status: ConversationStatus(rawValue: row["status"]) ?? .open,
                     priority: row["priority"], dueAt: row["due_at"], assignee: row["assignee"],
                     mentionCount: row["mention_count"], text: row["text"], authorHandle: row["handle"],
                     authorName: row["name"], followers: row["followers"], verified: row["verified"],
                     lastCustomerAt: row["last_customer_at"], lastAt: row["last_at"],
                     tags: (row["tags"] as String?)?.split(separator: " ").map(String.init).sorted() ?? [])
            queueRow.breached = row["breached"]
            queueRow.previousPriority = row["previous_priority"]
            queueRow.reasons = ReasonsJSON.decode(row["reasons"])
            queueRow.kind = row["kind"]
            queueRow.sentiment = row["sentiment"]
            queueRow.waitingSince = row["waiting_since"]
            queueRow.team = row["team"]
            queueRow.incidentID = row["incident_id"]
            queueRow.version = row["version"]
            return queueRow
        }
    }
}
