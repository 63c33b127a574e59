import ArgumentParser
import HeedCore

struct MacroCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "macro", abstract: "Run a macro from the config (its actions, all or none) on conversations.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions
    @OptionGroup var targets: TargetOptions

    @Argument(help: "The macro's name (or the start of it).")
    var name: String

    @Argument(help: "The conversations' numbers.")
    var ids: [Int64] = []

    func run() throws {
        try runActions(global, options, targets, ids: ids, kind: .macro) { service, actor, id, version in
            try service.runMacro(name, on: id, by: actor, expecting: version)
        }
    }
}
