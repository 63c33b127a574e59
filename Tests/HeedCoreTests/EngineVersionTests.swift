import GRDB
@testable import HeedCore
import HeedTestSupport
import XCTest

final class EngineVersionTests: XCTestCase {
    /// GRDB is built against the system's header and names the system's library, yet every call
    /// it makes must reach the SQLite heed carries: a cache opened as heed opens it answers with
    /// the carried version, which is at least the one that fixed the WAL-reset corruption.
    func testACacheRunsOnTheCarriedSQLite() throws {
        let folder = TemporaryFolder()
        let database = try AppDatabase.open(path: folder.path + "/cache.sqlite")
        let version = try database.read { try String.fetchOne($0, sql: "SELECT sqlite_version()") }
        XCTAssertEqual(version, EngineVersion.carried)
        XCTAssertEqual(EngineVersion.sqlite, EngineVersion.carried)
        XCTAssertTrue(EngineVersion.isFixed(EngineVersion.carried), EngineVersion.carried)
        let options = try database.read { try Set(String.fetchAll($0, sql: "PRAGMA compile_options")) }
        // What heed relies on: full-text search, deleted text overwritten on disk, and plans that
        // are not prepared again when what is bound changes (each search of a mention's words
        // prepared FTS5's own lookup twice without it).
        XCTAssertTrue(options.isSuperset(of: ["ENABLE_FTS5", "SECURE_DELETE", "THREADSAFE=1", "DEFAULT_MEMSTATUS=0", "ENABLE_QPSG"]),
                      "\(options.sorted())")
    }

    func testTheFixedVersionIsComparedNumerically() {
        XCTAssertTrue(EngineVersion.isFixed("3.51.3"))
        XCTAssertTrue(EngineVersion.isFixed("3.54.1"))
        XCTAssertTrue(EngineVersion.isFixed("3.100.0"))
        XCTAssertFalse(EngineVersion.isFixed("3.51.2"))
        XCTAssertFalse(EngineVersion.isFixed("3.40.1"))
    }
}
