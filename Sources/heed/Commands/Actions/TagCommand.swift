import ArgumentParser
import HeedCore

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tag", abstract: "Tag or untag a conversation: +billing adds, -spam removes.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @OptionGroup var targets: TargetOptions

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp(
        "The conversations' numbers, then tags: +NAME (or NAME) to add, -NAME to remove (a tag that is a number needs its +).", valueName: "id|tag"))
    var words: [String] = []

    func run() throws {
        // The numbers before the first tag are conversations.
        let ids = words.prefix { Int64($0) != nil }.compactMap { Int64($0) }
        let tags = words.dropFirst(ids.count)
        if tags.isEmpty { throw ValidationError("name a tag to add (+NAME) or remove (-NAME)") }
        let add = tags.filter { !$0.hasPrefix("-") }
        let remove = tags.filter { $0.hasPrefix("-") }
        try runActions(global, options, targets, ids: ids, kind: .tag) { service, actor, id, version in
            try service.perform(.tag(add: add, remove: remove), on: id, by: actor, expecting: version)
        }
    }
}
