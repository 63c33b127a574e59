import Foundation

/// Builds what talks to each connected account's network: its listener, its poster, its check.
/// The secret is read each time, so a fixed secret is taken up without restarting `heed run`.
public struct Connectors: Sendable {
    let config: Config
    let secrets: Secrets
    let http: any HTTPClient
    let clock: any Clock
    /// Bluesky sessions, kept between rounds.
    private let sessions = BlueskySessions()
    /// What connectors asked their network once (X: our user id), kept between rounds.
    private let memory = AccountMemory()

    public init(config: Config, secrets: Secrets, http: any HTTPClient = URLSessionHTTPClient(), clock: any Clock) {
        self.config = config
        self.secrets = secrets
        self.http = http
        self.clock = clock
    }

    func listener(for account: ConnectedAccount) throws -> any Listener {
        try connector(for: account)
    }

    func poster(for account: ConnectedAccount) throws -> any Poster {
        guard let poster = try connector(for: account) as? any Poster else {
            throw HeedError("\(account.name): a \(account.network.rawValue) account only listens; its channel needs a \"delivery\" adapter to answer", .config)
        }
        return poster
    }

    func checker(for account: ConnectedAccount) throws -> any AccountChecker {
        try connector(for: account)
    }

    private func connector(for account: ConnectedAccount) throws -> any Listener & AccountChecker {
        switch account.network {
        case .mastodon: Mastodon(account: account, token: try secrets.secret(for: account), http: http, clock: clock)
        case .bluesky: Bluesky(account: account, password: try secrets.secret(for: account), http: http, clock: clock, sessions: sessions)
        case .discourse: Discourse(account: account, key: try secrets.secret(for: account), http: http, clock: clock)
        case .feed: FeedListener(account: account, http: http, clock: clock)
        case .email: Email(account: account, clock: clock)
        case .x: X(account: account, session: try oauth(account), http: http, clock: clock, memory: memory)
        case .reddit: Reddit(account: account, session: try oauth(account), http: http, clock: clock)
        case .youtube: YouTube(account: account, session: try oauth(account), http: http, clock: clock, memory: memory)
        case .facebook: Facebook(account: account, session: try oauth(account), http: http, clock: clock, memory: memory)
        }
    }

    private func oauth(_ account: ConnectedAccount) throws -> OAuthSession {
        OAuthSession(account: account, app: try OAuthApp.of(account, secrets: secrets), secrets: secrets, http: http, clock: clock)
    }

    /// One authenticated request to `account`'s network, and what it said or what is wrong.
    public func check(_ account: ConnectedAccount) async -> Result<String, HeedError> {
        do {
            let said = try await checker(for: account).check()
            if account.signsIn, let granted = try secrets.tokens(for: account), case let missing = try OAuthApp.of(account, secrets: secrets).unmet(by: granted), !missing.isEmpty {
                return .failure(HeedError("\(said), but not granted \(missing.joined(separator: ", ")): heed cannot hear or answer without "
                    + (missing.count == 1 ? "it" : "them") + " — sign in again allowing all it asks: `heed account login \(account.name)`", .notPermitted))
            }
            return .success(said)
        } catch let error as HeedError {
            return .failure(error)
        } catch let error as NetworkError {
            switch error {
            case .unauthorized(let m): return .failure(HeedError("\(m): the network refused the secret (a wrong or revoked token, or a missing scope)", .notPermitted))
            case .refused(let m) where m.contains("HTTP 404"): return .failure(HeedError("\(m): is \"url\" the right address?", .config))
            default: return .failure(HeedError(error.description, .unreadable))
            }
        } catch {
            return .failure(HeedError("\(error)", .failed))
        }
    }
}
