import HeedTestSupport
import XCTest

final class ScreenCommandTests: XCTestCase {
    func testTheScreenWithoutATerminalSaysWhatToDoInstead() throws {
        let folder = TemporaryFolder()
        let run = try HeedRun.run(["--cache", folder.file("c.sqlite")], in: folder)
        XCTAssertEqual(run.status, 64)
        XCTAssertEqual(run.stderr, "heed: the screen needs a terminal on standard input and output; use `heed queue` for text\n")
    }

    func testDemoWithoutATerminalPrintsTheQueue() throws {
        let folder = TemporaryFolder()
        let run = try HeedRun.run(["demo", "--cache", folder.file("demo.sqlite"), "--size", "200", "--seed", "3"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("demo: 200 mentions in "), run.stdout)
        XCTAssertEqual(lines.count, 22, "the summary, the first 20 conversations and how many more")
        XCTAssertTrue(lines[21].hasPrefix("… ") && lines[21].contains(" more: heed queue --cache "), String(lines[21]))
    }
}
