import ArgumentParser
import Foundation
import HeedCore

struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention", abstract: "The config's retention: how long resolved conversations' text is kept.", subcommands: [Enforce.self])

    struct Enforce: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enforce",
            abstract: "Remove now the text past retention (heed run does it daily): texts and personal fields go, the figures stay.")

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            try guarded {
                let workspace = try global.workspace()
                guard let policy = workspace.config.retention else {
                    throw HeedError("the config sets no retention (\"retention\": {\"days\": …}): heed keeps every text", .refused, hint: .checkConfig)
                }
                let database = try workspace.openCache()
                let report = try Retention.enforce(database, policy: policy, now: SystemClock().now(), by: workspace.person() ?? "heed:retention")
                if json {
                    print(JSONWriter.object([("conversations", .number(String(report.conversations))), ("mentions", .number(String(report.mentions))),
                                             ("events_redacted", .number(String(report.eventsRedacted))), ("contacts", .number(String(report.contacts)))]))
                } else {
                    print("removed the text of \(report.conversations) conversations past retention: \(report.mentions) messages, "
                          + "\(report.eventsRedacted) log entries redacted, \(report.contacts) customers' names and handles")
                }
            }
        }
    }
}
