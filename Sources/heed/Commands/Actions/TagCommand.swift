import ArgumentParser
import HeedCore

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tag", abstract: "Tag or untag a conversation: +billing adds, -spam removes.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @Argument(help: "The conversation's number.")
    var id: Int64

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Tags: +NAME (or NAME) to add, -NAME to remove.", valueName: "tag"))
    var tags: [String] = []

    func run() throws {
        let add = tags.filter { !$0.hasPrefix("-") }
        let remove = tags.filter { $0.hasPrefix("-") }
        try runAction(global, options) { service, actor in
            try service.perform(.tag(add: add, remove: remove), on: id, by: actor, expecting: options.version)
        }
    }
}
