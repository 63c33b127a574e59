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
    var text: String?

    @Option(help: ArgumentHelp("A canned reply from the config, by name (or the start of one), its variables filled.", valueName: "name"))
    var canned: String?

    @Flag(help: "Send it even though it seems to hold private data (a card or account number, an e-mail address, a phone number).")
    var anyway = false

    func validate() throws {
        guard (text == nil) != (canned == nil) else { throw ValidationError("give --text TEXT or --canned NAME, one of them") }
    }

    func run() throws {
        try runAction(global, options) { service, actor in
            let body = try text ?? service.cannedText(canned ?? "", conversation: id, by: actor)
            return try service.reply(to: id, text: body, by: actor, expecting: options.version, anyway: anyway)
        }
    }
}
