import ArgumentParser
import Foundation
import HeedCore

struct ServiceStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Whether `heed run` runs for the cache, each of its parts, each connected account, and the outbox.",
        discussion: "Exits 0 while it runs, 3 when it does not.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            let database = try workspace.openCache()
            let now = SystemClock().now()
            let report = try ServiceReport.read(database, config: workspace.config, cachePath: workspace.cachePath, now: now)
            if json {
                try printJSON(report)
            } else {
                print(report.lines(now: now, timeZone: workspace.config.timeZone).joined(separator: "\n"))
            }
            if !report.running { throw ExitCode(ExitStatus.notRunning) }
        }
    }
}
