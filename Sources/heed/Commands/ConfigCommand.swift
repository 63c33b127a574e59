import ArgumentParser
import Foundation
import HeedCore

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with the config file.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check the config: every problem with its line and JSON path; exit 0 when valid, 78 when not.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try guarded {
                let (config, path) = try Workspace.loadConfig(flag: global.config, environment: ProcessInfo.processInfo.environment)
                guard let path else {
                    print("no config file found; heed uses its defaults (see config.example.json)")
                    return
                }
                print("\(path): ok — \(config.operators.count) operator(s), \(config.teams.count) team(s), "
                    + "\(config.rules.count) rule(s), \(config.cannedReplies.count) canned repl(ies), \(config.views.count) view(s)")
            }
        }
    }
}
