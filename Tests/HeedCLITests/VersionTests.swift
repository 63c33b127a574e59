import HeedCore
import HeedTestSupport
import XCTest

final class VersionTests: XCTestCase {
    /// `heed --version` names the SQLite heed runs on, and says when it predates the fix of the
    /// WAL corruption that several writers can meet.
    func testVersionNamesTheSQLiteInUse() throws {
        let run = try HeedRun.run(["--version"], in: TemporaryFolder())
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("heed \(EngineVersion.heed) (SQLite \(EngineVersion.sqlite)"), run.stdout)
        XCTAssertEqual(run.stdout.contains("older than 3.51.3"), !EngineVersion.sqliteIsFixed, run.stdout)
        XCTAssertTrue(EngineVersion.sqlite.split(separator: ".").count == 3, EngineVersion.sqlite)
    }
}
