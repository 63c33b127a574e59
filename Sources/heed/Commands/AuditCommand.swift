import ArgumentParser
import Foundation
import HeedCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The event log's integrity.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify",
            abstract: "Walk the event log's hash chain: every entry as written, none removed or slipped in, redactions only as logged.",
            discussion: "Exits 0 when the log is whole, 65 when it is not (each problem named, the first 20). "
                + "Note the head it prints: the chain cannot show entries removed from its end, a head written down earlier can.")

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Print JSON.")
        var json = false

        @Option(help: ArgumentHelp("Walk the event log of this PostgreSQL copy (heed store migrate --to) instead of the cache's.", valueName: "url"))
        var store: String?

        func run() throws {
            try guarded {
                let workspace = try global.workspace()
                let report = if let store {
                    try AuditReport.verify(try PostgresLocation(url: store))
                } else {
                    try AuditReport.verify(try workspace.openCache())
                }
                let zone = workspace.config.timeZone
                if json {
                    print(report.json)
                } else if report.isWhole {
                    print("the event log is whole: \(report.entries) entries, \(report.redacted) redacted (their text replaced, their hashes kept)")
                } else {
                    print("the event log is NOT whole: \(report.problemCount) problems in \(report.entries) entries")
                    for problem in report.problems { print("  " + problem) }
                }
                if !json, let head = report.head {
                    print("head: entry \(head.id) at \(ShiftClock.stamp(head.at, timeZone: zone)), chain \(head.chain)")
                }
                if !report.isWhole { throw ExitCode(ExitStatus.dataError) }
            }
        }
    }
}
