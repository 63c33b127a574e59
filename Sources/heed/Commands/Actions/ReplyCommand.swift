import ArgumentParser
import HeedCore

struct ReplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply", abstract: "Queue a reply to a conversation: it goes after the undo window (`heed undo` or `heed outbox cancel` withdraws it).",
        discussion: "To several conversations (numbers, --query or --incident) it first prints each recipient's reply as it will be sent, "
            + "variables filled, and queues them only with --confirm.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions
    @OptionGroup var targets: TargetOptions

    @Argument(help: "The conversations' numbers.")
    var ids: [Int64] = []

    @Option(help: "The reply.")
    var text: String?

    @Option(help: ArgumentHelp("A canned reply from the config, by name (or the start of one), its variables filled.", valueName: "name"))
    var canned: String?

    @Flag(help: "Send it even though it seems to hold private data (a card or account number, an e-mail address, a phone number).")
    var anyway = false

    @Flag(help: "To several conversations: queue the replies previewed (without it, only the preview is printed).")
    var confirm = false

    func validate() throws {
        guard (text == nil) != (canned == nil) else { throw ValidationError("give --text TEXT or --canned NAME, one of them") }
    }

    func run() throws {
        let selection = try targets.selection(ids)
        if case .conversations(let ids) = selection, ids.count == 1 {} else if !confirm {
            return try preview(selection)
        }
        try runActions(global, options, targets, ids: ids, kind: .reply) { service, actor, id, version in
            try service.reply(to: id, text: service.previewReplies(template(service), to: [id], by: actor)[0].text, by: actor,
                              expecting: version, anyway: anyway)
        }
    }

    /// Each recipient's reply as it would go, and nothing queued.
    private func preview(_ selection: ActionSelection) throws {
        try guarded {
            let (service, actor) = try acting(global, options)
            let previews = try service.previewReplies(template(service), to: service.targets(selection, by: actor).map(\.id), by: actor)
            for preview in previews {
                print("#\(preview.conversationID) ← " + DisplayText(untrusted: preview.text).string + (preview.problem.map { "  [not sent: \($0)]" } ?? ""))
            }
            print("nothing queued: \(previews.count) repl\(previews.count == 1 ? "y" : "ies") previewed; add --confirm to queue them")
        }
    }

    /// The text given, or the canned reply's, its variables still to fill for each customer.
    private func template(_ service: ActionService) throws -> String {
        try text ?? service.cannedTemplate(canned ?? "")
    }
}
