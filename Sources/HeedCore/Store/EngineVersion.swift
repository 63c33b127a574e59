import CSQLite
import GRDBSQLite

/// heed's version and the SQLite it runs on, for `heed --version` and bug reports. heed carries
/// its own SQLite (`Sources/CSQLite`, its README) rather than the system's, which may
/// predate 3.51.3: that release fixed a corruption of WAL caches written by several
/// connections at once — heed's shape with an import and operators.
public enum EngineVersion {
    public static let heed = "0.9.0"

    /// What answers GRDB's calls: the linked SQLite.
    public static var sqlite: String { String(cString: sqlite3_libversion()) }

    /// The SQLite compiled into heed, as its own header says.
    public static var carried: String { String(cString: CSQLite_carriedVersion()) }

    /// The first SQLite without the WAL-reset corruption.
    public static let sqliteFixed = "3.51.3"

    public static func isFixed(_ version: String) -> Bool {
        let have = version.split(separator: ".").compactMap { Int($0) }
        let want = sqliteFixed.split(separator: ".").compactMap { Int($0) }
        return have.lexicographicallyPrecedes(want) == false
    }

    public static var line: String { "heed \(heed) (SQLite \(sqlite))" }
}
