import Foundation

/// Signing in with a code typed on another device (RFC 8628), for a terminal with no browser
/// beside it and no redirect to come back to: heed asks the network for a code, prints where to
/// type it, and asks the token endpoint at the pace the network sets until the operator has said
/// yes or no there, or the code runs out. Only networks that offer it: Google (for YouTube), and
/// Facebook in its own dialect of the same flow.
public final class OAuthDeviceSignIn {
    public let account: ConnectedAccount
    let app: OAuthApp
    let device: OAuthApp.Device
    /// Facebook names the app as `APP_ID|CLIENT_TOKEN` in this flow.
    private let clientToken: Secret?

    /// What the operator is shown: the page and the code to type there.
    public struct Prompt: Sendable, Equatable {
        public var page: String
        public var userCode: String
        /// The page with the code in it, where the network gives one.
        public var pageWithCode: String?
        let deviceCode: String
        /// Unix milliseconds when the code runs out.
        public var expiresAt: Int64
        /// Seconds between two asks, as the network wants.
        var interval: Double
    }

    public init(account: ConnectedAccount, secrets: Secrets) throws {
        self.account = account
        app = try OAuthApp.of(account, secrets: secrets)
        guard let device = app.device else {
            throw HeedError("\(account.name): \(account.network.rawValue) offers no sign-in by a code typed elsewhere; "
                + "use `heed account login \(account.name) --paste` from a terminal without a browser", .refused)
        }
        self.device = device
        clientToken = device.statusURL == nil ? nil
            : try OAuthApp.credential("client_token", account, secrets, "Facebook's sign-in by a code names the app by its client token "
                + "(the app's Settings › Advanced › Client token)")
    }

    /// RFC 8628's name for what the network said instead of a token: Google says it as the RFC
    /// does; Facebook by an error subcode.
    static func said(_ answer: JSONNode?) -> String? {
        if let error = answer?["error"]?.string { return error }
        switch answer?["error"]?["error_subcode"]?.int {
        case 1_349_174: return "authorization_pending"
        case 1_349_172: return "slow_down"
        case 1_349_152: return "expired_token"
        default: return nil
        }
    }

    /// Asks the network for a code (RFC 8628 §3.1–3.2).
    public func start(http: any HTTPClient = URLSessionHTTPClient(), clock: any Clock) async throws -> Prompt {
        let scopes = device.scopes.joined(separator: clientToken == nil ? " " : ",")
        let response = try await http.send(app.request(to: device.codeURL, [("scope", scopes)], clientToken: clientToken))
        guard response.status == 200 else {
            throw HeedError("\(account.name): the network gave no code: HTTP \(response.status)" + (NetworkError.message(in: response).map { " (\($0))" } ?? ""),
                            .notPermitted)
        }
        let answer = try response.json()
        // Google names the page `verification_url`, the RFC `verification_uri`; Facebook the device code `code`.
        guard let deviceCode = answer["device_code"]?.string ?? answer["code"]?.string, let userCode = answer["user_code"]?.string,
              let page = answer["verification_uri"]?.string ?? answer["verification_url"]?.string else {
            throw HeedError("\(account.name): the network's answer lacks the device's code, user_code or the page to type it on", .badData)
        }
        let lifetime = answer["expires_in"]?.double ?? 600
        return Prompt(page: page, userCode: userCode, pageWithCode: answer["verification_uri_complete"]?.string, deviceCode: deviceCode,
                      expiresAt: clock.now() + Int64(lifetime * 1000), interval: max(1, answer["interval"]?.double ?? 5))
    }

    /// Asks the token endpoint until the operator has answered (RFC 8628 §3.4–3.5): pending
    /// waits the interval, `slow_down` five seconds more each time, a refusal or a code run out
    /// ends it. The tokens are kept for the account; the scopes asked for and not granted said.
    public func finish(_ prompt: Prompt, secrets: Secrets, http: any HTTPClient = URLSessionHTTPClient(), clock: any Clock,
                       sleep: @Sendable (Double) async -> Void = { try? await Task.sleep(nanoseconds: UInt64($0 * 1e9)) }) async throws
        -> (tokens: OAuthTokens, missing: [String]) {
        var interval = prompt.interval
        while true {
            await sleep(interval)
            guard clock.now() < prompt.expiresAt else {
                throw HeedError("\(account.name): the code \(prompt.userCode) ran out before it was typed: sign in again", .refused)
            }
            let asked = device.statusURL.map { app.request(to: $0, [("code", prompt.deviceCode)], clientToken: clientToken) }
                ?? app.request(to: app.tokenURL, [("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", prompt.deviceCode)])
            let response = try await http.send(asked)
            if response.status == 200 {
                return try await app.keep(try OAuthTokens.from(try response.json(), now: clock.now()), for: account, secrets: secrets, http: http, clock: clock)
            }
            switch Self.said(try? response.json()) {
            case "authorization_pending": continue
            case "slow_down": interval += 5
            case "access_denied":
                throw HeedError("\(account.name): the sign-in was refused on the network's page", .notPermitted)
            case "expired_token":
                throw HeedError("\(account.name): the code \(prompt.userCode) ran out before it was typed: sign in again", .refused)
            default:
                throw HeedError("\(account.name): the network would not give a token: HTTP \(response.status)"
                    + (NetworkError.message(in: response).map { " (\($0))" } ?? ""), .notPermitted)
            }
        }
    }
}
