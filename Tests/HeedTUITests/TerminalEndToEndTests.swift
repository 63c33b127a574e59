import HeedCore
import HeedTestSupport
import XCTest

/// The built `heed` in a real terminal (tmux): it opens, draws, moves, resizes, quits, and
/// gives the shell its terminal back with exit status 0.
final class TerminalEndToEndTests: XCTestCase {
    func testOpenMoveResizeAndQuitOnTheDemo() throws {
        XCTAssertTrue(Tmux.isAvailable, "tmux is needed for the screen tests: apt-get install tmux")
        let folder = TemporaryFolder()
        let cache = folder.file("demo.sqlite")
        let demo = try HeedRun.run(["demo", "--no-ui", "--cache", cache, "--size", "500"], in: folder)
        XCTAssertEqual(demo.status, 0, demo.stderr)

        let tmux = Tmux(folder: folder)
        let marker = folder.file("exit-status")
        // The shell line is the test's own; only paths made here go into it.
        try tmux.start("'\(Paths.heedBinary)' --cache '\(cache)'; echo \"heed exited $?\" > '\(marker)'; stty -a > '\(marker).stty'; sleep 30",
                       width: 100, height: 30, environment: ["HOME": folder.path, "TERM": "tmux-256color"])
        let first = try tmux.waitFor(text: "heed · our brand · Triage (")
        XCTAssertTrue(first.contains("j/k move"), first)
        let rowsBefore = first.split(separator: "\n", omittingEmptySubsequences: false)
        try tmux.send("j", "j", "G")
        try tmux.resize(width: 80, height: 24)
        try tmux.waitFor("the screen redrawn at 80 columns") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.first.map { $0.contains("Triage") && $0.count <= 80 } == true && lines.contains { $0.hasPrefix(" j/k move") }
        }
        try tmux.resize(width: 15, height: 4)
        try tmux.waitFor(text: "terminal too sm")
        try tmux.resize(width: 100, height: 30)
        try tmux.waitFor(text: "our brand · Triage")
        try tmux.send("q")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !FileManager.default.fileExists(atPath: marker + ".stty") { usleep(50_000) }
        XCTAssertEqual(folder.read("exit-status"), "heed exited 0\n")
        let stty = folder.read("exit-status.stty")
        XCTAssertTrue(stty.contains(" icanon") && stty.contains(" echo"), "the terminal is back in cooked mode:\n\(stty)")
        XCTAssertGreaterThan(rowsBefore.count, 20)
    }
}
