@testable import HeedCore
import XCTest
@testable import HeedTUI

/// The Reports view as state, keys and a grid: the charts' characters, the figures in their
/// columns at 80x24, and what a taller screen adds.
final class ReportsScreenTests: XCTestCase {
    func testChartsAreCharacters() {
        XCTAssertEqual(Chart.sparkline([0, 1, 2, 7, nil]), "▁▂▃█ ", "from 0 to the highest; nothing known is a gap")
        XCTAssertEqual(Chart.sparkline([-1, 1]), "▁█", "a signed measure from its lowest")
        XCTAssertEqual(Chart.sparkline([3, 3]), "██")
        XCTAssertEqual(Chart.sparkline([nil, nil]), "  ")
        // Heights 0, 8, 4 and 1 dots of 8: the right column of the first cell full, the second
        // cell's left column half full and its right one dot high.
        XCTAssertEqual(Chart.brailleArea([0, 8, 4, 1], rows: 2), ["⢸⠀", "⢸⣇"])
        XCTAssertEqual(Chart.brailleArea([0, 0], rows: 1), ["⠀"])
        XCTAssertEqual(Chart.brailleArea([1, 100], rows: 1), ["⣸"], "a quiet hour still shows a dot")
        XCTAssertEqual(Chart.buckets([1, 2, 3, 4, 5], size: 2), [3, 7, 5])
        XCTAssertEqual(Chart.bar(0.5, width: 4), "██")
        XCTAssertEqual(Chart.bar(0.3, width: 1), "▎")
        XCTAssertEqual(Chart.bar(1.5, width: 3), "███")
    }

    /// Seven days, the busiest yesterday; today 12 in, 4 opened, 3 answered, 1 breach.
    static func digest(now: Int64) -> ReportDigest {
        let since = now - 6 * 86_400_000 - 12 * 3_600_000
        let perDay = [2, 0, 5, 9, 4, 20, 12]
        let days = perDay.enumerated().map { index, mentions in
            var measures = ReportMeasures()
            measures.heard.mentionsIn = mentions
            measures.heard.opened = mentions / 3
            measures.heard.answered = mentions / 4
            measures.responsiveness.firstResponse = .init(mentions > 0 ? [Int64(mentions) * 60_000] : [])
            return Report.Group(key: "2026-11-\(17 + index)", measures: measures)
        }
        var today = days[6].measures
        today.responsiveness.sla = [ReportMeasures.SLATarget(urgency: "high", targetMinutes: 30, conversations: 3, met: 2, breached: 1)]
        var week = ReportMeasures()
        week.heard.mentionsIn = perDay.reduce(0, +)
        week.heard.opened = 16
        week.heard.answered = 12
        var x = ReportMeasures(), mastodon = ReportMeasures()
        (x.heard.opened, x.heard.answered) = (12, 9)
        (mastodon.heard.opened, mastodon.heard.answered) = (4, 3)
        return ReportDigest(since: since, now: now, timeZone: "UTC", days: days.dropLast() + [Report.Group(key: "2026-11-23", measures: today)],
                            week: week, hourlyMentions: (0..<(6 * 24 + 12)).map { $0 % 24 == 14 ? 6 : $0 % 24 < 8 ? 0 : 1 },
                            channels: [Report.Group(key: "x", measures: x), Report.Group(key: "mastodon\u{1b}[31m", measures: mastodon)])
    }

    func testTheViewOpensCountsAndCloses() {
        var s = AppState(brand: "Northwind Bank", width: 80, height: 24, now: Rows.now)
        _ = s.handle(Rows.loaded(5))
        XCTAssertEqual(s.handle(.key(.char("%"))), [.countReports])
        XCTAssertTrue(s.showingReports)
        XCTAssertEqual(RootScreen.render(s).line(3), " counting…" + String(repeating: " ", count: 70))
        XCTAssertEqual(s.handle(.key(.char("j"))), [], "the list's keys stay with the list")
        XCTAssertEqual(s.selected, 0)
        _ = s.handle(.reportsCounted(.failure(HeedError("database is locked"))))
        XCTAssertTrue(RootScreen.render(s).line(3).hasPrefix(" cannot count them: database is locked"))
        _ = s.handle(.reportsCounted(.success(Self.digest(now: Rows.now))))
        XCTAssertNil(s.digestFault)
        XCTAssertEqual(s.handle(.key(.char("r"))), [.countReports], "counted again on demand")
        XCTAssertTrue(RootScreen.render(s).line(23).hasPrefix(" r count again now  Esc close"))
        _ = s.handle(.reportsCounted(.failure(HeedError("database is locked"))))
        let old = RootScreen.render(s)
        XCTAssertTrue(old.line(2).hasSuffix("as of 12:00 "), "the last figures stay")
        XCTAssertEqual(old[75, 2].style, .error, "their time marked")
        XCTAssertTrue(old.line(23).hasPrefix(" cannot count the reports again: database is locked"))
        XCTAssertEqual(s.handle(.key(.escape)), [])
        XCTAssertFalse(s.showingReports)
        XCTAssertTrue(RootScreen.render(s).line(2).contains("@"), "the list again")
    }

