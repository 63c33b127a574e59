import GRDB

/// How many conversations each status holds, breached or not, assigned or not: the
/// `queue_tally` table the cache's triggers keep as conversations change and go, and an import
/// as it makes them (`MentionUpsert.finishBatch`). The header's and the tabs' counts read a few
/// of its rows; counting the conversations themselves walks the open queue (14 ms for 400,000
/// open, ten times that for 4,000,000).
enum QueueTally {
    static func count(_ db: Database, status: ConversationStatus, breached: Bool? = nil, unassigned: Bool? = nil) throws -> Int {
        try count(CacheReader(db), status: status, breached: breached, unassigned: unassigned)
    }

    static func count(_ store: some StoreReader, status: ConversationStatus, breached: Bool? = nil, unassigned: Bool? = nil) throws -> Int {
        var sql = "SELECT CAST(coalesce(sum(conversations), 0) AS bigint) FROM queue_tally WHERE status = ?"
        var values: [StoreValue] = [.text(status.rawValue)]
        for (column, value) in [("breached", breached), ("unassigned", unassigned)] {
            guard let value else { continue }
            sql += " AND \(column) = ?"
            values.append(.integer(value ? 1 : 0))
        }
        return Int(try store.int64(sql, values) ?? 0)
    }

    static func countOpen(_ store: some StoreReader) throws -> Int {
        try count(store, status: .open)
    }

    /// How many `query` finds when the tally can tell: a status (the open queue when none is
    /// named), with or without `is:breached` and `is:unassigned`, and nothing else.
    static func count(_ store: some StoreReader, _ query: Query) throws -> Int? {
        var status = ConversationStatus.open, statusNamed = false
        var breached: Bool?, unassigned: Bool?
        for group in query.groups {
            guard group.count == 1, !group[0].negated else { return nil }
            switch group[0].condition {
            case .status(let named) where !statusNamed:
                (status, statusNamed) = (named, true)
            case .breached: breached = true
            case .unassigned: unassigned = true
            default: return nil
            }
        }
        return try count(store, status: status, breached: breached, unassigned: unassigned)
    }
}
