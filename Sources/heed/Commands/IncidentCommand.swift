import ArgumentParser
import HeedCore

struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident", abstract: "Bursts of similar complaints that triage found, with their conversations.",
        discussion: "To tag or answer an incident's conversations, give the action --incident ID: `heed tag --incident 7 +outage`, `heed reply --incident 7 --canned outage`.",
        subcommands: [List.self, Show.self, Resolve.self, Broadcast.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List active incidents (with --all, every one), newest first.")

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Also list incidents that are over (quiet), resolved or merged into another.")
        var all = false

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            try guarded {
                let workspace = try global.workspace()
                let database = try workspace.openCache()
                let now = SystemClock().now()
                let quiet = workspace.config.triage.incidents.quietMinutes
                let incidents = try database.read { db in try Incident.list(db, now: now, quietMinutes: quiet, all: all) }
                if json {
                    try printJSON(incidents.map(IncidentJSON.init))
                    return
                }
                if incidents.isEmpty { print(all ? "no incidents" : "no active incidents (`heed incident list --all` for past ones)") }
                for incident in incidents { print(IncidentLine.format(incident, now: now)) }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one incident and its conversations in queue order.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The incident's number (as `heed incident list` shows it).")
        var id: Int64

        @Option(help: "How many of its conversations to list.")
        var limit = 50

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            try guarded {
                let workspace = try global.workspace()
                let database = try workspace.openCache()
                let now = SystemClock().now()
                let quiet = workspace.config.triage.incidents.quietMinutes
                guard let (incident, members) = try database.read({ db -> (Incident, [QueueRow])? in
                    guard let incident = try Incident.fetch(db, id: id, now: now, quietMinutes: quiet) else { return nil }
                    return (incident, try Incident.members(db, of: id, limit: max(0, limit)))
                }) else {
                    throw HeedError("no incident \(id)", .badData, hint: .listIncidents)
                }
                if json {
                    var value = IncidentJSON(incident)
                    value.members = members
                    try printJSON(value)
                    return
                }
                print(IncidentLine.format(incident, now: now))
                print("  recognised by: " + incident.terms.map { DisplayText(untrusted: $0).string }.joined(separator: ", "))
                print("  started \(RFC3339.string(fromMilliseconds: incident.startedAt)), last member \(RFC3339.string(fromMilliseconds: incident.lastMemberAt))")
                print("")
                let width = outputWidth()
                for row in members { print(QueueLine.format(row, now: now, width: width, idWidth: QueueLine.idWidth(members))) }
                if incident.conversations > members.count { print("… and \(incident.conversations - members.count) more (--limit)") }
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resolve",
            abstract: "Resolve an incident: each of its conversations (one event each), then the incident, so that new complaints start a new one.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        @Argument(help: "The incident's number.")
        var id: Int64

        func run() throws {
            try options.refuseVersion()
            try guarded {
                let (service, actor) = try acting(global, options)
                let outcome = try service.resolveIncident(id, by: actor)
                if options.json { return try printJSON(ManyJSON(outcome)) }
                print(outcome.summary + "; incident \(id) resolved")
                if let failure = outcome.failures.first { throw ExitCode(ExitStatus.of(failure.kind)) }
            }
        }
    }

    struct Broadcast: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "broadcast",
            abstract: "Queue a post about an incident to each of our help accounts (help_accounts), after the undo window.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        @Argument(help: "The incident's number.")
        var id: Int64

        @Option(help: "The post; {incident} is the incident's title, your signature is added.")
        var text: String

        func run() throws {
            try options.refuseVersion()
            try runAction(global, options) { service, actor in try service.broadcast(incident: id, text: text, by: actor) }
        }
    }

    struct IncidentJSON: Encodable {
        var id: Int64, title: String, terms: [String], state: String, startedAt: Int64, lastMemberAt: Int64, conversations: Int, open: Int
        var mergedInto: Int64?
        var members: [QueueRow]?
        init(_ i: Incident) {
            (id, title, terms, state, startedAt, lastMemberAt, conversations, open, mergedInto) =
                (i.id, i.title, i.terms, i.state.rawValue, i.startedAt, i.lastMemberAt, i.conversations, i.open, i.mergedInto)
        }
        enum CodingKeys: String, CodingKey {
            case id, title, terms, state, startedAt = "started_at", lastMemberAt = "last_member_at", conversations, open
            case mergedInto = "merged_into", members
        }
    }
}

/// One incident on a line: number, state, title, how many conversations (open), since when.
enum IncidentLine {
    static func format(_ incident: Incident, now: Int64) -> String {
        "incident \(incident.id) · \(incident.mergedInto.map { "merged into \($0)" } ?? incident.state.rawValue) · \(DisplayText(untrusted: incident.title).string) · "
            + "\(incident.conversations) conversation\(incident.conversations == 1 ? "" : "s") (\(incident.open) open) · "
            + "began \(Age.short(milliseconds: now - incident.startedAt)) ago, last \(Age.short(milliseconds: now - incident.lastMemberAt)) ago"
    }
}