    func testTheHeadlinesFitAnOrdinaryTerminal() {
        var s = AppState(brand: "Northwind Bank", width: 80, height: 24, now: Rows.now)
        _ = s.handle(.key(.char("%")))
        _ = s.handle(.reportsCounted(.success(Self.digest(now: Rows.now))))
        let grid = RootScreen.render(s)
        let lines = grid.lines
        XCTAssertTrue(lines[2].hasPrefix(" Reports: today and the last 7 days"))
        XCTAssertTrue(lines[2].hasSuffix("as of 12:00 "))
        XCTAssertEqual(lines[3], "                              today    7 days  by day".padding(toLength: 80, withPad: " ", startingAt: 0))
        XCTAssertEqual(lines[4].trimmingCharacters(in: .whitespaces), "Mentions in                     12        52  ▂▁▃▄▂█▅")
        XCTAssertTrue(lines[5].hasPrefix(" Conversations opened             4        16  ▁▁▂▅▂█▆"), lines[5])
        XCTAssertTrue(lines[6].hasPrefix(" Answered                     3 75%    12 75%    █▆█▇▆"), "no share where nothing opened: \(lines[6])")
        let sla = try? XCTUnwrap(lines.firstIndex { $0.hasPrefix(" SLA met / breached") })
        XCTAssertEqual(sla.map { lines[$0].prefix(45) }, " SLA met / breached             2/1       0/0")
        XCTAssertEqual(sla.map { grid[2, $0].style }, .late, "a breach today shows")
        XCTAssertTrue(lines.contains { $0.hasPrefix(" First reply, median            12m         –  ▂ ▃▄▂█▅") }, lines.joined(separator: "\n"))
        // The hours: 156 of them two to a character, with the days' names under their midnights.
        let chartTitle = try? XCTUnwrap(lines.firstIndex { $0.hasPrefix(" Mentions in by hour, 7 days: busiest hour 6") })
        let chart = lines[(chartTitle ?? 0) + 1]
        XCTAssertEqual(chart.trimmingCharacters(in: .whitespaces).unicodeScalars.count, 78)
        XCTAssertTrue(chart.unicodeScalars.dropFirst().prefix(78).allSatisfy { (0x2800...0x28FF).contains($0.value) }, chart)
        XCTAssertTrue(lines[22].hasPrefix(" Tue         Wed         Thu         Fri         Sat         Sun         Mon"), lines[22])
        XCTAssertFalse(lines.joined().contains("Answered by channel"), "no room for the channels at 24 lines")
    }

    func testATallerScreenAddsEachChannelsBar() {
        var s = AppState(brand: "Northwind Bank", width: 100, height: 40, now: Rows.now)
        _ = s.handle(.key(.char("%")))
        _ = s.handle(.reportsCounted(.success(Self.digest(now: Rows.now))))
        let lines = RootScreen.render(s).lines
        let title = try? XCTUnwrap(lines.firstIndex { $0.hasPrefix(" Answered by channel, 7 days") })
        let x = lines[(title ?? 0) + 1], mastodon = lines[(title ?? 0) + 2]
        // Three quarters of 63 columns: 47¼.
        XCTAssertTrue(x.hasPrefix(" x             " + String(repeating: "█", count: 47) + "▎ "), x)
        XCTAssertTrue(x.hasSuffix(" 9 75% of 12          "), x)
        XCTAssertTrue(mastodon.hasPrefix(" mastodon\u{FFFD}[31m "), "a channel's name is shown, never run: \(mastodon)")
        XCTAssertFalse(lines.joined().contains("\u{1b}"))
    }
}
