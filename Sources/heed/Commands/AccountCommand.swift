import ArgumentParser
import Foundation
import HeedCore

struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "The accounts heed hears and answers itself: list, check, add, login.",
        subcommands: [AccountList.self, AccountCheck.self, AccountAdd.self, AccountLogin.self], defaultSubcommand: AccountList.self)
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
        commandName: "add", abstract: "Connect an account: asks what its network needs, checks it, and adds it to the config.",
        discussion: """
            Asks for what is not given as an option (one answer a line when standard input is not a terminal), makes one \
            authenticated request with the secret, and only when the network answers adds the account to the config file (the \
            rest of the file left as written) and the secret to secrets.json beside it (readable by you only). Nothing is saved \
            when the check fails.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A name for the account (letters, digits, - and _), e.g. mastodon-help.")
    var name: String

    @Option(help: "mastodon, bluesky, discourse, feed, email, x, reddit, youtube or facebook.")
    var network: String?

    @Option(help: "The instance, service, forum or feed address.")
    var url: String?

    @Option(help: "Our account's name there.")
    var handle: String?

    @Option(help: "E-mail: the Maildir folder mbsync, fetchmail or offlineimap fill.")
    var maildir: String?

    @Option(help: "E-mail: the address our replies come from.")
    var from: String?

    @Flag(help: "Mastodon: hear mentions as they happen, by the streaming API.")
    var stream = false

    @Flag(help: "Read the secret from standard input (a line) without asking for it.")
    var secretStdin = false

    @Flag(help: "Add it without checking it with the network (when the network cannot be reached from here).")
    var noCheck = false

    func run() throws {
        try guardedAsync { [self] in
            let workspace = try global.workspace()
            // With no config yet, this account begins one where heed looks for it.
            let path = workspace.configPath ?? Workspace.defaultConfigPath()
            guard ConnectedAccount.isValidName(name), !name.isEmpty else {
                throw HeedError("\"\(name)\": an account's name is letters, digits, - and _ (it names its secret)", .refused)
            }
            guard workspace.config.connectedAccount(named: name) == nil else {
                throw HeedError("\(path) connects an account \"\(name)\" already: `heed account check \(name)`, or choose another name", .refused)
            }
            let prompter = Prompter()
            let all = ConnectedAccount.Network.allCases.map(\.rawValue).joined(separator: ", ")
            let network = try ConnectedAccount.Network(rawValue: network ?? prompter.ask("network (\(all))") {
                ConnectedAccount.Network(rawValue: $0) == nil ? "the networks heed connects to are \(all)" : nil
            }) ?? { throw HeedError("--network: the networks heed connects to are \(all)", .refused) }()
            prompter.say(AccountGuide.steps(for: network).joined(separator: "\n"))
            let given = ["url": url, "handle": handle, "maildir": maildir, "from": from]
            var fields: [(String, JSONValue)] = [("name", .string(name))]
            for question in AccountGuide.questions(for: network) {
                let answer: String
                if let value = given[question.field] ?? nil {
                    if let problem = question.problem(value) { throw HeedError("--\(question.field): \(problem)", .refused) }
                    answer = value
                } else {
                    answer = try prompter.ask(question.prompt, problem: question.problem)
                }
                fields.append((question.field, .string(answer)))
            }
            if stream {
                guard network == .mastodon else { throw HeedError("--stream: only Mastodon accounts stream", .refused) }
                fields.append(("stream", .bool(true)))
            }
            let channel = AccountGuide.channel(of: network)
            let original = workspace.configPath == nil ? "{}\n" : try String(contentsOfFile: path, encoding: .utf8)
            let (edited, config) = try ConfigEdit.addingAccount(JSONWriter.object(fields), channel: channel, to: original, file: path)
            guard let account = config.connectedAccount(named: name) else { throw HeedError("\(path): the account was not read back", .failed) }
            var secret: Secret?
            if account.needsSecret {
                let text = secretStdin ? (readLine(strippingNewline: true) ?? "") : try prompter.askSecret("the secret (kept in secrets.json, never in the config)")
                guard !text.isEmpty else { throw HeedError("no secret given", .refused) }
                secret = Secret(text)
            }
            // An OAuth account is checked once signed in to.
            if !noCheck && !account.signsIn {
                let secrets = Secrets(configPath: nil, environment: secret.map { [Secrets.variable(for: name): $0.reveal()] } ?? [:])
                switch await Connectors(config: config, secrets: secrets, clock: SystemClock()).check(account) {
                case .success(let line): print("\(name): ok, \(line)")
                case .failure(let error):
                    throw HeedError(error.message + "\nnothing was saved: run `heed account add` again once that is mended (or with --no-check)", error.kind)
                }
            }
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
            if let secret { try Secrets(configPath: path).store(secret, for: name) }
            try ConfigEdit.replace(path, with: edited)
            print("added \(name) to \(path) under accounts.\(channel)" + (secret == nil ? "" : ", its secret to secrets.json beside it")
                + (account.signsIn ? "; sign in to it with `heed account login \(name)`, then `heed run` hears it"
                    : "; `heed run` hears it (a running one once restarted)"))
            // A handle new to the config changes who counts as us: the cache takes that only when told.
            if let bound = ConfigBinding.peek(path: workspace.cachePath), bound.scoring.differences(from: workspace.config.scoring).isEmpty,
               !bound.scoring.differences(from: config.scoring).isEmpty {
                print("\(account.handle) is new to \(path) as one of ours: the cache \(workspace.cachePath) counts it so once the config is applied — "
                    + "`heed config apply \(path)` (scores every open conversation again)")
            }
        }
    }
}

/// Asks on the terminal (standard error, so that standard output stays the result); with
/// standard input not a terminal, takes one answer a line and stops at the first wrong one.
private struct Prompter {
    let interactive = isatty(STDIN_FILENO) == 1

    func say(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    func ask(_ question: String, problem: (String) -> String?) throws -> String {
        while true {
            FileHandle.standardError.write(Data((question + ": ").utf8))
            guard let line = readLine(strippingNewline: true) else { throw HeedError("no answer to \"\(question)\"", .refused) }
            let answer = line.trimmingCharacters(in: .whitespaces)
            guard let wrong = problem(answer) else { return answer }
            guard interactive else { throw HeedError("\(question): \(wrong)", .refused) }
            say(wrong)
        }
    }

    /// A secret is not echoed.
    func askSecret(_ question: String) throws -> String {
        FileHandle.standardError.write(Data((question + ": ").utf8))
        var saved = termios()
        let hidden = interactive && tcgetattr(STDIN_FILENO, &saved) == 0
        if hidden {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        defer {
            if hidden {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                say("")
            }
        }
        guard let line = readLine(strippingNewline: true) else { throw HeedError("no answer to \"\(question)\"", .refused) }
        return line.trimmingCharacters(in: .whitespaces)
    }
}
