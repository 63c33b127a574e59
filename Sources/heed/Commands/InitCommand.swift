import ArgumentParser
import HeedCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the cache (or upgrade an older one) and say which config is in use.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            _ = try workspace.openCache()
            print("cache:  \(workspace.cachePath)")
            print("config: \(workspace.configPath ?? "none found; using defaults (see config.example.json)")")
        }
    }
}
