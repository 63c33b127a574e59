import Foundation

/// Signing in to an OAuth network from a terminal (`heed account login`): the authorisation
/// code grant with PKCE. heed prints the page to open; the browser comes back to a loopback
/// address heed listens on, or — where the app's registered redirect is elsewhere, or the
/// browser is on another machine — the operator pastes the address it ended on (or the code).
/// The code and the verifier buy the tokens, kept in the secrets file.
public final class OAuthSignIn {
    public let account: ConnectedAccount
    let app: OAuthApp
    let pkce = PKCE()
    let state = PKCE.state()
    public let redirectURI: String
    private let loopback: LoopbackRedirect?

    /// With `paste`, no address is listened on: the code comes as pasted.
    public init(account: ConnectedAccount, secrets: Secrets, paste: Bool = false) throws {
        self.account = account
        app = try OAuthApp.of(account, secrets: secrets)
        if let registered = account.redirectURI {
            // The app's registered redirect: listened on when it is this machine's loopback.
            if !paste, let url = URLComponents(string: registered), url.scheme == "http", ["127.0.0.1", "localhost"].contains(url.host ?? "") {
                loopback = try LoopbackRedirect(port: url.port ?? 80, path: url.path.isEmpty ? "/" : url.path)
            } else {
                loopback = nil
            }
            redirectURI = registered
        } else if paste {
            throw HeedError("\(account.name): pasting the code needs the app's registered \"redirect_uri\" in the account's config", .config)
        } else {
            let listening = try LoopbackRedirect()
            loopback = listening
            redirectURI = listening.redirectURI
        }
    }

    /// The page to open in a browser.
    public var url: URL { app.authorization(redirectURI: redirectURI, state: state, pkce: pkce) }

    /// Whether the browser's return is listened for (else only a pasted code will do).
    public var listening: Bool { loopback != nil }

    /// The code, from the redirect or from a line on `input`: a pasted address (its `state`
    /// checked) or the bare code. A refusal on the network's page is thrown with its reason.
    public func code(timeout: Double = 600, input: Int32?) throws -> String {
        let query: [(String, String)]
        if let loopback {
            switch try loopback.wait(state: state, timeout: timeout, input: input) {
            case .redirect(let items): query = items
            case .pasted(let line): return try code(pasted: line)
            }
        } else {
            let deadline = Date().addingTimeInterval(timeout)
            while let input, Self.readable(input, until: deadline), let line = LoopbackRedirect.readLine(input) {
                if !line.isEmpty { return try code(pasted: line) }
            }
            throw HeedError("no code was pasted" + (Date() >= deadline ? " within \(Int(timeout)) s" : ""), .refused)
        }
        return try code(in: query)
    }

    func code(pasted line: String) throws -> String {
        guard line.contains("code=") || line.contains("error=") else { return line }
        let components = URLComponents(string: line) ?? URLComponents(string: "http://pasted/?" + line)
        let query = (components?.queryItems ?? []).map { ($0.name, $0.value ?? "") }
        if let said = query.first(where: { $0.0 == "state" })?.1, said != state {
            throw HeedError("the pasted address is from another sign-in (its state differs): open the page above again", .refused)
        }
        return try code(in: query)
    }

    private func code(in query: [(String, String)]) throws -> String {
        if let error = query.first(where: { $0.0 == "error" })?.1 {
            let description = query.first { $0.0 == "error_description" }?.1
            throw HeedError("\(account.name): the network refused the sign-in: \(error)" + (description.map { " (\($0))" } ?? ""), .notPermitted)
        }
        guard let code = query.first(where: { $0.0 == "code" })?.1, !code.isEmpty else {
            throw HeedError("\(account.name): the network came back without a code", .refused)
        }
        return code
    }

    /// Trades the code for tokens (RFC 6749 §4.1.3), stores them for the account, and says which
    /// scopes heed asked for were not granted.
    public func finish(code: String, secrets: Secrets, http: any HTTPClient = URLSessionHTTPClient(), clock: any Clock) async throws -> (tokens: OAuthTokens, missing: [String]) {
        let request = app.tokenRequest([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
                                        ("code_verifier", pkce.verifier)])
        let response = try await http.send(request)
        guard response.status == 200 else {
            let said = NetworkError.message(in: response).map { " (\($0))" } ?? ""
            throw HeedError("\(account.name): the network would not trade the code for a token: HTTP \(response.status)\(said)", .notPermitted)
        }
        return try await app.keep(try OAuthTokens.from(try response.json(), now: clock.now()), for: account, secrets: secrets, http: http, clock: clock)
    }

    private static func readable(_ fd: Int32, until deadline: Date) -> Bool {
        while deadline.timeIntervalSinceNow > 0 {
            var watched = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&watched, 1, Int32(min(deadline.timeIntervalSinceNow, 1) * 1000))
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return false }
        }
        return false
    }
}
