import GRDB
import GRDBSQLite

/// heed's version and the SQLite it runs on, for `heed --version` and bug reports: the
/// engine's version matters (3.51.3 fixed a corruption of WAL caches written by several
/// connections at once — heed's shape with an import and operators).
public enum EngineVersion {
    public static let heed = "0.9.0"

    public static var sqlite: String { String(cString: sqlite3_libversion()) }

    /// The first SQLite without the WAL-reset corruption.
    public static let sqliteFixed = "3.51.3"

    public static var sqliteIsFixed: Bool {
        let have = sqlite.split(separator: ".").compactMap { Int($0) }
        let want = sqliteFixed.split(separator: ".").compactMap { Int($0) }
        return have.lexicographicallyPrecedes(want) == false
    }

    public static var line: String {
        "heed \(heed) (SQLite \(sqlite)" + (sqliteIsFixed ? ")" : "; older than \(sqliteFixed), which fixed a corruption of shared WAL caches)")
    }
}
