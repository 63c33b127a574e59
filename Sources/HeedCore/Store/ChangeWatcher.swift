import Foundation
import GRDBSQLite

/// Answers "has any process written to the cache?" cheaply: SQLite's `PRAGMA data_version` on a
/// read-only connection of its own (the value is only comparable on one connection).
///
/// A plain SQLite connection rather than a GRDB queue: a read-only GRDB `DatabaseQueue` open
/// beside the pool on the same file crashed the process at teardown about half the time
/// (use-after-free in a destructor), found by the scripted screen test.
final class ChangeWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var connection: OpaquePointer?
    private var statement: OpaquePointer?

    init(path: String) throws {
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX
        guard sqlite3_open_v2(path, &connection, flags, nil) == SQLITE_OK,
              sqlite3_busy_timeout(connection, Int32(AppDatabase.busyTimeout * 1000)) == SQLITE_OK,
              sqlite3_prepare_v2(connection, "PRAGMA data_version", -1, &statement, nil) == SQLITE_OK
        else {
            let reason = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_finalize(statement)
            sqlite3_close_v2(connection)
            throw HeedError("cannot watch \(path) for changes: \(reason)", .cannotWrite)
        }
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close_v2(connection)
    }

    /// The current data version; it changes whenever any connection commits.
    func version() throws -> Int {
        lock.lock()
        defer { lock.unlock() }
        defer { sqlite3_reset(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else {
            throw HeedError("cannot read the cache's data version: \(String(cString: sqlite3_errmsg(connection)))")
        }
        return Int(sqlite3_column_int64(statement, 0))
    }
}
