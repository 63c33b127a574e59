import ArgumentParser
import HeedCore

/// resolve, reopen, spam and not-spam: a conversation and nothing else.
struct StatusCommand<Kind: StatusKind>: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: Kind.command.kind.rawValue, abstract: Kind.abstract) }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @OptionGroup var targets: TargetOptions

    @Argument(help: "The conversations' numbers.")
    var ids: [Int64] = []

    func run() throws {
        try runActions(global, options, targets, ids: ids, kind: Kind.command.kind) { service, actor, id, version in
            try service.perform(Kind.command, on: id, by: actor, expecting: version)
        }
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
