import ArgumentParser
import Foundation
import HeedCore
import Logging

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Hear and answer the connected accounts, deliver due posts, keep the SLA clock — until SIGTERM or SIGINT.",
        discussion: "One per cache. Logs one line per event on standard error (logfmt, or JSON lines with --log-format json).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "logfmt or json.")
    var logFormat: LineLogHandler.Format = .logfmt

    @Option(help: "trace, debug, info, notice, warning, error or critical (customer text is logged at debug only).")
    var logLevel: Logger.Level = .info

    @Flag(help: "Print a systemd unit that runs it, and exit.")
    var unit = false

    func run() throws {
        try guardedAsync {
            let workspace = try global.workspace()
            if unit {
                print(RunUnit.text(heed: RunUnit.executable, workspace: workspace))
                return
            }
            // Its reads are small and few at a time: two connections for them, not GRDB's five.
            let database = try workspace.openCache(readers: 2)
            let clock = SystemClock()
            let (format, level) = (logFormat, logLevel)
            let logger = Logger(label: "heed") { LineLogHandler(label: $0, format: format, level: level) }
            let connectors = Connectors(config: workspace.config, secrets: Secrets(configPath: workspace.configPath), clock: clock)
            try await RunService(database: database, config: workspace.config, cachePath: workspace.cachePath, connectors: connectors,
                                 clock: clock, logger: logger).run()
        }
    }
}

extension LineLogHandler.Format: ExpressibleByArgument {}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// The systemd unit `heed run --unit` prints.
enum RunUnit {
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static func text(heed: String, workspace: Workspace) -> String {
        let cacheFolder = URL(fileURLWithPath: workspace.cachePath).deletingLastPathComponent().path
        var arguments = [heed, "run", "--cache", workspace.cachePath]
        if let config = workspace.configPath { arguments += ["--config", config] }
        let writable = ([cacheFolder] + workspace.config.connectedAccounts.compactMap(\.maildir) + [workspace.config.watchFolder].compactMap { $0 })
        return """
            # heed run for \(workspace.cachePath)
            # Save as ~/.config/systemd/user/heed-run.service, then: systemctl --user enable --now heed-run
            [Unit]
            Description=heed: hear and answer the connected accounts, deliver posts, keep the SLA clock
            After=network-online.target
            Wants=network-online.target

            [Service]
            ExecStart=\(arguments.map(quoted).joined(separator: " "))
            Restart=on-failure
            RestartSec=5
            KillSignal=SIGTERM
            TimeoutStopSec=40
            UMask=0007
            NoNewPrivileges=yes
            PrivateTmp=yes
            ProtectSystem=strict
            ReadWritePaths=\(Set(writable).sorted().map(quoted).joined(separator: " "))

            [Install]
            WantedBy=default.target
            """
    }

    /// A word of ExecStart, quoted as systemd reads it when it needs to be.
    private static func quoted(_ word: String) -> String {
        word.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" }) ? "\"" + word.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"") + "\"" : word
    }
}
