import ArgumentParser
import Foundation
import HeedCore

/// What every action command takes besides the conversation: who acts, the version seen, JSON.
struct ActionOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp("Act as this operator: for leads and whoever may change the config (else HEED_OPERATOR, else your own, whose unix_user is your login).",
                                                         valueName: "handle"))
    var actor: String?

    @Option(name: .customLong("if-version"), help: ArgumentHelp("Only if the conversation is still at this version (as `heed show --json` gives it).",
                                                                valueName: "n"))
    var version: Int?

    @Flag(help: "Print JSON.")
    var json = false

    /// For the commands that act on something other than a conversation's version.
    func refuseVersion() throws {
        if version != nil { throw ValidationError("--if-version is for actions on a conversation") }
    }
}

/// Runs one action: resolves the operator, opens the cache, does it, prints what it did.
func runAction(_ global: GlobalOptions, _ options: ActionOptions,
               _ body: (ActionService, Operator) throws -> ActionService.Outcome) throws {
    try guarded {
        let (service, actor) = try acting(global, options)
        let outcome = try body(service, actor)
        if options.json {
            try printJSON(OutcomeJSON(outcome))
        } else {
            print(outcome.summary)
        }
    }
}

/// The action service on the cache, and the operator acting (refused when heed does not know them).
func acting(_ global: GlobalOptions, _ options: ActionOptions) throws -> (ActionService, Operator) {
    let workspace = try global.workspace()
    let actor = try workspace.actingOperator(named: options.actor)
    return (ActionService(database: try workspace.openCache(), config: workspace.config, clock: SystemClock()), actor)
}

struct OutcomeJSON: Encodable {
    var conversation: Int64, kind: String, version: Int, event: Int64, summary: String

    init(_ outcome: ActionService.Outcome) {
        (conversation, kind, version, event, summary) = (outcome.conversationID, outcome.kind, outcome.version, outcome.eventID, outcome.summary)
    }
}
