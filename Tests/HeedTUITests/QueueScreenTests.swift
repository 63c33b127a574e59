@testable import HeedCore
import HeedTestSupport
import XCTest
@testable import HeedTUI

/// Every screen rendered to the grid and compared with its golden file
/// (`HEED_RECORD=1 swift test --filter QueueScreenTests` re-records them; look before committing).
final class QueueScreenTests: XCTestCase {
    func state(width: Int, height: Int, rows: Int = 12, select: Int = 0) -> AppState {
        var s = AppState(brand: "Northwind Bank", width: width, height: height, now: Rows.now)
        s.timeZone = TimeZone(identifier: "Europe/London")!
        _ = s.handle(Rows.loaded(rows))
        for _ in 0..<select { _ = s.handle(.key(.down)) }
        return s
    }

    func rendered(width: Int, height: Int, rows: Int = 12, select: Int = 0) -> Grid {
        RootScreen.render(state(width: width, height: height, rows: rows, select: select))
    }

    func conversation(width: Int, height: Int) -> Grid {
        var s = state(width: width, height: height)
        _ = s.handle(.conversationLoaded(Rows.page()))
        return RootScreen.render(s)
    }

    func testQueueAt80x24() { Golden.assert(rendered(width: 80, height: 24), named: "queue-80x24") }

    func testQueueAt120x40() { Golden.assert(rendered(width: 120, height: 40, rows: 40, select: 3), named: "queue-120x40") }

    func testQueueAt200x60() { Golden.assert(rendered(width: 200, height: 60, rows: 60, select: 1), named: "queue-200x60") }

    func testQueueStillUsableAt40x12() { Golden.assert(rendered(width: 40, height: 12, select: 2), named: "queue-40x12") }

    /// Information is laid out by priority: a number or a name is shown whole or not at all,
    /// text is cut at a word with `…`, and empty columns give their width to the text.
    func testNothingIsCutMidNameAndTheWidthIsUsed() throws {
        var s = state(width: 120, height: 30, rows: 6)
        var rows = Rows.make(6)
        rows[0].assignee = "priya"
        rows[0].reasons += [Reason(signal: "rule", points: 15, text: "rule: press"), Reason(signal: "vip", points: 20, text: "VIP customer"),
                            Reason(signal: "complaint", points: 8, text: "complaint: negative"), Reason(signal: "address", points: 4, text: "addresses us")]
        rows[1].assignee = nil
        rows[1].tags = []
        var snapshot = ListSnapshot(request: s.listRequest, rows: rows, counts: QueueCounts(open: 6),
                                    claims: Claims.Holders(viewing: [1: ["tomas", "alexandria"]], replying: [1: ["sam"]]))
        _ = s.handle([.loaded(snapshot), .viewsCounted([6])])
        var screen = RootScreen.render(s)
        // Whole names in the column, the rest counted.
        XCTAssertTrue(screen.line(2).contains(" →priya ✎sam +2 "), screen.line(2))
        // A row with no tags and nobody at it has the whole width for its text.
        XCTAssertTrue(screen.line(3).contains("is the app down? can't log in since 9"), screen.line(3))
        rows[1].text = String(repeating: "the refund was promised in 5 minutes ", count: 4)
        snapshot.rows = rows
        _ = s.handle(.loaded(snapshot))
        screen = RootScreen.render(s)
        let line = screen.line(3)
        let cut = try XCTUnwrap(line.range(of: "…"), line)
        let kept = String(line[line.range(of: "the refund")!.lowerBound..<cut.lowerBound])
        XCTAssertTrue(rows[1].text.hasPrefix(kept + " "), "cut at a word: \(line)")
        XCTAssertLessThanOrEqual(line.distance(from: cut.upperBound, to: line.endIndex), 12, "to within a word of the edge: \(line)")
        // The preview and the why line at 80 columns: the number first, every reason whole.
        for width in [80, 120] {
            _ = s.handle(.resized(width: width, height: 24))
            screen = RootScreen.render(s)
            let preview = try XCTUnwrap(screen.lines.firstIndex { $0.hasPrefix("─") })
            XCTAssertTrue(screen.line(preview + 1).hasPrefix(" #1 open · @dana_k"), screen.line(preview + 1))
            let why = screen.line(preview + 2).trimmingCharacters(in: .whitespaces)
            XCTAssertTrue(why.hasPrefix("why ▲90 (was 50): "), why)
            let parts = why.dropFirst("why ▲90 (was 50): ".count).components(separatedBy: " · ")
            let reasons = ["charged twice +25", "VIP customer +20", "18k followers +12", "rule: press +15", "complaint: negative +8", "angry +8",
                           "addresses us +4"]
            for part in parts { XCTAssertTrue(reasons.contains(part) || part.hasSuffix(" more"), "\(part) is a whole reason (\(width))") }
            XCTAssertGreaterThanOrEqual(parts.count, width == 80 ? 2 : 6, why)
            if width == 80 { XCTAssertEqual(parts.last, "+\(7 - (parts.count - 1)) more", why) }
        }
        // In the thread, the facts wrap whole: the escalation is not cut.
        var page = Rows.page()
        page.detail.escalations = [Escalation(row: ["id": 3, "conversation_id": 1, "team": "pr", "note": "press asking", "state": "open",
                                                    "opened_by": "sam", "opened_at": Rows.now])]
        _ = s.handle(.conversationLoaded(page))
        let thread = RootScreen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(thread.contains(page.detail.escalations[0].summary), thread)
    }

