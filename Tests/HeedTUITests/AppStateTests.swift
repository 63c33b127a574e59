import HeedCore
import XCTest
@testable import HeedTUI

final class AppStateTests: XCTestCase {
    func state(rows: Int, height: Int = 24) -> AppState {
        var s = AppState(brand: "Northwind Bank", width: 80, height: height, now: Rows.now)
        _ = s.handle(.loaded(rows: Rows.make(rows), openCount: rows))
        return s
    }

    func testMovingStaysInsideTheList() {
        var s = state(rows: 3)
        _ = s.handle(.key(.char("k")))
        XCTAssertEqual(s.selected, 0)
        _ = s.handle(.key(.char("j")))
        _ = s.handle(.key(.down))
        _ = s.handle(.key(.down))
        XCTAssertEqual(s.selected, 2)
        _ = s.handle(.key(.char("g")))
        XCTAssertEqual(s.selected, 0)
        _ = s.handle(.key(.char("G")))
        XCTAssertEqual(s.selected, 2)
    }

    func testPagingKeepsTheSelectionVisible() {
        var s = state(rows: 100)
        _ = s.handle(.key(.pageDown))
        XCTAssertEqual(s.selected, s.listHeight)
        XCTAssertTrue((s.top..<(s.top + s.listHeight)).contains(s.selected))
        _ = s.handle(.key(.char("G")))
        XCTAssertEqual(s.selected, 99)
        XCTAssertEqual(s.top, 100 - s.listHeight)
        _ = s.handle(.key(.ctrl("u")))
        XCTAssertEqual(s.selected, 99 - s.listHeight)
        _ = s.handle(.resized(width: 80, height: 10))
        XCTAssertTrue((s.top..<(s.top + s.listHeight)).contains(s.selected))
    }

    func testNewDataKeepsTheCursorOnTheSameConversation() {
        var s = state(rows: 5)
        _ = s.handle(.key(.char("j")))
        _ = s.handle(.key(.char("j")))
        let chosen = s.selectedRow!.conversationID
        var rows = Rows.make(5)
        rows.insert(QueueRow(conversationID: 99, channel: "x", status: .open, priority: 0, dueAt: nil, assignee: nil, mentionCount: 1,
                             text: "new", authorHandle: "n", authorName: nil, followers: 0, verified: false,
                             lastCustomerAt: Rows.now, lastAt: Rows.now, tags: []), at: 0)
        _ = s.handle(.loaded(rows: rows, openCount: 6))
        XCTAssertEqual(s.selectedRow?.conversationID, chosen)
        XCTAssertEqual(s.selected, 3)
    }

    func testQuitAndReloadAreEffects() {
        var s = state(rows: 1)
        XCTAssertEqual(s.handle(.key(.char("q"))), [.quit])
        XCTAssertEqual(s.handle(.key(.ctrl("l"))), [.reload])
        XCTAssertEqual(s.handle(.key(.char("r"))), [])
        XCTAssertTrue(s.status?.contains("not yet") == true)
    }
}
