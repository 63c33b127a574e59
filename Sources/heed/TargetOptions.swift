import ArgumentParser
import Foundation
import HeedCore

/// Besides conversations by number: everything a search finds, or an incident's members.
struct TargetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Every conversation this search finds (heed's query language, as `heed queue` takes it).", valueName: "query"))
    var query: String?

    @Option(help: ArgumentHelp("Every conversation of this incident (`heed incident list`).", valueName: "id"))
    var incident: Int64?

    /// What `ids` and these options pick; exactly one way of picking.
    func selection(_ ids: [Int64]) throws -> ActionSelection {
        let ways = [!ids.isEmpty, query != nil, incident != nil].filter { $0 }.count
        guard ways == 1 else {
            throw ValidationError(ways == 0 ? "name the conversations: their numbers, --query QUERY or --incident ID"
                                            : "name the conversations one way: numbers, --query or --incident")
        }
        if let incident { return .incident(incident) }
        if let query {
            do {
                return .search(try Query.parse(query))
            } catch let error as QueryError {
                throw ValidationError("bad --query:\n" + error.explained(query))
            }
        }
        return .conversations(ids)
    }
}

/// Runs one action on the conversations picked: on one conversation as `runAction` does
/// (with `--if-version`); on several, each at the version it had when picked, then one line
/// for all (or JSON) and the exit status of the first that failed (1 when none was
/// changed).
func runActions(_ global: GlobalOptions, _ options: ActionOptions, _ targets: TargetOptions, ids: [Int64], kind: EventKind,
                _ act: @escaping (ActionService, Operator, Int64, Int?) throws -> ActionService.Outcome) throws {
    let selection = try targets.selection(ids)
    if case .conversations(let ids) = selection, ids.count == 1 {
        return try runAction(global, options) { service, actor in try act(service, actor, ids[0], options.version) }
    }
    if options.version != nil { throw ValidationError("--if-version is for one conversation") }
    try guarded {
        let (service, actor) = try acting(global, options)
        let picked = try service.targets(selection, by: actor)
        if picked.isEmpty { throw HeedError("nothing to do: no conversation is picked", .unchanged) }
        let outcome = service.each(picked, kind: kind, by: actor) { id, version in try act(service, actor, id, version) }
        if options.json {
            try printJSON(ManyJSON(outcome))
        } else {
            print(outcome.summary)
        }
        if let failure = outcome.failures.first { throw ExitCode(ExitStatus.of(failure.kind)) }
        if outcome.done.isEmpty { throw ExitCode(ExitStatus.nothingToChange) }
    }
}

struct ManyJSON: Encodable {
    var kind: String, done: [OutcomeJSON], unchanged: [Int64], failures: [FailureJSON], summary: String
    struct FailureJSON: Encodable { var conversation: Int64, message: String, exit: Int32 }
    init(_ outcome: ActionService.ManyOutcome) {
        (kind, unchanged, summary) = (outcome.kind.rawValue, outcome.unchanged, outcome.summary)
        done = outcome.done.map(OutcomeJSON.init)
        failures = outcome.failures.map { FailureJSON(conversation: $0.conversationID, message: $0.message, exit: ExitStatus.of($0.kind)) }
    }
}