    /// Every other view at both sizes, with rows as that view would hold them (Triage is above).
    func testEachViewAt80x24And120x40() {
        for number in 2...8 {
            for (width, height) in [(80, 24), (120, 40)] {
                var s = state(width: width, height: height)
                _ = s.handle(.key(.char(Character(String(number)))))
                let name = s.view.name.lowercased()
                if s.listRequest.source == .outbox {
                    _ = s.handle(.loaded(ListSnapshot(request: s.listRequest, outbox: Self.posts, counts: QueueCounts(open: 12))))
                } else {
                    let status: ConversationStatus = [5: .snoozed, 6: .resolved, 7: .spam][number] ?? .open
                    let rows = Rows.make(height / 2).map { row in
                        var row = row
                        row.status = status
                        if number == 2 { row.assignee = "sam" }
                        if number == 3 { row.assignee = nil }
                        return row
                    }
                    _ = s.handle(.loaded(ListSnapshot(request: s.listRequest, rows: rows, counts: QueueCounts(open: 12, breached: 3, escalated: 1))))
                }
                _ = s.handle(.viewsCounted([12, 2, 10, 1, 0, 40, 3, 1]))
                Golden.assert(RootScreen.render(s), named: "view-\(name)-\(width)x\(height)")
            }
        }
    }

    func testConversationAt80x24() { Golden.assert(conversation(width: 80, height: 24), named: "conversation-80x24") }

    func testConversationAt120x40() { Golden.assert(conversation(width: 120, height: 40), named: "conversation-120x40") }

    static let posts = [
            OutboxEntry(id: 12, kind: "reply", conversationID: 1, channel: "x", account: "NorthwindHelp", operatorHandle: "sam",
                        text: "Sorry about that, Dana! DM us please.", state: "queued", sendAfter: Rows.now + 8_000, attempts: 0, lastError: nil),
            OutboxEntry(id: 11, kind: "intro", conversationID: nil, channel: "mastodon", account: "northwind", operatorHandle: "sam",
                        text: "Morning! Sam here until 14:00", state: "failed", sendAfter: Rows.now - 300_000, attempts: 5,
                        lastError: "exit 1: rate limited"),
        ]

