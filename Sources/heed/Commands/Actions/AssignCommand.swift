import ArgumentParser
import HeedCore

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assign", abstract: "Assign a conversation to an operator or a team.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @Argument(help: "The conversation's number.")
    var id: Int64

    @Option(help: ArgumentHelp("An operator's handle or a team's name, from the config.", valueName: "who"))
    var to: String

    func run() throws {
        try runAction(global, options) { service, actor in try service.perform(.assign(to), on: id, by: actor, expecting: options.version) }
    }
}

struct UnassignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unassign", abstract: "Take a conversation's operator off it (its team stays).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @Argument(help: "The conversation's number.")
    var id: Int64

    func run() throws {
        try runAction(global, options) { service, actor in try service.perform(.unassign, on: id, by: actor, expecting: options.version) }
    }
}
