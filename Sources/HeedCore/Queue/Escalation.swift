import GRDB

/// A conversation handed to a team: open until the team answers (or someone closes it).
public struct Escalation: Sendable, Equatable, Codable {
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

    static let columns = """
        id, conversation_id, team, note, state, opened_by, opened_at, answer, answered_by, answered_at, closed_by, closed_at
        """

    init(row: Row) {
        (id, conversationID, team, note, state) = (row["id"], row["conversation_id"], row["team"], row["note"], row["state"])
        (openedBy, openedAt, answer, answeredBy, answeredAt) = (row["opened_by"], row["opened_at"], row["answer"], row["answered_by"], row["answered_at"])
        (closedBy, closedAt) = (row["closed_by"], row["closed_at"])
    }

    /// Escalations, the latest first: the open ones, or with `all` every one; of one team if given.
    public static func list(_ db: Database, all: Bool = false, team: String? = nil, limit: Int = 500) throws -> [Escalation] {
        try Row.fetchAll(db, sql: """
            SELECT \(columns) FROM escalation WHERE (? OR state = 'open') AND (? IS NULL OR team = ?) ORDER BY opened_at DESC, id DESC LIMIT ?
            """, arguments: [all, team, team, limit]).map(Escalation.init)
    }

    public static func of(_ db: Database, conversation id: Int64) throws -> [Escalation] {
        try Row.fetchAll(db, sql: "SELECT \(columns) FROM escalation WHERE conversation_id = ? ORDER BY opened_at, id",
                         arguments: [id]).map(Escalation.init)
    }

    static func fetch(_ db: Database, id: Int64) throws -> Escalation? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM escalation WHERE id = ?", arguments: [id]).map(Escalation.init)
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
