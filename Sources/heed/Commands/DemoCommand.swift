import ArgumentParser
import Foundation
import HeedCore
import HeedTUI

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a realistic demo cache (Northwind Bank, every channel) and open the screen on it.",
        discussion: "The demo cache is its own file ($XDG_DATA_HOME/heed/demo.sqlite unless --cache names one); "
            + "it is rebuilt each time and never mixed with a real cache. The demo always uses the example config.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many mentions to generate.")
    var size = DemoCache.defaultSize

    @Option(help: "The seed: the same seed gives the same demo.")
    var seed = DemoCache.defaultSeed

    @Flag(name: .customLong("no-ui"), help: "Print the queue instead of opening the screen.")
    var noUI = false

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if size < 1 || size > 50_000_000 { throw ValidationError("--size must be between 1 and 50000000") }
    }

    func run() throws {
        try guarded {
            let path = global.cache ?? DemoCache.defaultPath()
            let started = Date()
            let display = progress.display(IngestProgress(totalRecords: size))
            let built = Result { try DemoCache.build(path: path, size: size, seed: seed, clock: SystemClock(), progress: display.progress) }
            display.finish()
            let (database, report) = try built.get()
            let seconds = Date().timeIntervalSince(started)
            let config = try ExampleConfig.load()
            let open = try database.read { db in try Queue.countOpen(db) }
            let summary = "demo: \(report.new) mentions in \(open) open conversations, built in "
                + String(format: "%.1f", seconds) + " s → \(path)"
            if noUI || isatty(STDOUT_FILENO) == 0 {
                print(summary)
                let rows = try database.read { db in try Queue.open(db, limit: 20) }
                let now = SystemClock().now()
                for row in rows { print(QueueLine.format(row, now: now, width: outputWidth(), idWidth: QueueLine.idWidth(rows))) }
                if open > rows.count { print("… \(open - rows.count) more: heed queue --cache \(path)") }
                return
            }
            // The demo's team is the example's: you are its first operator unless heed knows you.
            // The demo's cache is the user's own, so they may be anyone in it.
            let identity = Identity.process(mayChangeConfig: true)
            var environment = ProcessInfo.processInfo.environment
            if config.currentOperator(environment: environment, identity: identity) == nil, let first = config.operators.first {
                environment["HEED_OPERATOR"] = first.handle
            }
            let me = config.currentOperator(environment: environment, identity: identity) ?? "nobody"
            FileHandle.standardError.write(Data((summary + "; you act as \(me) (HEED_OPERATOR picks another)\n").utf8))
            try Screen.open(database: database, config: config, identity: identity, environment: environment)
        }
    }
}
