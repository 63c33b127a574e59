import ArgumentParser
import HeedCore

/// resolve, reopen, spam and not-spam: a conversation and nothing else.
struct StatusCommand<Kind: StatusKind>: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: Kind.command.kind, abstract: Kind.abstract) }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @Argument(help: "The conversation's number.")
    var id: Int64

    func run() throws {
        try runAction(global, options) { service, actor in try service.perform(Kind.command, on: id, by: actor, expecting: options.version) }
    }
}

protocol StatusKind {
    static var command: TriageCommand { get }
    static var abstract: String { get }
}

enum Resolve: StatusKind {
    static let command = TriageCommand.resolve
    static let abstract = "Resolve a conversation (it reopens when the customer writes again)."
}

enum Reopen: StatusKind {
    static let command = TriageCommand.reopen
    static let abstract = "Reopen a resolved, snoozed or waiting conversation."
}

enum Spam: StatusKind {
    static let command = TriageCommand.spam
    static let abstract = "Move a conversation to the spam view."
}

enum NotSpam: StatusKind {
    static let command = TriageCommand.notSpam
    static let abstract = "Take a conversation out of spam, back to the queue."
}
