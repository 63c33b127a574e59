import Foundation

/// Builds what talks to each connected account's network: its listener, its poster, its check.
/// The secret is read each time, so a fixed secret is taken up without restarting `heed run`.
public struct Connectors: Sendable {
    let config: Config
    let secrets: Secrets
    let http: any HTTPClient
    let clock: any Clock

    public init(config: Config, secrets: Secrets, http: any HTTPClient = URLSessionHTTPClient(), clock: any Clock) {
        self.config = config
        self.secrets = secrets
        self.http = http
        self.clock = clock
    }

    func listener(for account: ConnectedAccount) throws -> any Listener {
        switch account.network {
        case .mastodon: return Mastodon(account: account, token: try secrets.secret(for: account), http: http, clock: clock)
        default: throw HeedError("\(account.name): heed does not listen to \(account.network.rawValue) yet", .config)
        }
    }

    func poster(for account: ConnectedAccount) throws -> any Poster {
        switch account.network {
        case .mastodon: return Mastodon(account: account, token: try secrets.secret(for: account), http: http, clock: clock)
        default: throw HeedError("\(account.name): heed does not post to \(account.network.rawValue) yet", .config)
        }
    }

    func checker(for account: ConnectedAccount) throws -> any AccountChecker {
        switch account.network {
        case .mastodon: return Mastodon(account: account, token: try secrets.secret(for: account), http: http, clock: clock)
        default: throw HeedError("\(account.name): heed cannot check \(account.network.rawValue) yet", .config)
        }
    }

    /// One authenticated request to `account`'s network, and what it said or what is wrong.
    public func check(_ account: ConnectedAccount) async -> Result<String, HeedError> {
        do {
            return .success(try await checker(for: account).check())
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
