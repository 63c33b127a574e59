import Foundation
import HeedCore

/// The Reports view (`%`): today and the last 7 days at a glance. The headline measures with a
/// sparkline of each day (today last), the mentions of every hour as a braille chart, and each
/// channel's share answered as bars, as far down as the screen has room. Its figures are
/// `heed report`'s for the same period; `docs/reports.md` defines them.
enum ReportsScreen {
    /// The columns: the measure's name, today, the 7 days, then the sparkline.
    static let nameWidth = 24, figureWidth = 10

    static func render(_ state: AppState, into grid: inout Grid) {
        let bottom = grid.height - 1
        for y in 2..<bottom { grid.clear(y: y) }
        var y = 2
        func line(_ text: String, x: Int = 1, style: Style = .normal) {
            guard y < bottom else { return }
            grid.put(DisplayText(untrusted: text), x: x, y: y, limit: grid.width - x, style: style)
            y += 1
        }
        let title = "Reports: today and the last 7 days"
        guard let digest = state.digest else {
            line(title, style: .header)
            line(state.digestFault.map { "cannot count them: \($0)" } ?? "counting…", style: state.digestFault == nil ? .dim : .error)
            return
        }
        let zone = TimeZone(identifier: digest.timeZone) ?? state.timeZone
        let asOf = "as of \(LocalTime.clock(digest.now, in: zone))"
        grid.put(DisplayText(title), x: 1, y: y, style: .header)
        grid.put(DisplayText(untrusted: asOf), x: Swift.max(DisplayWidth.of(title) + 3, grid.width - 1 - DisplayWidth.of(asOf)), y: y,
                 style: state.digestFault == nil ? .dim : .error)
        y += 1
        line(fit("", nameWidth) + pad("today") + pad("7 days") + "  by day", style: .dim)
        for row in rows(digest) {
            guard y < bottom else { return }
            line(fit(row.name, nameWidth) + pad(row.today) + pad(row.week) + "  " + Chart.sparkline(digest.days.map { row.daily($0.measures) }),
                 style: row.alarming ? .late : .normal)
        }
        renderHours(digest, zone: zone, y: &y, bottom: bottom, into: &grid)
        renderChannels(digest, y: &y, bottom: bottom, into: &grid)
    }

    struct Row {
        var name: String
        var today: String
        var week: String
        /// The sparkline's value for one day.
        var daily: (ReportMeasures) -> Double?
        /// Breaches today: drawn as late rows are.
        var alarming = false
    }

    static func rows(_ digest: ReportDigest) -> [Row] {
        func row(_ name: String, _ text: (ReportMeasures) -> String, _ daily: @escaping (ReportMeasures) -> Double?) -> Row {
            Row(name: name, today: text(digest.today), week: text(digest.week), daily: daily)
        }
        func count(_ value: @escaping (ReportMeasures) -> Int) -> (ReportMeasures) -> Double? { { Double(value($0)) } }
        var breaches = row("SLA met / breached", { "\($0.responsiveness.slaMet)/\($0.responsiveness.slaBreached)" },
                           count { $0.responsiveness.slaBreached })
        breaches.alarming = digest.today.responsiveness.slaBreached > 0
        return [
            row("Mentions in", { String($0.heard.mentionsIn) }, count(\.heard.mentionsIn)),
            row("Conversations opened", { String($0.heard.opened) }, count(\.heard.opened)),
            row("Answered", { Report.withShare($0.heard.answered, $0.heard.shareAnswered) }, { $0.heard.shareAnswered }),
            row("  on their own channel", { Report.withShare($0.heard.answeredOnTheirChannel, $0.heard.shareOnTheirChannel) }, { $0.heard.shareOnTheirChannel }),
            row("First reply, median", { Report.age($0.responsiveness.firstResponse.medianMs) }, { $0.responsiveness.firstResponse.medianMs.map(Double.init) }),
            breaches,
            row("Two-way", { String($0.dialogue.twoWay) }, count(\.dialogue.twoWay)),
            row("Closed with thanks", { String($0.dialogue.closedWithThanks) }, count(\.dialogue.closedWithThanks)),
            row("Repeat within 7 days", { String($0.dialogue.repeatWithin7Days) }, count(\.dialogue.repeatWithin7Days)),
            row("Mood shift after reply", { Report.signed($0.mood.shift) }, { $0.mood.shift }),
            row("Detractors turned", { "\($0.mood.turned)/\($0.mood.detractors)" }, count(\.mood.turned)),
            row("Ideas in / answered", { "\($0.ideas.received)/\($0.ideas.closedWithAnswer)" }, count(\.ideas.received)),
            row("Advocates (praised 2+)", { String($0.advocates.praisedTwice) }, count(\.advocates.praisedTwice)),
        ]
    }

