import Foundation
import HeedCore
import HeedTestSupport
import XCTest

/// Eight operator processes acting at once on the same 200 conversations (`heed-bench actions`
/// in this build): nobody sees "database is locked", and the event log replays to the cache.
final class ActionConcurrencyTests: XCTestCase {
    func testEightOperatorsAtOnceLoseNoUpdate() throws {
        let folder = TemporaryFolder()
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Paths.benchBinary), "heed-bench is built with the tests (swift build)")
        let out = folder.file("run.out")
        let exit = try ChildProcess.spawn([Paths.benchBinary, "actions", "--dir", folder.path, "--operators", "8", "--count", "2000", "--pause", "0"],
                                          stdout: out, stderr: out + ".err").wait()
        let output = folder.read("run.out")
        XCTAssertEqual(exit.status, 0, output + folder.read("run.out.err"))
        XCTAssertTrue(output.contains(" 0 \"database is locked\""), output)
        XCTAssertTrue(output.contains("event log replayed against the cache: agrees"), output)
        // Enough of the 16,000 were real changes, and some met another operator's change first.
        let counts = output.split(separator: "\n")[0].split(separator: " ")
        let done = Int(counts[counts.firstIndex(of: "done,")! - 1]) ?? 0
        let conflicts = Int(counts[counts.firstIndex(of: "conflicts,")! - 1]) ?? 0
        XCTAssertGreaterThan(done, 8_000, output)
        XCTAssertGreaterThan(conflicts, 0, "operators raced on the same conversations:\n\(output)")
    }
}
