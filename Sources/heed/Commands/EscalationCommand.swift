import ArgumentParser
import HeedCore

struct EscalationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalation", abstract: "Conversations handed to a team: list them, answer or close one.",
        subcommands: [List.self, Answer.self, Close.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The open escalations (with --all, every one), latest first.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Only this team's.")
        var team: String?

        @Flag(help: "Also those answered or closed.")
        var all = false

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            try guarded {
                let database = try global.workspace().openCache()
                let escalations = try database.read { db in try Escalation.list(db, all: all, team: team) }
                if json {
                    try printJSON(escalations)
                    return
                }
                if escalations.isEmpty { print(all ? "no escalations" : "no open escalations") }
                let now = SystemClock().now()
                for e in escalations {
                    let note = e.note.map { " · " + DisplayText(untrusted: $0).string } ?? ""
                    print("\(e.id) · #\(e.conversationID) · \(e.team) · \(e.state) · by \(e.openedBy) \(Age.short(milliseconds: now - e.openedAt)) ago\(note)")
                }
            }
        }
    }

    struct Answer: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "answer", abstract: "The team's answer: the escalation is answered, and the answer shows on the conversation.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        @Argument(help: "The escalation's number (`heed escalation list`).")
        var id: Int64

        @Option(help: "The answer.")
        var text: String

        func validate() throws { try options.refuseVersion() }

        func run() throws {
            try runAction(global, options) { service, actor in try service.answer(escalation: id, text: text, by: actor) }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close an escalation without an answer.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        @Argument(help: "The escalation's number (`heed escalation list`).")
        var id: Int64

        func validate() throws { try options.refuseVersion() }

        func run() throws {
            try runAction(global, options) { service, actor in try service.close(escalation: id, by: actor) }
        }
    }
}