    /// Mentions of every hour since the first day began, as wide as the screen allows: hours
    /// are summed in pairs, threes… until they fit, two to a character.
    private static func renderHours(_ digest: ReportDigest, zone: TimeZone, y: inout Int, bottom: Int, into grid: inout Grid) {
        let chartRows = Swift.min(4, bottom - y - 3)
        guard chartRows >= 1, !digest.hourlyMentions.isEmpty else { return }
        let room = Swift.max(1, grid.width - 2) * 2
        let size = (digest.hourlyMentions.count + room - 1) / room
        let points = Chart.buckets(digest.hourlyMentions, size: size)
        y += 1
        let busiest = digest.hourlyMentions.max() ?? 0
        grid.put(DisplayText("Mentions in by hour, 7 days" + (size > 1 ? " (\(size) hours a dot)" : "") + ": busiest hour \(busiest)"),
                 x: 1, y: y, style: .header)
        y += 1
        for text in Chart.brailleArea(points, rows: chartRows) {
            grid.put(DisplayText(text), x: 1, y: y)
            y += 1
        }
        // Each day's name under the hour it begins.
        for hour in digest.hourlyMentions.indices {
            let at = digest.since + Int64(hour) * 3_600_000
            let civil = LocalTime.civil(at, in: zone)
            guard civil.hour == 0 || hour == 0 else { continue }
            grid.put(DisplayText(LocalTime.weekdays[civil.weekday]), x: 1 + hour / size / 2, y: y, style: .dim)
        }
        y += 1
    }

    /// Each channel's share answered over the week, the busiest first, while there is room.
    private static func renderChannels(_ digest: ReportDigest, y: inout Int, bottom: Int, into grid: inout Grid) {
        guard bottom - y >= 3, !digest.channels.isEmpty else { return }
        y += 1
        grid.put(DisplayText("Answered by channel, 7 days"), x: 1, y: y, style: .header)
        y += 1
        let nameWidth = Swift.min(14, digest.channels.map { DisplayWidth.of(DisplayText(untrusted: $0.key).string) }.max() ?? 0)
        let barWidth = Swift.max(5, grid.width - nameWidth - 24)
        for channel in digest.channels where y < bottom {
            let heard = channel.measures.heard
            let name = fit(DisplayText(untrusted: channel.key).string, nameWidth)
            grid.put(DisplayText(name), x: 1, y: y)
            grid.put(DisplayText(Chart.bar(heard.shareAnswered ?? 0, width: barWidth)), x: nameWidth + 2, y: y)
            grid.put(DisplayText(Report.withShare(heard.answered, heard.shareAnswered) + " of \(heard.opened)"), x: nameWidth + barWidth + 3, y: y, style: .dim)
            y += 1
        }
    }

    private static func fit(_ text: String, _ width: Int) -> String { DisplayWidth.fit(text, to: width) }

    /// A figure right-aligned in its column.
    private static func pad(_ text: String) -> String {
        String(repeating: " ", count: Swift.max(1, figureWidth - DisplayWidth.of(text))) + text
    }
}
