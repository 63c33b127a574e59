import Foundation
import HeedCore
import HeedTestSupport
import XCTest

/// `heed account login` as an operator uses it: the page to open printed, the browser's return
/// taken on the loopback address, or the code pasted; against a local server playing X's token
/// endpoint and `GET /2/users/me` (tweepy's recording, MIT).
final class AccountLoginTests: XCTestCase {
    let folder = TemporaryFolder()

    func network() throws -> LocalServer {
        try LocalServer { request in
            switch (request.method, request.path) {
            case ("POST", "/2/oauth2/token"):
                return request.bodyText.contains("code=code-1") || request.bodyText.contains("code=pasted-1")
                    ? .json(#"{"token_type":"bearer","expires_in":7200,"access_token":"access-1","scope":"tweet.read users.read tweet.write offline.access","refresh_token":"refresh-1"}"#)
                    : .json(#"{"error":"invalid_request","error_description":"Value passed for the authorization code was invalid."}"#, status: 400)
            case ("GET", "/2/users/me"):
                return request.headers["authorization"] == "Bearer access-1"
                    ? .file(Paths.packageRoot + "/Tests/HeedCoreTests/Fixtures/recorded/x-users-me.json") : .json("{}", status: 401)
            default: return .json("{}", status: 404)
            }
        }
    }

    func writeConfig(_ server: LocalServer, redirect: String? = nil) -> String {
        let extra = redirect.map { #", "redirect_uri": "\#($0)""# } ?? ""
        return folder.write("config.json", """
            {"accounts": {"x": [{"name": "x-help", "handle": "TweepyDev", "client_id": "client-1", "url": "\(server.url.absoluteString)"\(extra)}]}}
            """)
    }

    func testTheBrowserComesBackToHeedAndTheSignInIsChecked() throws {
        let server = try network()
        let config = writeConfig(server)
        let out = folder.file("login.out")
        let login = try ChildProcess.spawn([Paths.heedBinary, "account", "login", "x-help", "--config", config, "--cache", folder.file("c.sqlite")],
                                           stdout: out, stderr: out, environment: ["HOME": folder.path, "PATH": "/usr/bin:/bin"])
        var page: URLComponents?
        let deadline = Date().addingTimeInterval(20)
        while page == nil && Date() < deadline {
            page = folder.read("login.out").split(separator: "\n").lazy.map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("http") && $0.contains("/i/oauth2/authorize") }.flatMap(URLComponents.init(string:))
            if page == nil { usleep(50_000) }
        }
        let items = try XCTUnwrap(page?.queryItems, folder.read("login.out"))
        let redirect = try XCTUnwrap(items.first { $0.name == "redirect_uri" }?.value)
        let state = try XCTUnwrap(items.first { $0.name == "state" }?.value)
        XCTAssertTrue(folder.read("login.out").contains("Waiting for the browser to come back to \(redirect)"))
        let answer = try String(contentsOf: URL(string: redirect + "?state=\(state)&code=code-1")!, encoding: .utf8)
        XCTAssertTrue(answer.contains("You can close this tab"), answer)
        XCTAssertEqual(login.wait().status, 0, folder.read("login.out"))
        let said = folder.read("login.out")
        XCTAssertTrue(said.contains("x-help: signed in; the tokens are in \(folder.file("secrets.json")) (renewed by heed before they run out)"), said)
        XCTAssertTrue(said.hasSuffix("x-help: ok, signed in as @TweepyDev on X (id 1072250532645998596)\n"), said)
        XCTAssertFalse(said.contains("access-1") || said.contains("refresh-1"), "tokens are never printed")
        var info = stat()
        stat(folder.file("secrets.json"), &info)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
    }

    func testAPastedCodeOrAddressAndWhatIsWrongWithOne() throws {
        let server = try network()
        let config = writeConfig(server, redirect: "https://northwind.example/heed/callback")
        folder.write("pasted.txt", "\npasted-1\n")
        let pasted = try HeedRun.run(["account", "login", "x-help", "--config", config], in: folder, stdin: folder.file("pasted.txt"))
        XCTAssertEqual(pasted.status, 0, pasted.stderr)
        XCTAssertTrue(pasted.stdout.contains("Then paste the address the browser ended on (or the code) here:"), pasted.stdout)
        XCTAssertTrue(pasted.stdout.contains("redirect_uri=https%3A%2F%2Fnorthwind.example%2Fheed%2Fcallback"), pasted.stdout)
        XCTAssertTrue(pasted.stdout.hasSuffix("x-help: ok, signed in as @TweepyDev on X (id 1072250532645998596)\n"), pasted.stdout)

        folder.write("old.txt", "https://northwind.example/heed/callback?state=from-yesterday&code=pasted-1\n")
        let old = try HeedRun.run(["account", "login", "x-help", "--config", config], in: folder, stdin: folder.file("old.txt"))
        XCTAssertNotEqual(old.status, 0)
        XCTAssertEqual(old.stderr, "heed: the pasted address is from another sign-in (its state differs): open the page above again\n")

        folder.write("wrong.txt", "not-the-code\n")
        let wrong = try HeedRun.run(["account", "login", "x-help", "--config", config], in: folder, stdin: folder.file("wrong.txt"))
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertEqual(wrong.stderr, "heed: x-help: the network would not trade the code for a token: HTTP 400 (Value passed for the authorization code was invalid.)\n")

        let mastodon = folder.write("m.json", #"{"accounts": {"mastodon": [{"name": "m", "handle": "h", "url": "https://mastodon.social"}]}}"#)
        let notOAuth = try HeedRun.run(["account", "login", "m", "--config", mastodon], in: folder)
        XCTAssertEqual(notOAuth.stderr, "heed: m is a mastodon account: it takes a secret, not a sign-in (`heed account check m`)\n")
    }

    func testACodeTypedOnAnotherDevice() throws {
        let google = try LocalServer { request in
            switch request.path {
            case "/device/code":
                return .json(#"{"device_code": "dev-1", "user_code": "GQVQ-JKEC", "verification_url": "https://www.google.com/device", "#
                    + #""expires_in": 1800, "interval": 1}"#)
            case "/token":
                return .json(#"{"access_token": "ya29.device-1", "expires_in": 3599, "refresh_token": "1//refresh-1", "#
                    + #""scope": "https://www.googleapis.com/auth/youtube", "token_type": "Bearer"}"#)
            case "/youtube/v3/channels":
                return .json(#"{"kind": "youtube#channelListResponse", "items": [{"kind": "youtube#channel", "id": "UCnorthwind", "#
                    + #""snippet": {"title": "Northwind Bank"}}]}"#)
            default: return .json("{}", status: 404)
            }
        }
        let config = folder.write("yt.json", """
            {"accounts": {"youtube": [{"name": "youtube-help", "handle": "NorthwindBank", "client_id": "tv-1", "url": "\(google.url.absoluteString)"}]}}
            """)
        folder.write("secrets.json", #"{"youtube-help.client_secret": "tv-secret"}"#)
        chmod(folder.file("secrets.json"), 0o600)
        let login = try HeedRun.run(["account", "login", "youtube-help", "--device", "--config", config], in: folder)
        XCTAssertEqual(login.status, 0, login.stderr)
        XCTAssertTrue(login.stdout.hasPrefix("On any device, open https://www.google.com/device signed in to youtube as NorthwindBank, and type the code:\n\n  GQVQ-JKEC\n"),
                      login.stdout)
        XCTAssertTrue(login.stdout.hasSuffix("youtube-help: ok, signed in as Northwind Bank on YouTube (channel UCnorthwind)\n"), login.stdout)
        XCTAssertFalse(login.stdout.contains("not granted"), "Google's device grant is enough")
        XCTAssertEqual(google.requests.filter { $0.path == "/token" }.count, 1)

        let both = try HeedRun.run(["account", "login", "youtube-help", "--device", "--paste", "--config", config], in: folder)
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("--paste and --device are two ways of signing in: choose one"), both.stderr)
    }
}
