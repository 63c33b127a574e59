import ArgumentParser
import HeedCore

struct SnoozeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snooze", abstract: "Snooze a conversation until a time, or until the customer writes again.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    @OptionGroup var targets: TargetOptions

    @Argument(help: "The conversations' numbers.")
    var ids: [Int64] = []

    @Option(help: ArgumentHelp("A time (2026-11-24T09:00:00Z) or a span from now (90m, 2h, 1d).", valueName: "when"))
    var until: String?

    @Flag(name: .customLong("until-reply"), help: "Until the customer writes again.")
    var untilReply = false

    func validate() throws {
        guard (until == nil) != (!untilReply) else { throw ValidationError("give --until WHEN or --until-reply, one of them") }
    }

    func run() throws {
        var time: Int64?
        if let until {
            guard let at = RFC3339.milliseconds(from: until) ?? Query.duration(until).map({ SystemClock().now() + $0 }) else {
                throw ValidationError("--until \(until): expected a time such as 2026-11-24T09:00:00Z or a span such as 2h")
            }
            time = at
        }
        try runActions(global, options, targets, ids: ids, kind: .snooze) { service, actor, id, version in
            try service.perform(.snooze(until: time), on: id, by: actor, expecting: version)
        }
    }
}
