import ArgumentParser
import Foundation
import HeedCore

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Where a team's cache lives: copies between the SQLite cache and PostgreSQL.",
        subcommands: [StoreMigrate.self])
}

struct StoreMigrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy the cache into an empty PostgreSQL database (--to), or such a copy into a new cache file (--from).",
        discussion: "Each table is counted and summed on both sides before the copy is kept; a copy that differs is not kept. "
            + "The URL is libpq's (postgres://USER@HOST:PORT/DATABASE?sslmode=…, or ?host=/socket/folder); a password never goes in it: "
            + "~/.pgpass or PGPASSFILE.")

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Copy the cache into this empty PostgreSQL database.", valueName: "url"))
    var to: String?

    @Option(help: ArgumentHelp("Copy this PostgreSQL database into a new cache file (--cache, which must not exist).", valueName: "url"))
    var from: String?

    @Flag(help: "Print each table's rows and checksum.")
    var tables = false

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        guard (to == nil) != (from == nil) else { throw ValidationError("give one of --to URL or --from URL") }
    }

    func run() throws {
        let to = to, from = from, global = global, tables = tables
        let display = progress.display(IngestProgress())
        try guardedAsync {
            defer { display.finish() }  // the line cleared before an error is said
            let workspace = try global.workspace()
            try workspace.administer("copy the cache")
            let report: StoreCopy.Report
            if let to {
                let location = try PostgresLocation(url: to)
                guard FileManager.default.fileExists(atPath: workspace.cachePath) else {
                    throw HeedError("no cache at \(workspace.cachePath) to copy", .unreadable, hint: .otherCache)
                }
                let database = try AppDatabase.open(path: workspace.cachePath)
                defer { try? database.close() }
                let now = SystemClock().now()
                // The copy's readers cannot move the clock's part of a priority: it goes as of now.
                try Triager(config: workspace.config).catchUp(database, now: now)
                report = try await StoreCopy.toPostgres(database, location, by: workspace.person() ?? "heed", now: now,
                                                        progress: display.progress)
                display.finish()
                print("copied \(workspace.cachePath) to \(report.store): \(report.tables.count) tables, \(report.rows) rows, every checksum equal")
            } else {
                let location = try PostgresLocation(url: from!)
                report = try await StoreCopy.fromPostgres(location, into: workspace.cachePath, by: workspace.person() ?? "heed", now: SystemClock().now(),
                                                          progress: display.progress)
                display.finish()
                print("copied \(report.store) to \(workspace.cachePath): \(report.tables.count) tables, \(report.rows) rows, every checksum equal")
            }
            if tables {
                for table in report.tables { print("  \(table.name): \(table.rows) rows, \(table.checksum)") }
            }
        }
    }
}
