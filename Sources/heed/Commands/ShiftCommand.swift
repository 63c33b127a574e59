import ArgumentParser
import Foundation
import HeedCore

struct ShiftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shift", abstract: "Shifts: start one (with your intro post), see who is on, hand over at the end, and the log.",
        subcommands: [Start.self, Who.self, End.self, Ack.self, Log.self])

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start",
            abstract: "Start your shift: your intro (your template from the config, or --intro) queued to each help account, and the handovers you have not acknowledged shown.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        @Option(help: "The intro post ({name} {first_name} {until} {signature} {team} are filled).")
        var intro: String?

        @Option(help: ArgumentHelp("When you plan to stop (HH:MM, your time zone); else 8 hours on.", valueName: "HH:MM"))
        var until: String?

        func run() throws {
            try options.refuseVersion()
            try guarded {
                let (service, actor) = try acting(global, options)
                let end = try service.plannedEnd(until, for: actor)
                let started = try service.startShift(by: actor, intro: service.introText(intro, for: actor, until: end), until: end)
                if options.json { return try printJSON(ShiftJSON(started)) }
                print(started.summary)
                print("intro: " + DisplayText(untrusted: started.shift.intro ?? "").string)
                let config = try global.workspace().config
                for shift in started.handovers {
                    print("")
                    for line in shift.handover?.lines(now: SystemClock().now(), config: config, reader: actor.handle) ?? [] { print(line) }
                    print("  (acknowledge: heed shift ack \(shift.id))")
                }
            }
        }
    }

    struct Who: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "who", abstract: "Who is on shift: since, until, their intro, active or away; --post queues the roster.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        @Flag(help: "Queue \"On the team now: …\" to each help account.")
        var post = false

        func run() throws {
            try options.refuseVersion()
            try guarded {
                if post { return try runAction(global, options) { service, actor in try service.postRoster(by: actor) } }
                let workspace = try global.workspace()
                let database = try workspace.openCache()
                try ActionService(database: database, config: workspace.config, clock: SystemClock()).endOverdueShifts()
                let now = SystemClock().now()
                let roster = try database.read { db in try OnShift.roster(db, config: workspace.config, now: now) }
                if options.json { return try printJSON(roster) }
                if roster.isEmpty { print("nobody is on shift") }
                // Times in the reader's zone (else the team's), the same for every line.
                let zone = workspace.config.timeZone(for: workspace.currentOperator())
                for person in roster {
                    print("\(person.operatorHandle) (\(person.name)) · \(person.active ? "active" : "away \(Age.short(milliseconds: now - person.lastActiveAt))") · "
                        + "since \(ShiftClock.string(person.since, timeZone: zone))" + (person.until.map { " until \(ShiftClock.string($0, timeZone: zone))" } ?? "")
                        + (person.intro.map { " · " + DisplayText(untrusted: $0).string } ?? ""))
                }
            }
        }
    }

    struct End: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "end",
            abstract: "End your shift: the handover (your note and heed's summary), your conversations released or passed on, the sign-off post.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        @Option(help: "Your note for the next operator.")
        var note: String?

        @Option(name: .customLong("pass-to"), help: ArgumentHelp("Give your conversations to this operator (on shift) instead of the pool.", valueName: "handle"))
        var passTo: String?

        @Flag(name: .customLong("no-sign-off"), help: "Do not queue the config's sign-off post.")
        var noSignOff = false

        func run() throws {
            try options.refuseVersion()
            try guarded {
                let (service, actor) = try acting(global, options)
                let ended = try service.endShift(by: actor, note: note, passTo: passTo, signOff: !noSignOff)
                if options.json { return try printJSON(ShiftJSON(ended)) }
                print(ended.summary)
                for line in ended.handover?.lines(now: SystemClock().now(), config: try global.workspace().config, reader: actor.handle) ?? [] { print(line) }
            }
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge the handover of a shift (its number from `heed shift start` or `heed shift log`).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        @Argument(help: "The shift whose handover you read.")
        var shift: Int64

        func run() throws {
            try options.refuseVersion()
            try runAction(global, options) { service, actor in try service.acknowledgeHandover(shift, by: actor) }
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "log",
            abstract: "Shifts, intros, handovers and acknowledgements; with --operator also their timeline (on shift, active, away).")

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("From this time (2026-11-24T00:00:00Z) or span ago (8h, 2d).", valueName: "when"))
        var since: String?

        @Option(name: .customLong("operator"), help: ArgumentHelp("Only this operator, with their timeline.", valueName: "handle"))
        var handle: String?

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            try guarded {
                let workspace = try global.workspace()
                let now = SystemClock().now()
                var from: Int64?
                if let since {
                    guard let at = RFC3339.milliseconds(from: since) ?? Query.duration(since).map({ now - $0 }) else {
                        throw HeedError("--since \(since): expected a time such as 2026-11-24T00:00:00Z or a span such as 8h", .refused)
                    }
                    from = at
                }
                if let handle, workspace.config.operator(handle: handle) == nil {
                    throw HeedError("no operator \"\(handle)\" in the config (operators: \(workspace.config.operators.map(\.handle).joined(separator: ", ")))",
                                    .refused)
                }
                let database = try workspace.openCache()
                let (entries, timeline) = try database.read { db in
                    (try ShiftLog.entries(db, since: from, operator: handle),
                     try handle.map { try ShiftLog.timeline(db, operator: $0, since: from, now: now, awayAfterMinutes: workspace.config.awayAfterMinutes) } ?? [])
                }
                if json {
                    return try printJSON(LogJSON(entries: entries, timeline: timeline.map { TimelineJSON(shift: $0.0.id, intervals: $0.1) }))
                }
                // In the reader's zone, whoever's log it is.
                let zone = workspace.config.timeZone(for: workspace.currentOperator())
                if entries.isEmpty { print("no shifts" + (from == nil ? "" : " since then")) }
                for entry in entries {
                    print("\(ShiftClock.stamp(entry.at, timeZone: zone)) · \(entry.operatorHandle) · \(entry.kind)"
                        + (entry.shift.map { " · shift \($0)" } ?? "") + (entry.text.isEmpty ? "" : " · " + DisplayText(untrusted: entry.text).string))
                }
                for (shift, intervals) in timeline {
                    print("")
                    print("shift \(shift.id): \(ShiftClock.string(shift.startedAt, timeZone: zone))–" + (shift.endedAt.map { ShiftClock.string($0, timeZone: zone) } ?? "now"))
                    for span in intervals {
                        print("  \(ShiftClock.string(span.from, timeZone: zone))–\(ShiftClock.string(span.to, timeZone: zone)) \(span.state) (\(Age.short(milliseconds: span.to - span.from)))")
                    }
                }
            }
        }
    }

    struct ShiftJSON: Encodable {
        var shift: Int64, operatorHandle: String, startedAt: Int64, until: Int64?, endedAt: Int64?, intro: String?, posts: [Int64]
        var handover: Handover?, unacknowledged: [Int64], summary: String
        init(_ outcome: ActionService.ShiftOutcome) {
            let s = outcome.shift
            (shift, operatorHandle, startedAt, until, endedAt, intro) = (s.id, s.operatorHandle, s.startedAt, s.plannedEndAt, s.endedAt, s.intro)
            (posts, handover, unacknowledged, summary) = (outcome.posts, outcome.handover, outcome.handovers.map(\.id), outcome.summary)
        }
        enum CodingKeys: String, CodingKey {
            case shift, operatorHandle = "operator", startedAt = "started_at", until, endedAt = "ended_at", intro, posts, handover, unacknowledged, summary
        }
    }

    struct LogJSON: Encodable {
        var entries: [ShiftLog.Entry]
        var timeline: [TimelineJSON]
    }

    struct TimelineJSON: Encodable {
        var shift: Int64
        var intervals: [ShiftLog.Interval]
    }
}
