import ArgumentParser
import Foundation
import HeedCore

struct DeliverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver", abstract: "Send the outbox's due posts through each channel's way out (with --follow, until SIGINT/SIGTERM).",
        discussion: "`heed run` does this by itself; this is for a one-off or a script.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Keep sending as posts come due.")
    var follow = false

    func run() throws {
        try guardedAsync {
            let workspace = try global.workspace()
            let database = try workspace.openCache()
            guard let lock = Delivery.lock(cache: workspace.cachePath) else {
                throw HeedError("another `heed deliver` (or `heed run`) is sending for \(workspace.cachePath)", .conflict)
            }
            defer { close(lock) }
            let clock = SystemClock()
            let connectors = Connectors(config: workspace.config, secrets: Secrets(configPath: workspace.configPath), clock: clock)
            let delivery = Delivery(database: database, config: workspace.config, clock: clock, connectors: connectors)
            let recovered = try await delivery.recover()
            if recovered > 0 { print("\(recovered) post\(recovered == 1 ? "" : "s") a stopped worker had left half sent looked at again") }
            StopSignal.install()
            repeat {
                let report = try await delivery.runOnce { StopSignal.requested() }
                if report != Delivery.Report() || !follow {
                    print("sent \(report.sent), to retry \(report.retrying), failed \(report.failed)")
                }
                // A second between rounds, cut short by a signal.
                for _ in 0..<20 where follow && !StopSignal.requested() { try await Task.sleep(nanoseconds: 50_000_000) }
            } while follow && !StopSignal.requested()
        }
    }
}
