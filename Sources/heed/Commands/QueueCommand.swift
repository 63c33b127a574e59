import ArgumentParser
import Foundation
import HeedCore

struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "List open conversations in queue order, one a line; or those a search finds.",
        discussion: "QUERY is heed's search language (see the README): words, \"phrases\", from: channel: tag: -tag: is: priority: age: due: followers: sentiment: kind: assignee: lang: incident: and OR.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many conversations to list.")
    var limit = 50

    @Flag(help: "Print JSON objects with every field.")
    var json = false

    @Option(help: "Cut lines to this many columns (default: the terminal's; whole lines into a pipe or a file).")
    var width: Int?

    @Option(help: "Count at most this many beyond the page (0: count them all; on millions of open conversations that takes seconds).")
    var countAtMost = 10_000

    @Option(help: ArgumentHelp("Read this PostgreSQL copy (heed store migrate --to) as it was last written there, not the cache.", valueName: "url"))
    var store: String?

    @Argument(parsing: .allUnrecognized, help: "A search, e.g. tag:billing -is:breached \"charged twice\" (terms may be given as separate arguments).")
    var query: [String] = []

    func validate() throws {
        if countAtMost < 0 { throw ValidationError("--count-at-most must be 0 (count them all) or more") }
    }

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            let now = SystemClock().now()
            let text = query.joined(separator: " ")
            let beyond = countAtMost > 0 ? countAtMost : nil
            let page: QueuePage, place: String
            do {
                let search = try Query.parse(text)
                if let store {
                    let location = try PostgresLocation(url: store)
                    page = try QueuePage.search(location, search, now: now, me: workspace.currentOperator(), limit: limit, countBeyond: beyond,
                                                quietMinutes: workspace.config.triage.incidents.quietMinutes, suggesting: text)
                    place = "\(location)"
                } else {
                    let database = try workspace.openCache()
                    // The clock's part of each priority moves on while nobody imports: bring it up to now,
                    // with the conversations whose snooze ran out back in the queue.
                    try Triager(config: workspace.config).catchUp(database, now: now)
                    page = try QueuePage.search(database, search, now: now, me: workspace.currentOperator(), limit: limit, countBeyond: beyond,
                                                quietMinutes: workspace.config.triage.incidents.quietMinutes, suggesting: text)
                    place = workspace.cachePath + Self.demoHint(workspace)
                }
            } catch let error as QueryError {
                throw HeedError("bad query:\n" + error.explained(DisplayText(untrusted: text).string), .refused)
            }
            let (rows, incidents, found) = (page.rows, page.incidents, page.found)
            if json {
                try printJSON(rows)
                return
            }
            if rows.isEmpty {
                print(text.isEmpty ? "nothing open in \(place)" : "nothing matches \(DisplayText(untrusted: text))"
                      + (page.suggestion.map { " — did you mean \"\(DisplayText(untrusted: $0))\"?" } ?? ""))
                return
            }
            let (width, idWidth) = (outputWidth(self.width), QueueLine.idWidth(rows))
            // An incident's members stand together, under it, where the most urgent of them is.
            for entry in QueueEntry.grouped(rows) {
                switch entry {
                case .conversation(let row):
                    print(QueueLine.format(row, now: now, width: width, idWidth: idWidth))
                case .incident(let id, let members):
                    if let incident = incidents[id] { print(IncidentLine.format(incident, now: now)) }
                    for row in members { print("  " + QueueLine.format(row, now: now, width: width.map { $0 - 2 }, idWidth: idWidth)) }
                    if let open = incidents[id]?.open, open > members.count {
                        print("  … \(open - members.count) more open in it (heed incident show \(id))")
                    }
                }
            }
            if countAtMost > 0 && found > rows.count + countAtMost {
                print("… over \(countAtMost) more (--count-at-most 0 counts them all)")
            } else if found > rows.count {
                print("… \(found - rows.count) more (--limit \(found) shows them all)")
            }
        }
    }

    /// Where the demo is, when this cache is the usual empty one and the demo's is beside it.
    static func demoHint(_ workspace: Workspace) -> String {
        let demo = DemoCache.defaultPath()
        guard demo != workspace.cachePath, FileManager.default.fileExists(atPath: demo) else { return "" }
        return "; the demo is in \(demo): heed queue --cache \(demo)"
    }
}
