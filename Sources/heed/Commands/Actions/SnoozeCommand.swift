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

    @Option(help: ArgumentHelp("A span from now (90m, 2h, 1d), a time of day (14:00, 9am), a day (tomorrow, fri) with or without one, "
                               + "in your time zone, or a time (2026-12-24T09:00:00Z).", valueName: "when"))
    var until: String?

    @Flag(name: .customLong("until-reply"), help: "Until the customer writes again.")
    var untilReply = false

    func validate() throws {
        guard (until == nil) != (!untilReply) else { throw ValidationError("give --until WHEN or --until-reply, one of them") }
        // Read once here, whatever the zone, so that a line heed cannot read is refused before anything is done.
        if let until, SnoozeTime.parse(until, now: SystemClock().now(), timeZone: SnoozeTime.utc) == nil {
            throw ValidationError("--until \(until): expected \(SnoozeTime.forms), still to come")
        }
    }

    func run() throws {
        let now = SystemClock().now()
        try runActions(global, options, targets, ids: ids, kind: .snooze) { service, actor, id, version in
            var time: Int64?
            if let until {
                guard let at = SnoozeTime.parse(until, now: now, timeZone: service.timeZone(for: actor)) else {
                    throw HeedError("--until \(until): that time has passed in your time zone", .refused)
                }
                time = at
            }
            return try service.perform(.snooze(until: time), on: id, by: actor, expecting: version)
        }
    }
}
