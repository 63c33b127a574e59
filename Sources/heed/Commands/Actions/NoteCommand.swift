import ArgumentParser
import HeedCore

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Add an internal note to a conversation (never sent).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @Argument(help: "The conversation's number.")
    var id: Int64

    @Option(help: "The note.")
    var text: String

    func run() throws {
        try runAction(global, options) { service, actor in try service.perform(.note(text), on: id, by: actor, expecting: options.version) }
    }
}
