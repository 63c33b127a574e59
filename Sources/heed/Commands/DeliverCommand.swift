import ArgumentParser
import Foundation
import HeedCore

struct DeliverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver", abstract: "Send the outbox's due posts through each channel's adapter (with --follow, until SIGINT/SIGTERM).")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Keep sending as posts come due.")
    var follow = false

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            let database = try workspace.openCache()
            guard let lock = Delivery.lock(cache: workspace.cachePath) else {
                throw HeedError("another `heed deliver` is running on \(workspace.cachePath)", .conflict)
            }
            defer { close(lock) }
            let delivery = Delivery(database: database, config: workspace.config, clock: SystemClock())
            let recovered = try delivery.recover()
            if recovered > 0 { print("\(recovered) post(s) a stopped worker had left half sent were looked at again") }
            StopSignal.install()
            repeat {
                let report = try delivery.runOnce()
                if report != Delivery.Report() || !follow {
                    print("sent \(report.sent), to retry \(report.retrying), failed \(report.failed)")
                }
                // A second between rounds, cut short by a signal.
                for _ in 0..<20 where follow && !StopSignal.requested() { usleep(50_000) }
            } while follow && !StopSignal.requested()
        }
    }
}
