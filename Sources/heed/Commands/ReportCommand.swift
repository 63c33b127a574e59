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

    @Option(help: "Rows by hour, day, week, channel, team, operator (who answered first) or shift (the shift the first answer was given in).")
    var by: ReportGrouping = .channel

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print CSV: a row per group and a total; cells that a spreadsheet would run are quoted.")
    var csv = false

    @Option(help: ArgumentHelp("Write the report as one self-contained page (charts inline, nothing fetched) to FILE.", valueName: "file"))
    var html: String?

    @Option(help: "Cut lines to this width (default: the terminal's).")
    var width: Int?

    @Option(help: ArgumentHelp("Read this PostgreSQL copy (heed store migrate --to) instead of the cache; its role needs only SELECT.",
                               valueName: "url"))
    var store: String?

    func validate() throws {
        if [json, csv, html != nil].filter({ $0 }).count > 1 { throw ValidationError("--json, --csv and --html: choose one") }
    }

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            let now = SystemClock().now()
            let period = try ReportPeriod(since: since, until: until, now: now, timeZone: workspace.config.timeZone)
            let report = if let store {
                try Report.make(try PostgresLocation(url: store), config: workspace.config, since: period.since, until: period.until, by: by, now: now)
            } else {
                try Report.make(try workspace.openCache(), config: workspace.config, since: period.since, until: period.until, by: by, now: now)
            }
            if let html {
                do {
                    try report.html.write(toFile: html, atomically: true, encoding: .utf8)
                } catch {
                    throw HeedError("cannot write \(html): \(error.localizedDescription)", .cannotWrite)
                }
                print("wrote \(html): \(report.total.heard.opened) conversations opened, by \(by.rawValue)")
            } else if json {
                print(report.json)
            } else if csv {
                print(report.csv, terminator: "")
            } else {
                for line in report.lines(width: outputWidth(width) ?? 200) { print(line) }
            }
        }
    }
}
