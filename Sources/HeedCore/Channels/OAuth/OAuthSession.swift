import Foundation

/// An OAuth account's access token, good for the next request: the one signing in gave, renewed
/// with its refresh token shortly before it runs out (X's last two hours), the renewal kept in
/// the secrets file. A renewal the network refuses is the account's trouble until someone signs
/// in again, said in those words on the screen and in `heed account list`.
struct OAuthSession: Sendable {
    let account: ConnectedAccount
    let app: OAuthApp
    let secrets: Secrets
    let http: any HTTPClient
    let clock: any Clock

    /// The access token to send now.
    func accessToken() async throws -> Secret {
        guard let tokens = try secrets.tokens(for: account) else { throw NetworkError.unauthorized(signInAgain("not signed in")) }
        guard tokens.due(now: clock.now()) else { return tokens.access }
        return try await secrets.exclusively {
            // Another process may have renewed it while this one waited for the lock.
            guard let latest = try secrets.tokens(for: account) else { throw NetworkError.unauthorized(signInAgain("not signed in")) }
            guard latest.due(now: clock.now()) else { return latest.access }
            return try await renew(latest).access
        }
    }

    /// Sends `request` with the access token (and `headers`); an answer not in `accepting` is the
    /// network's error, a 401 saying to sign in again.
    func send(_ request: HTTPRequest, headers: [(String, String)] = [], what: String, accepting: Set<Int> = [200]) async throws -> HTTPResponse {
        try await send({ _ in request }, headers: headers, what: what, accepting: accepting)
    }

    /// The same, for a request made from the token itself (Facebook signs it into the address).
    func send(_ make: (Secret) -> HTTPRequest, headers: [(String, String)] = [], what: String, accepting: Set<Int> = [200]) async throws -> HTTPResponse {
        let token = try await accessToken()
        var request = make(token)
        request.headers += headers + [("Authorization", "Bearer " + token.reveal()), ("Accept", "application/json")]
        let response = try await http.send(request)
        guard accepting.contains(response.status) else {
            if response.status == 401 { throw NetworkError.unauthorized(signInAgain("\(what): HTTP 401, the token was refused")) }
            throw NetworkError.from(response, now: clock.now(), what: what)
        }
        return response
    }

    /// Spends the refresh token for a new access token (RFC 6749 §6) and keeps what comes back.
    private func renew(_ tokens: OAuthTokens) async throws -> OAuthTokens {
        guard let refresh = tokens.refresh else { throw NetworkError.unauthorized(signInAgain("the sign-in has run out")) }
        let response = try await http.send(app.tokenRequest([("grant_type", "refresh_token"), ("refresh_token", refresh.reveal())]))
        switch response.status {
        case 200:
            let renewed = try OAuthTokens.from(try response.json(), now: clock.now(), renewing: tokens)
            try secrets.store(renewed, for: account.name)
            return renewed
        case 400, 401, 403:
            // invalid_grant: revoked, expired, or spent already.
            let said = NetworkError.message(in: response).map { ": \($0)" } ?? ""
            throw NetworkError.unauthorized(signInAgain("the network refused to renew the sign-in\(said)"))
        default:
            throw NetworkError.from(response, now: clock.now(), what: "renewing the sign-in")
        }
    }

    /// What to do first, then why: a line on the screen may be cut at its end.
    private func signInAgain(_ why: String) -> String {
        "sign in again — `heed account login \(account.name)` (\(why))"
    }
}
