import GRDB

/// A conversation handed to a team: open until the team answers (or someone closes it).
public struct Escalation: Sendable, Equatable, Codable, FetchableRecord, TableRecord {
    public static let databaseTableName = "escalation"

    public var id: Int64
    public var conversationID: Int64
    public var team: String
    public var note: String?
    /// open | answered | closed
    public var state: String
    public var openedBy: String
    public var openedAt: Int64
    public var answer: String?
    public var answeredBy: String?
    public var answeredAt: Int64?
    public var closedBy: String?
    public var closedAt: Int64?

    enum CodingKeys: String, CodingKey {
        case id, conversationID = "conversation", team, note, state, openedBy = "opened_by", openedAt = "opened_at", answer
        case answeredBy = "answered_by", answeredAt = "answered_at", closedBy = "closed_by", closedAt = "closed_at"
    }

    public enum Columns {
        static let id = Column("id"), conversationID = Column("conversation_id"), team = Column("team"), note = Column("note")
        static let state = Column("state"), openedBy = Column("opened_by"), openedAt = Column("opened_at")
    }

    public init(row: Row) {
        (id, conversationID, team, note, state) = (row["id"], row["conversation_id"], row["team"], row["note"], row["state"])
        (openedBy, openedAt, answer, answeredBy, answeredAt) = (row["opened_by"], row["opened_at"], row["answer"], row["answered_by"], row["answered_at"])
        (closedBy, closedAt) = (row["closed_by"], row["closed_at"])
    }

    /// Escalations, the latest first: the open ones, or with `all` every one; of one team if given.
    public static func list(_ db: Database, all: Bool = false, team: String? = nil, limit: Int = 500) throws -> [Escalation] {
        var request = all ? Self.all() : Self.filter(Columns.state == "open")
        if let team { request = request.filter(Columns.team == team) }
        return try request.order(Columns.openedAt.desc, Columns.id.desc).limit(limit).fetchAll(db)
    }

    public static func of(_ db: Database, conversation id: Int64) throws -> [Escalation] {
        try filter(Columns.conversationID == id).order(Columns.openedAt, Columns.id).fetchAll(db)
    }

    static func fetch(_ db: Database, id: Int64) throws -> Escalation? {
        try fetchOne(db, key: id)
    }

    /// Whether conversation `id` has an escalation to `team` still open.
    /// A cached statement: rules that escalate ask it for every conversation an import scores.
    static func isOpen(_ db: Database, conversation id: Int64, team: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM escalation WHERE conversation_id = ? AND team = ? AND state = 'open')
            """), arguments: [id, team]) ?? false
    }

    /// Opens an escalation of conversation `id` to `team`; returns its id.
    static func open(_ db: Database, conversation id: Int64, team: String, note: String?, by actor: String, now: Int64) throws -> Int64 {
        try db.execute(sql: "INSERT INTO escalation (conversation_id, team, note, opened_by, opened_at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [id, team, note, actor, now])
        return db.lastInsertedRowID
    }

    /// "escalated to billing: answered by lee", for a line about the conversation.
    public var summary: String {
        switch state {
        case "answered": "escalated to \(team): answered by \(answeredBy ?? "?")"
        case "closed": "escalated to \(team): closed by \(closedBy ?? "?")"
        default: "escalated to \(team): waiting"
        }
    }
}