    func testWhatIsNotSentSaysSoInTheThreadAndTheHeader() {
        var s = state(width: 100, height: 30)
        var page = Rows.page()
        let due = Rows.now - 5_000
        page.detail.unsent = [
            OutboxEntry(id: 12, kind: "reply", conversationID: 1, channel: "x", account: "NorthwindHelp", operatorHandle: "sam",
                        text: "Sorry about that, Dana!", state: "queued", sendAfter: due, attempts: 0, lastError: nil),
            OutboxEntry(id: 13, kind: "reply", conversationID: 1, channel: "x", account: "NorthwindHelp", operatorHandle: "sam",
                        text: "One more thing", state: "failed", sendAfter: due, attempts: 1, lastError: "posting: HTTP 422 (too long)"),
        ]
        _ = s.handle(.conversationLoaded(page))
        var snapshot = ListSnapshot(request: s.listRequest, rows: Rows.make(3))
        snapshot.service = ServiceView(notSending: true, troubles: ["mastodon-help: notifications: HTTP 401 (revoked) 3m ago"])
        _ = s.handle(.loaded(snapshot))
        _ = s.handle(.key(.char("G")))
        let text = RootScreen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("◂ ours · post 12 · queued — not sending: no `heed run`"), text)
        XCTAssertTrue(text.contains("for this cache"), "wrapped, not cut")
        XCTAssertTrue(text.contains("◂ ours · post 13 · failed: posting: HTTP 422 (too long)"), text)
        XCTAssertTrue(RootScreen.render(s).lines[0].contains("⚠ not sending: no heed run"), RootScreen.render(s).lines[0])
        XCTAssertTrue(text.contains("⚠ mastodon-help: notifications: HTTP 401 (revoked) 3m ago (heed account check)"), "the account's trouble, below")
        // With heed run sending, a post inside its undo window says when it goes.
        snapshot.service = ServiceView()
        page.detail.unsent[0].sendAfter = Rows.now + 8_000
        _ = s.handle(.loaded(snapshot))
        _ = s.handle(.conversationLoaded(page))
        let calm = RootScreen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(calm.contains("◂ ours · post 12 · goes in 8s unless taken back"), calm)
        XCTAssertFalse(calm.contains("⚠"), calm)
    }

    func testSearchErrorAt80x24() {
        var s = state(width: 80, height: 24)
        _ = s.handle(.key(.char("/")))
        for c in "from:dana due:<soon" { _ = s.handle(.key(.char(c))) }
        _ = s.handle(.key(.enter))
        Golden.assert(RootScreen.render(s), named: "search-error-80x24")
    }

    func testTooSmallSaysSo() {
        let grid = rendered(width: 30, height: 8)
        XCTAssertEqual(grid.lines.prefix(3).map { $0.trimmingCharacters(in: .whitespaces) },
                       ["Terminal too small: 30x8. heed", "needs 40x12; make the window", "larger."])
    }

    func testEmptyViewsSayWhatToDo() {
        XCTAssertTrue(rendered(width: 100, height: 24, rows: 0).line(2).contains("Nothing open. Import mentions with `heed ingest FILE`, or try `heed demo`."))
        var s = state(width: 100, height: 24, rows: 0)
        _ = s.handle(.key(.char("5")))
        XCTAssertTrue(RootScreen.render(s).line(2).contains("Nothing in Snoozed."))
    }

    func testHostileTextNeverReachesTheGrid() {
        let hostile = HostileStrings.all
        var s = state(width: 120, height: 40)
        var rows = Rows.make(hostile.count)
        var page = Rows.page()
        for (i, text) in hostile.enumerated() {
            rows[i].text = text
            rows[i].authorHandle = text
            rows[i].authorName = text
            rows[i].tags = [text]
            rows[i].assignee = text
            rows[i].reasons = [Reason(signal: "rule", points: 5, text: text)]
            page.detail.mentions[i % 3].text += text
            page.detail.mentions[i % 3].authorHandle += text
            page.detail.notes.append(ConversationDetail.Note(operatorHandle: text, text: text, createdAt: Rows.now))
            page.card?.notes.append(text)
            page.card?.tags.append(text)
            page.card?.handles[0].handle += text
            page.card?.previous[0].text += text
        }
        let names = Dictionary(uniqueKeysWithValues: rows.map { ($0.conversationID, hostile) })
        _ = s.handle(.loaded(ListSnapshot(request: s.listRequest, rows: rows, claims: Claims.Holders(viewing: names, replying: names))))
        var grids = [RootScreen.render(s)]
        for _ in rows { _ = s.handle(.key(.down)); grids.append(RootScreen.render(s)) }
        _ = s.handle(.key(.char("/")))
        for c in hostile.joined() { _ = s.handle(.key(.char(c))) }
        grids.append(RootScreen.render(s))
        _ = s.handle(.key(.escape))
        _ = s.handle(.conversationLoaded(page))
        grids.append(RootScreen.render(s))
        _ = s.handle(.resized(width: 80, height: 24))
        grids.append(RootScreen.render(s))
        for grid in grids {
            for y in 0..<grid.height {
                for x in 0..<grid.width {
                    for scalar in grid[x, y].text.unicodeScalars {
                        XCTAssertFalse(DisplayText.isNeutralised(scalar), "U+\(String(scalar.value, radix: 16)) at \(x),\(y): \(grid.line(y))")
                    }
                }
            }
        }
    }

    func testWideCharactersAlign() {
        for grid in [rendered(width: 80, height: 24), conversation(width: 120, height: 40)] {
            for y in 0..<grid.height {
                for x in 0..<grid.width {
                    // A wide character takes its cell and the next, which holds nothing of its own.
                    let width = DisplayWidth.of(grid[x, y].text)
                    if width == 2 { XCTAssertEqual(grid[x + 1, y].text, "", "row \(y) column \(x)") }
                    if grid[x, y].text.isEmpty { XCTAssertEqual(DisplayWidth.of(grid[x - 1, y].text), 2, "row \(y) column \(x)") }
                }
            }
        }
    }

    func testWrapCutsLongWordsCleanly() {
        XCTAssertEqual(QueueScreen.wrap("see https://example.com/a/very/long/path/that/will/not/fit ok", width: 20),
                       ["see", "https://example.com/", "a/very/long/path/tha", "t/will/not/fit ok"])
        XCTAssertEqual(QueueScreen.wrap("日本語のテキストです", width: 6), ["日本語", "のテキ", "ストで", "す"])
    }

    func testTimesAreTheOperatorsLocalTime() {
        let summer = RFC3339.milliseconds(from: "2026-07-01T12:30:00Z")!
        XCTAssertEqual(LocalTime.stamp(summer, in: TimeZone(identifier: "Europe/London")!, now: Rows.now), "Wed 1 Jul 13:30")
        XCTAssertEqual(LocalTime.stamp(Rows.now, in: TimeZone(identifier: "Asia/Tokyo")!, now: Rows.now), "Mon 23 Nov 21:00")
        XCTAssertEqual(LocalTime.stamp(RFC3339.milliseconds(from: "2024-02-29T23:59:00Z")!, in: TimeZone(identifier: "America/New_York")!, now: Rows.now),
                       "Thu 29 Feb 2024 18:59")
        XCTAssertEqual(LocalTime.clock(Rows.now, in: TimeZone(identifier: "Asia/Kolkata")!), "17:30")
    }
}
