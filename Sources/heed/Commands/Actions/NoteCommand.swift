import ArgumentParser
import HeedCore

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Add an internal note to a conversation (never sent).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @OptionGroup var targets: TargetOptions

    @Argument(help: "The conversations' numbers.")
    var ids: [Int64] = []

    @Option(help: "The note.")
    var text: String

    func run() throws {
        try runActions(global, options, targets, ids: ids, kind: .note) { service, actor, id, version in
            try service.perform(.note(text), on: id, by: actor, expecting: version)
        }
    }
}
