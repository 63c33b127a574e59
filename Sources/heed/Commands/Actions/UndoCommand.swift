import ArgumentParser
import HeedCore

struct UndoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "undo", abstract: "Take back your latest action (from the event log).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    func run() throws {
        try runAction(global, options) { service, actor in try service.undo(by: actor) }
    }
}

struct RedoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "redo", abstract: "Do again the action you undid last.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    func run() throws {
        try runAction(global, options) { service, actor in try service.redo(by: actor) }
    }
}
