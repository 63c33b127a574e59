import ArgumentParser
import HeedCore

struct EscalateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "escalate", abstract: "Escalate a conversation to a team, with a note.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @Argument(help: "The conversation's number.")
    var id: Int64

    @Option(help: ArgumentHelp("A team's name, from the config.", valueName: "team"))
    var to: String

    @Option(help: "What the team should know.")
    var note: String?

    func run() throws {
        try runAction(global, options) { service, actor in
            try service.perform(.escalate(team: to, note: note), on: id, by: actor, expecting: options.version)
        }
    }
}
