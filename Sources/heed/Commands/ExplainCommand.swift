import ArgumentParser
import Foundation
import HeedCore

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Show why a conversation has its priority: every signal and its points.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The conversation's number (as `heed queue` lists it).")
    var id: Int64

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            let database = try workspace.openCache()
            let triager = Triager(config: workspace.config)
            let now = SystemClock().now()
            guard let explanation = try database.read({ db in try triager.explain(id, in: db, now: now) }) else {
                throw HeedError("no conversation \(id)", .badData, hint: .listConversations)
            }
            if json {
                try printJSON(ExplanationJSON(explanation))
                return
            }
            print("#\(id) · \(explanation.status.rawValue) · priority \(explanation.priority)")
            for reason in explanation.reasons {
                let points = reason.points == 0 ? "" : (reason.points > 0 ? "+" : "−") + String(format: "%g", (abs(reason.points) * 10).rounded() / 10)
                print("  \(DisplayWidth.fit(points, to: 6)) \(DisplayText(untrusted: reason.text).string)")
            }
            if let minutes = explanation.slaMinutes, let urgency = explanation.urgency {
                var line = "SLA: \(urgency.rawValue), \(minutes) min"
                if let since = explanation.waitingSince { line += ", waiting since \(RFC3339.string(fromMilliseconds: since))" }
                if explanation.dueAt != nil { line += ", " + Age.due(explanation.dueAt, now: now) }
                print(line)
            }
        }
    }

    struct ExplanationJSON: Encodable {
        var id: Int64, status: String, priority: Int, reasons: [Reason], urgency: String?, slaMinutes: Int?
        var waitingSince: Int64?, dueAt: Int64?, breached: Bool
        init(_ e: Explanation) {
            (id, status, priority, reasons, urgency, slaMinutes, waitingSince, dueAt, breached) =
                (e.conversationID, e.status.rawValue, e.priority, e.reasons, e.urgency?.rawValue, e.slaMinutes, e.waitingSince, e.dueAt, e.breached)
        }
        enum CodingKeys: String, CodingKey {
            case id, status, priority, reasons, urgency, slaMinutes = "sla_minutes", waitingSince = "waiting_since", dueAt = "due_at", breached
        }
    }
}
