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
        XCTAssertEqual(s.selected, 99 - s.listHeight / 2, "C-u is half a page")
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

    // MARK: The key table

    func testEveryKeyGoesThroughTheOneTable() {
        var s = state(rows: 5)
        _ = s.handle(.key(.char("r")))
        XCTAssertEqual(s.status, "reply: actions arrive with the actions issue — not yet")
        _ = s.handle(.key(.char("?")))
        XCTAssertTrue(s.showingHelp)
        _ = s.handle(.key(.char("j")))
        XCTAssertFalse(s.showingHelp, "any key closes the help")
        XCTAssertEqual(s.selected, 0, "and does nothing else")
        _ = s.handle(.key(.char("?")))
        XCTAssertEqual(s.handle(.key(.char("q"))), [.quit], "q quits from the help too")
        XCTAssertEqual(Set(KeyMap.defaults.map(\.action)), Set(Action.allCases), "every action has its place in the table")
        XCTAssertEqual(Set(Action.allCases.map(\.rawValue)), Set(KeyActions.names), "the config names the same actions")
        let keys = KeyMap.defaults.flatMap(\.keys)
        XCTAssertEqual(keys.count, Set(keys).count, "no key does two things")
    }

    func testTheConfigRebindsAKeyAndTakesItFromAnyOtherAction() {
        let map = KeyMap(overrides: ["snooze": "z", "next": "n", "quit": "C-q", "bogus": "b", "reply": "BackTab"])
        XCTAssertEqual(map.action(for: .char("z")), .snooze)
        XCTAssertNil(map.action(for: .char("s")), "the old key is free")
        XCTAssertEqual(map.action(for: .char("n")), .next)
        XCTAssertNil(map.bindings.first { $0.action == .note }?.keys.first, "note lost its n")
        XCTAssertFalse(map.helpLines.contains { $0.help == "internal note" }, "an action without a key is not in the help")
        XCTAssertEqual(map.action(for: .ctrl("q")), .quit)
        XCTAssertEqual(map.action(for: .backTab), .reply)
        XCTAssertEqual(map.action(for: .down), .down, "arrows stay")
        XCTAssertTrue(QueueScreen.hints(map).hasSuffix("C-q quit"), QueueScreen.hints(map))
        let specs: [(String, Key?)] = [("r", .char("r")), ("C-d", .ctrl("d")), ("F5", .function(5)), ("Enter", .enter), ("Space", .char(" ")),
                                       ("PgDn", .pageDown), ("Esc", .escape), ("Insert", nil)]
        for (spec, key) in specs { XCTAssertEqual(Key(spec: spec), key, spec) }
    }

    func testHelpIsDrawnFromTheTable() {
        var s = state(rows: 5)
        s.keyMap = KeyMap(overrides: ["snooze": "z"])
        _ = s.handle(.key(.char("?")))
        let text = QueueScreen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Keys — any key closes"), text)
        XCTAssertTrue(text.contains("j ↓          next conversation"), text)
        XCTAssertTrue(text.contains("z            snooze"), text)
        XCTAssertTrue(text.contains("N            claim the most urgent"), text)
        XCTAssertFalse(text.contains("a wider"), "80x24 shows every key in two columns")
        _ = s.handle(.resized(width: 40, height: 12))
        XCTAssertTrue(QueueScreen.render(s).lines.joined(separator: "\n").contains("… a wider or taller terminal shows all"))
    }
}
