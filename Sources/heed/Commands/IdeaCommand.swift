import ArgumentParser
import HeedCore

struct IdeaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idea", abstract: "Customers' ideas: closing the loop when the team ships one.", subcommands: [Done.self])

    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "done",
            abstract: "Tell everyone who suggested an idea that it shipped: a reply of their own to each conversation of kind idea with the tag.",
            discussion: "Prints each reply as it will go ({first_name} and the other variables filled, your signature added) and queues them "
                + "only with --confirm, through the outbox and its undo window (`heed undo` withdraws them all). Customers who were sent the "
                + "same text already are not sent it again.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        @Argument(help: "The idea's tag.")
        var tag: String

        @Option(help: "The reply.")
        var text: String

        @Flag(help: "Queue the replies previewed (without it, only the preview is printed).")
        var confirm = false

        func run() throws {
            try guarded {
                let (service, actor) = try acting(global, options)
                guard confirm else {
                    let followUps = try service.ideaFollowUps(tag: tag, text: text, by: actor)
                    if followUps.isEmpty { throw HeedError("no conversation of kind idea is tagged \(tag)", .unchanged) }
                    for (preview, told) in followUps {
                        print("#\(preview.conversationID) ← " + DisplayText(untrusted: preview.text).string
                              + (told ? "  [told already]" : preview.problem.map { "  [not sent: \($0)]" } ?? ""))
                    }
                    let new = followUps.filter { !$0.told }.count
                    print("nothing queued: \(new) repl\(new == 1 ? "y" : "ies") previewed; add --confirm to queue them")
                    return
                }
                let outcome = try service.ideaDone(tag: tag, text: text, by: actor)
                if options.json { try printJSON(ManyJSON(outcome)) } else { print(outcome.summary) }
                if let failure = outcome.failures.first { throw ExitCode(ExitStatus.of(failure.kind)) }
                if outcome.done.isEmpty { throw ExitCode(ExitStatus.nothingToChange) }
            }
        }
    }
}
