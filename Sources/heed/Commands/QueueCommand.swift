import ArgumentParser
import Foundation
import HeedCore

struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "List open conversations in queue order, one a line.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many conversations to list.")
    var limit = 50

    @Flag(help: "Print JSON objects with every field.")
    var json = false

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            let database = try workspace.openCache()
            let now = SystemClock().now()
            let triager = Triager(config: workspace.config)
            // The clock's part of each priority moves on while nobody imports: bring it up to now.
            let rows = try database.writer.write { db in
                try triager.refreshWaiting(in: db, now: now)
                return try Queue.open(db, limit: max(0, limit))
            }
            if json {
                try printJSON(rows)
                return
            }
            let width = terminalWidth()
            for row in rows { print(QueueLine.format(row, now: now, width: width)) }
        }
    }
}
