import Foundation
import HeedTestSupport
import XCTest
@testable import HeedCore

/// Signing in to YouTube by a code typed on another device (RFC 8628), against a local server
/// answering as Google's "OAuth 2.0 for TV and Limited-Input Device Applications" guide has it:
/// the code, then `authorization_pending` (428), `slow_down` (403), a refusal, a code run out.
final class DeviceSignInTests: ConnectorTestCase {
    override class var startsAt: String { "2026-11-23T12:00:00Z" }

    /// The token endpoint's answers in turn, then the tokens.
    final class Google: @unchecked Sendable {
        let lock = NSLock()
        var waiting: [(Int, String)]
        init(_ waiting: [(Int, String)]) { self.waiting = waiting }

        func token() -> LocalServer.Response {
            lock.withLock {
                guard !waiting.isEmpty else {
                    return .json(#"{"access_token": "ya29.device-1", "expires_in": 3599, "refresh_token": "1//refresh-1", "#
                        + #""scope": "https://www.googleapis.com/auth/youtube", "token_type": "Bearer"}"#)
                }
                let (status, error) = waiting.removeFirst()
                return .json(#"{"error": "\#(error)", "error_description": "said by Google"}"#, status: status)
            }
        }
    }

    func google(_ answers: [(Int, String)]) throws -> LocalServer {
        let google = Google(answers)
        return try LocalServer { request in
            switch request.path {
            case "/device/code":
                return .json(#"{"device_code": "4/4-GMMhmHCXhWEzkobqIHGG_EnNYYsAkukHspeYUk9E8", "user_code": "GQVQ-JKEC", "#
                    + #""verification_url": "https://www.google.com/device", "expires_in": 1800, "interval": 5}"#)
            case "/token": return google.token()
            default: return .json("{}", status: 404)
            }
        }
    }

    func account(_ server: LocalServer) throws -> ConnectedAccount {
        try secrets.store(Secret("tv-secret"), for: "youtube-help.client_secret")
        var account = ConnectedAccount(name: "youtube-help", channel: "youtube", network: .youtube, handle: "NorthwindBank", url: server.url)
        account.clientID = "client-1.apps.googleusercontent.com"
        return account
    }

    /// The seconds waited between asks; each wait moves the test's clock on.
    final class Waits: @unchecked Sendable {
        let lock = NSLock()
        var seconds: [Double] = []
    }

    func testTheCodeIsShownAndAskedForAtTheNetworksPaceUntilItIsAllowed() async throws {
        let server = try google([(428, "authorization_pending"), (403, "slow_down"), (428, "authorization_pending")])
        let signIn = try OAuthDeviceSignIn(account: try account(server), secrets: secrets)
        let prompt = try await signIn.start(http: URLSessionHTTPClient(), clock: clock)
        XCTAssertEqual(prompt.page, "https://www.google.com/device")
        XCTAssertEqual(prompt.userCode, "GQVQ-JKEC")
        XCTAssertEqual(prompt.expiresAt, clock.now() + 1_800_000)
        let asked = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(asked.bodyText, "scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fyoutube&client_id=client-1.apps.googleusercontent.com&client_secret=tv-secret",
                       "the one YouTube scope Google's device sign-in allows")

        let waits = Waits(), clock = clock
        let (tokens, missing) = try await signIn.finish(prompt, secrets: secrets, http: URLSessionHTTPClient(), clock: clock) { seconds in
            waits.lock.withLock { waits.seconds.append(seconds) }
            clock.advance(seconds: Int64(seconds))
        }
        XCTAssertEqual(waits.seconds, [5, 5, 10, 10], "the interval asked for, five seconds more after slow_down")
        XCTAssertEqual(tokens.refresh?.reveal(), "1//refresh-1")
        XCTAssertEqual(missing, [], "the device grant stands for the browser's youtube.force-ssl")
        XCTAssertEqual(try secrets.tokens(for: signIn.account)?.access.reveal(), "ya29.device-1")
        let polls = server.requests.filter { $0.path == "/token" }.map(\.bodyText)
        XCTAssertEqual(polls.count, 4)
        XCTAssertEqual(Set(polls), ["grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=4%2F4-GMMhmHCXhWEzkobqIHGG_EnNYYsAkukHspeYUk9E8"
            + "&client_id=client-1.apps.googleusercontent.com&client_secret=tv-secret"])
    }

    func testARefusalACodeRunOutAndANetworkWithoutIt() async throws {
        for (answers, said) in [([(428, "authorization_pending"), (403, "access_denied")], "youtube-help: the sign-in was refused on the network's page"),
                                ([(400, "expired_token")], "youtube-help: the code GQVQ-JKEC ran out before it was typed: sign in again")] {
            let server = try google(answers)
            let signIn = try OAuthDeviceSignIn(account: try account(server), secrets: secrets)
            let prompt = try await signIn.start(http: URLSessionHTTPClient(), clock: clock)
            do {
                _ = try await signIn.finish(prompt, secrets: secrets, http: URLSessionHTTPClient(), clock: clock) { _ in }
                XCTFail("signed in")
            } catch let error as HeedError {
                XCTAssertEqual(error.message, said)
            }
        }
        // Nobody types it in time: heed stops asking when the code runs out, by its own clock.
        let server = try google(Array(repeating: (428, "authorization_pending"), count: 1000))
        let signIn = try OAuthDeviceSignIn(account: try account(server), secrets: secrets)
        let prompt = try await signIn.start(http: URLSessionHTTPClient(), clock: clock)
        let clock = clock
        do {
            _ = try await signIn.finish(prompt, secrets: secrets, http: URLSessionHTTPClient(), clock: clock) { clock.advance(seconds: Int64($0)) }
            XCTFail("signed in")
        } catch let error as HeedError {
            XCTAssertEqual(error.message, "youtube-help: the code GQVQ-JKEC ran out before it was typed: sign in again")
        }
        XCTAssertEqual(server.requests.filter { $0.path == "/token" }.count, 1800 / 5 - 1, "asked every five seconds until the half hour was up")
        XCTAssertNil(try secrets.tokens(for: signIn.account))

        var x = ConnectedAccount(name: "x-help", channel: "x", network: .x, handle: "NorthwindHelp")
        x.clientID = "client-x"
        XCTAssertThrowsError(try OAuthDeviceSignIn(account: x, secrets: secrets)) {
            XCTAssertEqual(($0 as? HeedError)?.message,
                           "x-help: x offers no sign-in by a code typed elsewhere; use `heed account login x-help --paste` from a terminal without a browser")
        }
    }
}
