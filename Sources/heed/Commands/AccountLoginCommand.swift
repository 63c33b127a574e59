import ArgumentParser
import Foundation
import HeedCore

struct AccountLogin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Sign in to an OAuth network's account (X, Reddit, YouTube): opens nothing, prints the page to open.",
        discussion: """
            Prints the network's sign-in page for the account's app; once you say yes there, the browser comes back to heed on \
            127.0.0.1 (the app's "redirect_uri", or a free port) and the tokens go to secrets.json beside the config (readable \
            by you only). When the browser is on another machine, or the redirect is not this one's loopback, paste the address \
            it ended on (or the code) here instead. `heed run` renews the sign-in before it runs out.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The account's name in the config.")
    var name: String

    @Flag(help: "Listen for no redirect: take the address the browser ended on, or the code, from standard input.")
    var paste = false

    @Option(help: "How long to wait for the sign-in, in seconds.")
    var timeout: Double = 600

    func run() throws {
        try guardedAsync { [self] in
            let workspace = try global.workspace()
            guard let account = workspace.config.connectedAccount(named: name) else {
                throw HeedError("no connected account \"\(name)\" in \(workspace.configPath ?? "the config")", .refused)
            }
            guard account.signsIn else {
                throw HeedError("\(name) is a \(account.network.rawValue) account: it takes a secret, not a sign-in (`heed account check \(name)`)", .refused)
            }
            let secrets = Secrets(configPath: workspace.configPath)
            let signIn = try OAuthSignIn(account: account, secrets: secrets, paste: paste)
            print("Open this page, signed in to \(account.network.rawValue) as \(account.handle), and allow heed:\n\n  \(signIn.url.absoluteString)\n")
            print(signIn.listening ? "Waiting for the browser to come back to \(signIn.redirectURI) — or paste the address it ended on here:"
                  : "Then paste the address the browser ended on (or the code) here:")
            fflush(nil)
            let code = try signIn.code(timeout: timeout, input: STDIN_FILENO)
            let (tokens, missing) = try await signIn.finish(code: code, secrets: secrets, clock: SystemClock())
            var line = "\(name): signed in; the tokens are in \(secrets.path ?? "secrets.json")"
            if let expires = tokens.expiresAt {
                line += tokens.refresh == nil ? " (they run out \(RFC3339.string(fromMilliseconds: expires)) and cannot be renewed: sign in again then)"
                    : " (renewed by heed before they run out)"
            }
            print(line)
            if !missing.isEmpty { print("\(name): not granted: \(missing.joined(separator: ", ")) — heed needs them to hear and answer") }
            switch await Connectors(config: workspace.config, secrets: secrets, clock: SystemClock()).check(account) {
            case .success(let said): print("\(name): ok, \(said)")
            case .failure(let error): throw error
            }
        }
    }
}
