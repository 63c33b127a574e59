import ArgumentParser
import HeedCore

struct ReplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply", abstract: "Queue a reply to a conversation: it goes after the undo window (`heed undo` or `heed outbox cancel` withdraws it).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @Argument(help: "The conversation's number.")
    var id: Int64

    @Option(help: "The reply.")
    var text: String

    func run() throws {
        try runAction(global, options) { service, actor in try service.reply(to: id, text: text, by: actor, expecting: options.version) }
    }
}
