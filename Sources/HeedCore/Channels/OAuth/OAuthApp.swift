import Foundation

/// The app an OAuth network knows heed by, and where it signs in: the authorisation page, the
/// token endpoint, the least scopes that read mentions and reply. The app is the team's own,
/// registered with the network; its client id is in the account's config (`client_id`), not a
/// secret: heed is a public client and proves itself with PKCE instead. Google still asks a
/// desktop app for its client secret at the token endpoint (it says the secret is not one there);
/// heed keeps it with the secrets all the same.
struct OAuthApp: Sendable {
    var authorizeURL: URL
    var tokenURL: URL
    var scopes: [String]
    var clientID: String
    var clientSecret: Secret?
    /// Reddit takes the client id as HTTP Basic credentials (with an empty password) at its token
    /// endpoint; X takes it in the form.
    var clientInBasicAuth = false
    /// More to ask for on the authorisation page (Reddit: a permanent grant, to be renewed).
    var authorizeExtras: [(String, String)] = []
    /// Signing in by a code typed on another device (RFC 8628), where the network offers it.
    var device: Device?

    struct Device: Sendable {
        var codeURL: URL
        /// The scopes that flow may ask for (Google allows it fewer than the browser's).
        var scopes: [String]
        /// Facebook's own flow, which came before RFC 8628 and is like it: heed asks this address
        /// whether the code was typed (not the token endpoint), names the app by its id and client
        /// token rather than its client id and secret, and is told to wait by error subcodes.
        var statusURL: URL?
    }

    /// The app of `account`'s network. With the account's `url` (a test, or a network's proxy),
    /// the sign-in endpoints are at that address too.
    static func of(_ account: ConnectedAccount, secrets: Secrets) throws -> OAuthApp {
        guard let clientID = account.clientID, !clientID.isEmpty else {
            throw HeedError("\(account.name): a \(account.network.rawValue) account needs \"client_id\", the id of the team's app there "
                + "(docs/channels.md says where to find it)", .config)
        }
        func at(_ base: String, _ path: String) -> URL { URL(string: (account.url?.absoluteString ?? base).trimmingSuffix("/") + path)! }
        switch account.network {
        case .x:
            return OAuthApp(authorizeURL: at("https://x.com", "/i/oauth2/authorize"), tokenURL: at("https://api.x.com", "/2/oauth2/token"),
                            scopes: ["tweet.read", "users.read", "tweet.write", "offline.access"], clientID: clientID)
        case .reddit:
            return OAuthApp(authorizeURL: at("https://www.reddit.com", "/api/v1/authorize"), tokenURL: at("https://www.reddit.com", "/api/v1/access_token"),
                            scopes: ["identity", "privatemessages", "read", "submit"], clientID: clientID, clientInBasicAuth: true,
                            authorizeExtras: [("duration", "permanent")])
        case .youtube:
            let secret = try credential("client_secret", account, secrets, "Google asks for the app's client secret too")
            return OAuthApp(authorizeURL: at("https://accounts.google.com", "/o/oauth2/v2/auth"), tokenURL: at("https://oauth2.googleapis.com", "/token"),
                            scopes: ["https://www.googleapis.com/auth/youtube.force-ssl"], clientID: clientID, clientSecret: secret,
                            authorizeExtras: [("access_type", "offline"), ("prompt", "consent")],
                            device: Device(codeURL: at("https://oauth2.googleapis.com", "/device/code"), scopes: ["https://www.googleapis.com/auth/youtube"]))
        case .facebook:
            let pages = ["pages_show_list", "pages_read_engagement", "pages_read_user_content", "pages_manage_engagement"]
            return OAuthApp(authorizeURL: at("https://www.facebook.com", "/\(Facebook.version)/dialog/oauth"),
                            tokenURL: at("https://graph.facebook.com", "/\(Facebook.version)/oauth/access_token"),
                            scopes: pages, clientID: clientID,
                            clientSecret: try credential("client_secret", account, secrets, "Facebook signs every call with the app's secret"),
                            device: Device(codeURL: at("https://graph.facebook.com", "/\(Facebook.version)/device/login"),
                                           scopes: pages,
                                           statusURL: at("https://graph.facebook.com", "/\(Facebook.version)/device/login_status")))
        default:
            throw HeedError("\(account.name): a \(account.network.rawValue) account does not sign in with OAuth", .refused)
        }
    }

    /// The app's `credential` from the secrets, or an error that says why it is needed and where it goes.
    static func credential(_ credential: String, _ account: ConnectedAccount, _ secrets: Secrets, _ why: String) throws -> Secret {
        guard let secret = try secrets.client(credential, for: account) else {
            throw HeedError("\(account.name): \(why): put it in \(secrets.path ?? "secrets.json") as "
                + "{\"\(account.name).\(credential)\": \"…\"} (readable by you only), or set \(Secrets.variable(for: account.name))_\(credential.uppercased())", .config)
        }
        return secret
    }

    /// The page the operator opens to say yes (RFC 6749 §4.1.1 with RFC 7636's challenge).
    func authorization(redirectURI: String, state: String, pkce: PKCE) -> URL {
        var components = URLComponents(url: authorizeURL, resolvingAgainstBaseURL: false)!
        components.percentEncodedQuery = Self.form([
            ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI), ("scope", scopes.joined(separator: " ")),
            ("state", state), ("code_challenge", pkce.challenge), ("code_challenge_method", "S256"),
        ] + authorizeExtras)
        return components.url!
    }

    /// A request to the token endpoint with `parameters` (the grant), the client identified as the
    /// network wants it.
    func tokenRequest(_ parameters: [(String, String)]) -> HTTPRequest { request(to: tokenURL, parameters) }

    /// A form posted to one of the network's sign-in endpoints, the client identified as it wants;
    /// with `clientToken`, as Facebook's sign-in by a code wants it (`access_token=APP_ID|TOKEN`).
    func request(to url: URL, _ parameters: [(String, String)], clientToken: Secret? = nil) -> HTTPRequest {
        var headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        var form = parameters
        if let clientToken {
            form.insert(("access_token", clientID + "|" + clientToken.reveal()), at: 0)
        } else if clientInBasicAuth {
            headers.append(("Authorization", "Basic " + Data((clientID + ":").utf8).base64EncodedString()))
        } else {
            form.append(("client_id", clientID))
            if let clientSecret { form.append(("client_secret", clientSecret.reveal())) }
        }
        return HTTPRequest("POST", url, headers: headers, body: Data(Self.form(form).utf8))
    }

    /// Keeps what a sign-in gave for `account` (for Facebook, the page's token traded for the
    /// person's) and says which scopes heed asked for were not granted.
    func keep(_ tokens: OAuthTokens, for account: ConnectedAccount, secrets: Secrets, http: any HTTPClient, clock: any Clock) async throws
        -> (tokens: OAuthTokens, missing: [String]) {
        let kept = account.network == .facebook ? try await FacebookPageToken.of(tokens, account: account, app: self, http: http, clock: clock) : tokens
        try secrets.store(kept, for: account.name)
        return (kept, unmet(by: kept))
    }

    /// The scopes heed needs that `tokens` were not granted. A grant by a code typed elsewhere
    /// holds the scopes that flow allows, which stand for those the browser asks for.
    func unmet(by tokens: OAuthTokens) -> [String] {
        let missing = tokens.missing(scopes)
        if let device, !missing.isEmpty, tokens.missing(device.scopes).isEmpty { return [] }
        return missing
    }

    /// `application/x-www-form-urlencoded`: everything but RFC 3986's unreserved characters escaped.
    static func form(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
