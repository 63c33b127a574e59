/// The first page of the open queue read from a copy of the cache in PostgreSQL (`heed store
/// migrate --to`), with how many are open and the incidents its rows belong to. The copy is only
/// read: its priorities are as they were last written there, the SLA clock's part not brought up
/// to now as a read of the cache does.
public struct QueuePage: Sendable {
    public var rows: [QueueRow]
    public var open: Int
    public var incidents: [Int64: Incident]

    public static func open(_ location: PostgresLocation, limit: Int, now: Int64, quietMinutes: Int) throws -> QueuePage {
        let store = try PostgresReader(location)
        defer { store.close() }
        return try open(store, limit: limit, now: now, quietMinutes: quietMinutes)
    }

    static func open(_ store: some StoreReader, limit: Int, now: Int64, quietMinutes: Int) throws -> QueuePage {
        let rows = try Queue.rows(store, whereSQL: "c.status = 'open'", values: [], order: .triage, limit: max(0, limit), offset: 0)
        let incidents = try Set(rows.compactMap(\.incidentID)).compactMap { try Incident.fetch(store, id: $0, now: now, quietMinutes: quietMinutes) }
        return QueuePage(rows: rows, open: try QueueTally.countOpen(store), incidents: Dictionary(uniqueKeysWithValues: incidents.map { ($0.id, $0) }))
    }
}
