/// A page of what a search finds (the open queue when it names nothing), counted, with the
/// incidents its rows belong to: what `heed queue` prints, from the cache or from a copy in
/// PostgreSQL (`heed store migrate --to`). A copy is only read: its priorities are as they were
/// last written there, the SLA clock's part not brought up to now as the cache's is first.
public struct QueuePage: Sendable {
    public var rows: [QueueRow]
    /// How many the search finds, counted up to `countBeyond` past the page.
    public var found: Int
    public var incidents: [Int64: Incident]
    /// When nothing is found: the search's text with its unknown words corrected, if any are near
    /// a word the store has (`SearchSuggestion`).
    public var suggestion: String?

    /// From the cache, in one read.
    public static func search(_ database: AppDatabase, _ query: Query, now: Int64, me: String?, limit: Int, countBeyond: Int?,
                              quietMinutes: Int, suggesting text: String? = nil) throws -> QueuePage {
        try database.read { db in
            try search(CacheReader(db, cached: false), query, now: now, me: me, limit: limit, countBeyond: countBeyond, quietMinutes: quietMinutes,
                       suggesting: text)
        }
    }

    /// From a copy in PostgreSQL, in one read-only snapshot.
    public static func search(_ location: PostgresLocation, _ query: Query, now: Int64, me: String?, limit: Int, countBeyond: Int?,
                              quietMinutes: Int, suggesting text: String? = nil) throws -> QueuePage {
        let store = try PostgresReader(location)
        defer { store.close() }
        return try search(store, query, now: now, me: me, limit: limit, countBeyond: countBeyond, quietMinutes: quietMinutes, suggesting: text)
    }

    static func search(_ store: some StoreReader, _ query: Query, now: Int64, me: String?, limit: Int, countBeyond: Int?,
                       quietMinutes: Int, suggesting text: String?) throws -> QueuePage {
        let limit = max(0, limit)
        let rows = try Queue.search(store, query, now: now, me: me, limit: limit)
        let found = rows.count < limit ? rows.count : try Queue.count(store, query, now: now, me: me, atMost: countBeyond.map { rows.count + $0 + 1 })
        let incidents = try Set(rows.compactMap(\.incidentID)).compactMap { try Incident.fetch(store, id: $0, now: now, quietMinutes: quietMinutes) }
        let suggestion = found == 0 && text?.isEmpty == false ? try SearchSuggestion.suggest(store, text: text!) : nil
        return QueuePage(rows: rows, found: found, incidents: Dictionary(uniqueKeysWithValues: incidents.map { ($0.id, $0) }), suggestion: suggestion)
    }
}
