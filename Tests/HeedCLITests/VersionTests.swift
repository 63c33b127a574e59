import HeedCore
import HeedTestSupport
import XCTest

final class VersionTests: XCTestCase {
    /// `heed --version` names the SQLite heed runs on: the one it carries, which has the fix of
    /// the WAL corruption that several writers can meet, whatever the system's is.
    func testVersionNamesTheCarriedSQLite() throws {
        let run = try HeedRun.run(["--version"], in: TemporaryFolder())
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "heed \(EngineVersion.heed) (SQLite \(EngineVersion.carried))\n")
        XCTAssertTrue(EngineVersion.isFixed(EngineVersion.carried), EngineVersion.carried)
    }
}
