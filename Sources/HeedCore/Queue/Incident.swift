import GRDB

/// A burst of similar complaints found by triage (`IncidentDetector`), with its member
/// conversations.
public struct Incident: Sendable, Equatable {
    public var id: Int64
    /// What it is about, in its members' words ("app down").
    public var title: String
    public var terms: [String]
    public var state: State
    public var startedAt: Int64
    public var lastMemberAt: Int64
    public var conversations: Int
    /// Members still in the queue.
    public var open: Int
    /// Where its members went, when it is `merged`.
    public var mergedInto: Int64? = nil

    public enum State: String, Sendable, Codable {
        /// New members still arriving: a matching complaint joins it.
        case active
        /// No new member for the quiet time: over; a new burst makes a new incident.
        case quiet
        /// Closed by an operator.
        case resolved
        /// Its time came to touch that of an earlier-numbered incident of the same words (an
        /// outage read out of time order, a backfill): its members are in that one now.
        case merged
    }

    /// An incident with its members counted, from their index alone (no member's row is read).
    static let select = """
        SELECT i.id, i.title, i.terms, i.state, i.started_at, i.last_member_at,
               (SELECT count(*) FROM conversation c WHERE c.incident_id = i.id) AS conversations,
               (SELECT count(*) FROM conversation c WHERE c.incident_id = i.id AND c.status = 'open') AS open,
               i.merged_into
        FROM incident i
        """

    /// Incidents newest first: the active ones, or with `all` every one.
    public static func list(_ db: Database, now: Int64, quietMinutes: Int, all: Bool = false) throws -> [Incident] {
        let since = now - Int64(quietMinutes) * 60_000
        // The time is bound, not written into the SQL: the statement is kept for the next load,
        // and one kept for every moment would grow the screen's connection without end.
        return try CacheReader(db).all(select + (all ? "" : " WHERE i.state = 'active' AND i.last_member_at >= ?1")
                                       + " ORDER BY i.last_member_at DESC, i.id DESC", all ? [] : [.integer(since)]) { incident($0, since: since) }
    }

    public static func fetch(_ db: Database, id: Int64, now: Int64, quietMinutes: Int) throws -> Incident? {
        try fetch(CacheReader(db), id: id, now: now, quietMinutes: quietMinutes)
    }

    static func fetch(_ store: some StoreReader, id: Int64, now: Int64, quietMinutes: Int) throws -> Incident? {
        try store.first(select + " WHERE i.id = ?1", [.integer(id)]) { incident($0, since: now - Int64(quietMinutes) * 60_000) }
    }

    /// Its conversations: open ones in queue order, then the rest, latest first.
    public static func members(_ db: Database, of id: Int64, limit: Int) throws -> [QueueRow] {
        try Queue.rows(db, whereSQL: "c.incident_id = ?", values: [.integer(id)],
                       order: .incident,
                       limit: limit, offset: 0)
    }

    private static func incident(_ row: some StoreRows, since: Int64) -> Incident {
        let stored = State(rawValue: row.text(3) ?? "") ?? .active
        let last = row.int64(5)
        return Incident(id: row.int64(0), title: row.text(1) ?? "", terms: words(ofTerms: row.text(2) ?? "[]"),
                        state: stored == .active && last < since ? .quiet : stored,
                        startedAt: row.int64(4), lastMemberAt: last, conversations: row.int(6), open: row.int(7),
                        mergedInto: row.optionalInt64(8))
    }

    /// Why an action on a merged incident is refused: its conversations are in the other, and
    /// acting on them all should be asked for by that one's number.
    static func mergedMessage(_ id: Int64, into: Int64) -> String {
        "incident \(id) was merged into incident \(into), which has its conversations now: act on \(into)"
    }

    /// The stored `terms` column: a JSON array of words.
    static func words(ofTerms json: String) -> [String] {
        guard let node = try? JSONParser.parse(json), case .array(let items) = node.value else { return [] }
        return items.compactMap(\.string)
    }
}

/// A line of the queue with incidents grouped: a conversation on its own, or an incident's
/// members together where its most urgent member stands.
public enum QueueEntry: Sendable, Equatable {
    case conversation(QueueRow)
    case incident(id: Int64, members: [QueueRow])

    /// `rows` (in queue order) with each incident's members gathered under it.
    public static func grouped(_ rows: [QueueRow]) -> [QueueEntry] {
        var members: [Int64: [QueueRow]] = [:]
        for row in rows { if let id = row.incidentID { members[id, default: []].append(row) } }
        var entries: [QueueEntry] = []
        for row in rows {
            guard let id = row.incidentID else {
                entries.append(.conversation(row))
                continue
            }
            if let group = members.removeValue(forKey: id) { entries.append(.incident(id: id, members: group)) }
        }
        return entries
    }
}
