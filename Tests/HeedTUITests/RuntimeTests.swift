import HeedCore
import HeedTestSupport
import XCTest
@testable import HeedTUI

/// The real loop on an in-memory terminal and cache: keys in, screens out.
final class RuntimeTests: XCTestCase {
    func testScriptedSessionOnADemoCache() throws {
        let folder = TemporaryFolder()
        let clock = FixedClock("2026-11-23T12:00:00Z")
        let (database, _) = try DemoCache.build(path: folder.file("demo.sqlite"), size: 300, seed: 5, clock: clock)
        let terminal = GridTerminal(width: 80, height: 24, keys: [.char("j"), .char("j"), .pageDown, .char("G")])
        let runtime = Runtime(
            terminal: terminal, state: AppState(brand: "Northwind Bank", width: 80, height: 24, now: clock.now()), clock: clock,
            load: { try database.writer.read { db in (try Queue.open(db, limit: 500), try Queue.countOpen(db)) } },
            changeToken: try database.changeWatcher())
        try runtime.run(untilIdle: true)
        let open = try database.writer.read { db in try Queue.countOpen(db) }
        XCTAssertEqual(runtime.state.rows.count, open)
        XCTAssertEqual(runtime.state.selected, open - 1)
        let screen = try XCTUnwrap(terminal.presented)
        XCTAssertTrue(screen.line(0).hasPrefix(" heed · Northwind Bank · Triage (\(open) open)"), screen.line(0))
        let selectedLine = (0..<screen.height).first { screen[1, $0].style == .selectedRow }
        XCTAssertEqual(selectedLine, runtime.state.selected - runtime.state.top + 1)
    }

    func testQuitKeyEndsTheLoop() throws {
        let database = try AppDatabase.inMemory()
        let terminal = GridTerminal(width: 80, height: 24, keys: [.char("q"), .char("j")])
        let runtime = Runtime(terminal: terminal, state: AppState(brand: "B", width: 80, height: 24, now: 0), clock: FixedClock(0),
                              load: { ([], 0) }, changeToken: try database.changeWatcher())
        try runtime.run()
        XCTAssertEqual(runtime.state.selected, 0)
    }
}
