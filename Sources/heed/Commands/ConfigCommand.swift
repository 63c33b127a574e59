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
            }
        }

        /// "1 rule", "3 canned replies".
        static func counted(_ n: Int, _ noun: String) -> String {
            let plural = noun.hasSuffix("y") && !noun.hasSuffix("ay") ? String(noun.dropLast()) + "ies" : noun + "s"
            return "\(n) \(n == 1 ? noun : plural)"
        }
    }
}
