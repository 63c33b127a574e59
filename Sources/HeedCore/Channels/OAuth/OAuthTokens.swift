import Foundation

/// What signing in to an OAuth network gave, kept in the secrets file under the account's name:
/// `{"x-help": {"access_token": "…", "refresh_token": "…", "expires_at": "2026-12-05T10:00:00Z", "scope": "…"}}`.
public struct OAuthTokens: Sendable, Equatable {
    public var access: Secret
    public var refresh: Secret?
    /// Unix milliseconds; nil when the network did not say.
    public var expiresAt: Int64?
    /// The scopes granted, as the network wrote them (space-separated).
    public var scope: String?

    public init(access: Secret, refresh: Secret? = nil, expiresAt: Int64? = nil, scope: String? = nil) {
        (self.access, self.refresh, self.expiresAt, self.scope) = (access, refresh, expiresAt, scope)
    }

    /// A token endpoint's answer (RFC 6749 §5.1) received at `now`. A renewal that brings no new
    /// refresh token, or does not say the scopes, keeps those of `previous`.
    static func from(_ answer: JSONNode, now: Int64, renewing previous: OAuthTokens? = nil) throws -> OAuthTokens {
        guard let access = answer["access_token"]?.string, !access.isEmpty else {
            throw NetworkError.unexpected("the token endpoint's answer has no access_token")
        }
        let lifetime = answer["expires_in"]?.double ?? answer["expires_in"]?.string.flatMap(Double.init)
        return OAuthTokens(access: Secret(access), refresh: answer["refresh_token"]?.string.map(Secret.init) ?? previous?.refresh,
                           expiresAt: lifetime.map { now + Int64($0 * 1000) }, scope: answer["scope"]?.string ?? previous?.scope)
    }

    /// As the secrets file keeps them; nil when `node` is not a token object.
    static func from(stored node: JSONNode) -> OAuthTokens? {
        guard let access = node["access_token"]?.string else { return nil }
        return OAuthTokens(access: Secret(access), refresh: node["refresh_token"]?.string.map(Secret.init),
                           expiresAt: node["expires_at"]?.string.flatMap(RFC3339.milliseconds), scope: node["scope"]?.string)
    }

    var stored: JSONValue {
        var members: [(String, JSONValue)] = [("access_token", .string(access.reveal()))]
        if let refresh { members.append(("refresh_token", .string(refresh.reveal()))) }
        if let expiresAt { members.append(("expires_at", .string(RFC3339.string(fromMilliseconds: expiresAt)))) }
        if let scope { members.append(("scope", .string(scope))) }
        return .object(members.map { JSONMember(key: $0.0, value: JSONNode($0.1)) })
    }

    /// Whether the access token should be renewed before it is used at `now`: within a minute of
    /// its end, so a request never goes with one that runs out on the way.
    func due(now: Int64) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt - now < 60_000
    }

    /// The scopes `wanted` that were not granted (none when the network did not say).
    func missing(_ wanted: [String]) -> [String] {
        guard let scope else { return [] }
        let granted = Set(scope.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init))
        return wanted.filter { !granted.contains($0) }
    }
}
