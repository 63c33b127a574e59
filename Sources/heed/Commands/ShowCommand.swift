import ArgumentParser
import Foundation
import HeedCore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one conversation with all its mentions.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The conversation's number (as `heed queue` lists it).")
    var id: Int64

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            let database = try workspace.openCache()
            guard let detail = try database.read({ db in try ConversationDetail.fetch(db, id: id) }) else {
                throw HeedError("no conversation \(id)", .badData, hint: .listConversations)
            }
            if json {
                try printJSON(detail)
                return
            }
            let now = SystemClock().now()
            let zone = workspace.config.timeZone(for: workspace.currentOperator())
            let delivering = try database.read { db in
                !(try ServiceReport.alerts(db, config: workspace.config, cache: workspace.cachePath, now: now).notSending)
            }
            print(ConversationText.render(detail, timeZone: zone, now: now, delivering: delivering), terminator: "")
        }
    }
}
