import ArgumentParser
import Foundation
import HeedCore

struct AccountLogin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Sign in to an OAuth network's account (X, Reddit, YouTube, Facebook): opens nothing, prints the page to open.",
        discussion: """
            Prints the network's sign-in page for the account's app; once you say yes there, the browser comes back to heed on \
            127.0.0.1 (the app's "redirect_uri", or a free port) and the tokens go to secrets.json beside the config (readable \
            by you only). When the browser is on another machine, or the redirect is not this one's loopback, paste the address \
            it ended on (or the code) here instead. With --device (YouTube, Facebook), heed prints a code to type on any device's \
            browser instead, and waits. `heed run` renews the sign-in before it runs out.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The account's name in the config.")
    var name: String

    @Flag(help: "Listen for no redirect: take the address the browser ended on, or the code, from standard input.")
    var paste = false

    @Flag(help: "Sign in by a code typed in a browser on any device (where the network offers it: YouTube, Facebook).")
    var device = false

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
            let (tokens, missing) = device ? try await byCode(account, secrets: secrets) : try await byBrowser(account, secrets: secrets)
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

    /// The authorisation code with PKCE: the page printed, the redirect listened for or the code pasted.
    private func byBrowser(_ account: ConnectedAccount, secrets: Secrets) async throws -> (tokens: OAuthTokens, missing: [String]) {
        let signIn = try OAuthSignIn(account: account, secrets: secrets, paste: paste)
        print("Open this page, signed in to \(account.network.rawValue) as \(account.handle), and allow heed:\n\n  \(signIn.url.absoluteString)\n")
        print(signIn.listening ? "Waiting for the browser to come back to \(signIn.redirectURI) — or paste the address it ended on here:"
              : "Then paste the address the browser ended on (or the code) here:")
        fflush(nil)
        let code = try signIn.code(timeout: timeout, input: STDIN_FILENO)
        return try await signIn.finish(code: code, secrets: secrets, clock: SystemClock())
    }

    /// A code typed on another device: printed, then waited for.
    private func byCode(_ account: ConnectedAccount, secrets: Secrets) async throws -> (tokens: OAuthTokens, missing: [String]) {
        if paste { throw ValidationError("--paste and --device are two ways of signing in: choose one") }
        let signIn = try OAuthDeviceSignIn(account: account, secrets: secrets)
        let clock = SystemClock()
        var prompt = try await signIn.start(clock: clock)
        prompt.expiresAt = min(prompt.expiresAt, clock.now() + Int64(timeout * 1000))
        print("On any device, open \(DisplayText(untrusted: prompt.page)) signed in to \(account.network.rawValue) as \(account.handle), "
            + "and type the code:\n\n  \(DisplayText(untrusted: prompt.userCode))\n")
        if let direct = prompt.pageWithCode { print("(or open \(DisplayText(untrusted: direct)))") }
        print("Waiting for you to allow heed there, until \(RFC3339.string(fromMilliseconds: prompt.expiresAt))…")
        fflush(nil)
        return try await signIn.finish(prompt, secrets: secrets, clock: clock)
    }
}
