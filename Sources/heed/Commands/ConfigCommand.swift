import ArgumentParser
import Foundation
import HeedCore

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with the config file.", subcommands: [Check.self, Apply.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check the config: every problem with its line and JSON path; exit 0 when valid, 78 when not.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The file to check (else --config, HEED_CONFIG or the usual place).")
        var file: String?

        func run() throws {
            try guarded {
                let (config, path) = try Workspace.loadConfig(flag: file ?? global.config, environment: ProcessInfo.processInfo.environment)
                guard let path else {
                    print("no config file found; heed uses its defaults (see config.example.json)")
                    return
                }
                let counts = [(config.operators.count, "operator"), (config.teams.count, "team"), (config.rules.count, "rule"),
                              (config.cannedReplies.count, "canned reply"), (config.views.count, "view"), (config.connectedAccounts.count, "connected account")]
                print("\(path): ok — " + counts.map { Self.counted($0.0, $0.1) }.joined(separator: ", "))
                // Whether the cache it names would take it.
                let workspace = try Workspace.resolve(configFlag: path, cacheFlag: global.cache)
                guard let bound = ConfigBinding.peek(path: workspace.cachePath) else { return }
                let differs = bound.scoring.differences(from: config.scoring)
                print(differs.isEmpty ? "the cache \(workspace.cachePath) is scored by this config"
                    : "the cache \(workspace.cachePath) is scored by another config (\(differs.joined(separator: ", ")) differ): "
                        + "`heed config apply \(workspace.configSource)` makes this one the cache's")
            }
        }

        /// "1 rule", "3 canned replies".
        static func counted(_ n: Int, _ noun: String) -> String {
            let plural = noun.hasSuffix("y") && !noun.hasSuffix("ay") ? String(noun.dropLast()) + "ies" : noun + "s"
            return "\(n) \(n == 1 ? noun : plural)"
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply",
            abstract: "Make a config the cache's: every open conversation is scored again with it (logged); "
                + "from then on a process with a config that scores differently is refused.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The config file (else --config, HEED_CONFIG or the usual place).")
        var file: String?

        func run() throws {
            try guarded {
                let workspace = try Workspace.resolve(configFlag: file ?? global.config, cacheFlag: global.cache)
                try workspace.administer("bind the cache to a config")
                let database = try AppDatabase.open(path: workspace.cachePath)
                try workspace.refuseOwnCopy(of: try database.read(ConfigBinding.read))
                let actor = workspace.person()
                let (previous, rescored) = try ConfigBinding.apply(database, config: workspace.config, source: workspace.configSource,
                                                                   by: actor, now: SystemClock().now())
                let before = previous.map { $0.source == workspace.configSource ? "" : " (it was \($0.source))" } ?? ""
                print("the cache \(workspace.cachePath) is scored by \(workspace.configSource)\(before): "
                    + "\(rescored) open conversation\(rescored == 1 ? "" : "s") scored again")
            }
        }
    }
}
