import ArgumentParser
import HeedCore

struct EscalateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "escalate", abstract: "Escalate a conversation to a team, with a note.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @OptionGroup var targets: TargetOptions

    @Argument(help: "The conversations' numbers.")
    var ids: [Int64] = []

    @Option(help: ArgumentHelp("A team's name, from the config.", valueName: "team"))
    var to: String

    @Option(help: "What the team should know.")
    var note: String?

    func run() throws {
        try runActions(global, options, targets, ids: ids, kind: .escalate) { service, actor, id, version in
            try service.perform(.escalate(team: to, note: note), on: id, by: actor, expecting: version)
        }
    }
}
