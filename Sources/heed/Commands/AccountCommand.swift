import ArgumentParser
import Foundation
import HeedCore

struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "The accounts heed hears and answers itself: list, check, add.",
        subcommands: [AccountList.self, AccountCheck.self, AccountAdd.self], defaultSubcommand: AccountList.self)
}

struct AccountList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Each connected account: its network, last poll, cursor, rate limit and last error.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            let report = try ServiceReport.read(try workspace.openCache(), config: workspace.config, cachePath: nil, now: SystemClock().now())
            if json { return try printJSON(report.accounts) }
            let lines = report.lines(now: SystemClock().now(), timeZone: workspace.config.timeZone)
            print(lines.dropFirst().dropLast().joined(separator: "\n"))
        }
    }
}

struct AccountCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "One authenticated request to each account's network (or the one named), saying exactly what is wrong.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The account's name (all of them when omitted).")
    var name: String?

    func run() throws {
        try guardedAsync {
            let workspace = try global.workspace()
            let config = workspace.config
            let accounts = try name.map { name in
                guard let account = config.connectedAccount(named: name) else {
                    throw HeedError("no connected account \"\(name)\"; the config has: "
                        + (config.connectedAccounts.map(\.name).joined(separator: ", ").isEmpty ? "none" : config.connectedAccounts.map(\.name).joined(separator: ", ")),
                        .refused)
                }
                return [account]
            } ?? config.connectedAccounts
            if accounts.isEmpty { throw HeedError("the config connects no accounts (see docs/channels.md)", .refused) }
            let connectors = Connectors(config: config, secrets: Secrets(configPath: workspace.configPath), clock: SystemClock())
            var worst: HeedError?
            for account in accounts {
                switch await connectors.check(account) {
                case .success(let line): print("\(account.name): ok, \(line)")
                case .failure(let error):
                    print("\(account.name): \(error.commandLineMessage)")
                    worst = worst ?? error
                }
            }
            if let worst { throw ExitCode(worst.exitCode) }
        }
    }
}

struct AccountAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Walk through connecting an account: what the network needs, its secret stored beside the config.",
        discussion: "Prints the entry to put under \"accounts\" in the config; the secret goes to secrets.json beside it (readable by you only).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A name for the account (letters, digits, - and _), e.g. mastodon-help.")
    var name: String

    @Option(help: "mastodon, bluesky, discourse, feed or email.")
    var network: String?

    @Option(help: "The instance, service, forum or feed address.")
    var url: String?

    @Option(help: "Our account's name there.")
    var handle: String?

    @Flag(help: "Read the secret from standard input (a line) instead of asking for it.")
    var secretStdin = false

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            guard workspace.configPath != nil else { throw HeedError("there is no config file yet: make one from config.example.json first", .config) }
            guard let network = ConnectedAccount.Network(rawValue: network ?? ask("network (mastodon, bluesky, discourse, feed, email)")) else {
                throw HeedError("the networks heed connects to are mastodon, bluesky, discourse, feed and email", .refused)
            }
            let guide = AccountGuide.steps(for: network)
            print(guide.joined(separator: "\n"))
            var fields: [(String, String)] = [("name", name)]
            if network != .email {
                fields.append(("url", url ?? ask(network == .feed ? "the feed's address" : "the \(network.rawValue) address (https://…)")))
            }
            if network != .feed { fields.append(("handle", handle ?? ask("our account's name there"))) }
            if network == .email {
                fields.append(("maildir", ask("the Maildir folder mbsync or fetchmail fill")))
                fields.append(("from", ask("the address our replies come from")))
            }
            if network != .feed && network != .email {
                let secret = secretStdin ? (readLine(strippingNewline: true) ?? "") : ask("the secret (it is stored in secrets.json, never in config.json)")
                guard !secret.isEmpty else { throw HeedError("no secret given", .refused) }
                try Secrets(configPath: workspace.configPath).store(Secret(secret), for: name)
            }
            let channel = ["mastodon": "mastodon", "bluesky": "bluesky", "discourse": "forum", "feed": "blog", "email": "email"][network.rawValue]!
            print("\nAdd this to \"accounts\" in \(workspace.configPath!) (under \"\(channel)\"), then `heed account check \(name)`:\n")
            print("  \"\(channel)\": [" + JSONWriter.object(fields.map { ($0.0, JSONValue.string($0.1)) }) + "]")
        }
    }

    private func ask(_ question: String) -> String {
        FileHandle.standardError.write(Data((question + ": ").utf8))
        return readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) ?? ""
    }
}
