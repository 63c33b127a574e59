import ArgumentParser
import HeedCore

// The actions on no one conversation: undo, redo, next.

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

struct NextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next", abstract: "Take the most urgent open conversation nobody holds: it is assigned to you.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ActionOptions

    func run() throws {
        try runAction(global, options) { service, actor in try service.next(by: actor) }
    }
}
