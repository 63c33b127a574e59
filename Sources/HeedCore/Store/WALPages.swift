import GRDB
import GRDBSQLite

/// How many pages a connection's commits have left in the WAL, from SQLite's WAL hook, which
/// SQLite calls after each commit with the WAL's size. Watching replaces the connection's
/// automatic checkpoint (the same hook); `stop` sets that back.
final class WALPages: @unchecked Sendable {
    /// Written during the connection's commits, read between its writes (GRDB runs both on the
    /// connection's serial queue, or waits for it).
    private(set) var count = 0
    /// Kept alive while the hook may call it.
    private var hooked: Unmanaged<WALPages>?

    func watch(_ db: Database) {
        count = 0
        if hooked == nil { hooked = Unmanaged.passRetained(self) }
        sqlite3_wal_hook(db.sqliteConnection, { context, _, _, pages in
            Unmanaged<WALPages>.fromOpaque(context!).takeUnretainedValue().count = Int(pages)
            return SQLITE_OK
        }, hooked!.toOpaque())
    }

    /// Gives the WAL back to SQLite's automatic checkpoint every `pages`.
    func stop(_ db: Database, autocheckpoint pages: Int) throws {
        try db.execute(sql: "PRAGMA wal_autocheckpoint = \(pages)")
        hooked?.release()
        hooked = nil
    }
}
