import ArgumentParser
import Foundation
import HeedCore

extension ReportGrouping: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Whether customers are heard, answered and come back: the period's relationship measures.",
        discussion: "Conversations opened in the period are followed to today. docs/reports.md defines every measure. "
            + "Days are the config's time zone's; --until DAY includes that day.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Start: a day (2026-11-01), a time (2026-11-01T09:00:00Z) or a span back from now (30d). Default: 7 days before --until.")
    var since: String?

    @Option(help: "End, not included (a day is included whole). Default: now.")
    var until: String?

    @Option(help: "Rows by day, week, channel, team, operator (who answered first) or shift (the shift the first answer was given in).")
    var by: ReportGrouping = .channel

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print CSV: a row per group and a total; cells that a spreadsheet would run are quoted.")
    var csv = false

    @Option(help: "Cut lines to this width (default: the terminal's).")
    var width: Int?

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv: choose one") }
    }

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            let now = SystemClock().now()
            let period = try ReportPeriod(since: since, until: until, now: now, timeZone: workspace.config.timeZone)
            let report = try Report.make(try workspace.openCache(memoryMapped: true), config: workspace.config, since: period.since, until: period.until, by: by, now: now)
            if json {
                print(report.json)
            } else if csv {
                print(report.csv, terminator: "")
            } else {
                for line in report.lines(width: outputWidth(width) ?? 200) { print(line) }
            }
        }
    }
}
