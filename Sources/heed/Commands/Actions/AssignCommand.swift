import ArgumentParser
import HeedCore

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assign", abstract: "Assign a conversation to an operator or a team.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @OptionGroup var targets: TargetOptions

    @Argument(help: "The conversations' numbers.")
    var ids: [Int64] = []

    @Option(help: ArgumentHelp("An operator's handle or a team's name, from the config.", valueName: "who"))
    var to: String

    func run() throws {
        try runActions(global, options, targets, ids: ids, kind: .assign) { service, actor, id, version in
            try service.perform(.assign(to), on: id, by: actor, expecting: version)
        }
    }
}

struct UnassignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unassign", abstract: "Take a conversation's operator off it (its team stays).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @OptionGroup var targets: TargetOptions

    @Argument(help: "The conversations' numbers.")
    var ids: [Int64] = []

    func run() throws {
        try runActions(global, options, targets, ids: ids, kind: .unassign) { service, actor, id, version in
            try service.perform(.unassign, on: id, by: actor, expecting: version)
        }
    }
}
