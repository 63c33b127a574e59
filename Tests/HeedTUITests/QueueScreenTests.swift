import HeedCore
import HeedTestSupport
import XCTest
@testable import HeedTUI

final class QueueScreenTests: XCTestCase {
    func rendered(width: Int, height: Int, rows: Int = 12, select: Int = 0) -> Grid {
        var s = AppState(brand: "Northwind Bank", width: width, height: height, now: Rows.now)
        _ = s.handle(.loaded(rows: Rows.make(rows), openCount: rows))
        for _ in 0..<select { _ = s.handle(.key(.down)) }
        return QueueScreen.render(s)
    }

    func testQueueAt80x24() { Golden.assert(rendered(width: 80, height: 24), named: "queue-80x24") }

    func testQueueAt120x40() { Golden.assert(rendered(width: 120, height: 40, rows: 40, select: 3), named: "queue-120x40") }

    func testTooSmallSaysSo() {
        XCTAssertEqual(rendered(width: 15, height: 4).line(0), "terminal too small".prefix(15).description)
    }

    func testEmptyQueueSaysHowToFillIt() {
        let grid = rendered(width: 100, height: 24, rows: 0)
        XCTAssertTrue(grid.line(1).contains("Nothing open. Import mentions with `heed ingest FILE`, or try `heed demo`."))
    }

    func testWideCharactersAlignAndNoControlsReachTheGrid() {
        let grid = rendered(width: 80, height: 24)
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                // A wide character takes its cell and the next, which holds nothing of its own.
                let width = DisplayWidth.of(grid[x, y].text)
                if width == 2 { XCTAssertEqual(grid[x + 1, y].text, "", "row \(y) column \(x)") }
                if grid[x, y].text.isEmpty { XCTAssertEqual(DisplayWidth.of(grid[x - 1, y].text), 2, "row \(y) column \(x)") }
                XCTAssertFalse(grid[x, y].text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x1B || (0x202A...0x202E).contains($0.value) })
            }
        }
    }

    func testWrapCutsLongWordsCleanly() {
        XCTAssertEqual(QueueScreen.wrap("see https://example.com/a/very/long/path/that/will/not/fit ok", width: 20),
                       ["see", "https://example.com/", "a/very/long/path/tha", "t/will/not/fit ok"])
        XCTAssertEqual(QueueScreen.wrap("日本語のテキストです", width: 6), ["日本語", "のテキ", "ストで", "す"])
    }
}
