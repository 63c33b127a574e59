import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// heed signing in to X with OAuth 2.0 and PKCE, hearing mentions and answering them, against a
/// local server playing the X API v2 from answers recorded of the real one: twarc's pages of
/// tweets with their expansions (`../shared/fixtures/x`, MIT) and tweepy's `users/me` and
/// `POST /2/tweets` (`Fixtures/recorded`, MIT).
final class XConnectorTests: ConnectorTestCase {
    static let shared = Paths.sharedFixtures + "/x"
    static let recorded = Paths.packageRoot + "/Tests/HeedCoreTests/Fixtures/recorded"
    /// tweepy's test account, as `GET /2/users/me` named it.
    static let ourID = "1072250532645998596"

    func account(_ server: LocalServer) -> ConnectedAccount {
        var account = ConnectedAccount(name: "x-help", channel: "x", network: .x, handle: "TweepyDev", url: server.url)
        account.clientID = "client-1"
        return account
    }

    func config(_ server: LocalServer) -> Config {
        var config = ActionServiceTests.config
        config.connectedAccounts = [account(server)]
        config.accounts = ["x": ["TweepyDev"]]
        return config
    }

    func signedIn(expiresIn seconds: Int64 = 7_200, refresh: String? = "refresh-1") throws {
        try secrets.store(OAuthTokens(access: Secret("access-1"), refresh: refresh.map(Secret.init), expiresAt: clock.now() + seconds * 1000,
                                      scope: "tweet.read users.read tweet.write offline.access"), for: "x-help")
    }

    /// A recorded page of tweets (a line of twarc's capture) as the API sends it, with `meta` as given.
    static func page(_ file: String, meta: String? = nil) throws -> String {
        let line = try String(contentsOfFile: shared + "/" + file, encoding: .utf8).split(separator: "\n")[0]
        guard let meta else { return String(line) }
        let node = try JSONParser.parse(Data(line.utf8))
        guard case .object(let members) = node.value else { throw HeedError("not an object") }
        return JSONWriter.object(members.filter { $0.key != "meta" }.map { ($0.key, $0.value.value) }) .dropLast() + #","meta":\#(meta)}"#
    }

    /// X with mentions waiting: a first page, then — since it — one more page and its older page, then nothing.
    func network(tokenAnswer: @escaping @Sendable (LocalServer.Request) -> LocalServer.Response = { _ in .json("{}", status: 500) }) throws -> LocalServer {
        let first = try Self.page("brexit.jsonl")
        let newer = try Self.page("mentions_tweet.jsonl", meta: #"{"newest_id":"1589681856941002753","result_count":1,"next_token":"page-2"}"#)
        let older = try Self.page("many_urls.jsonl", meta: #"{"result_count":1}"#)
        let rate = [("x-rate-limit-limit", "450"), ("x-rate-limit-remaining", "449"), ("x-rate-limit-reset", "1785593100")]
        return try LocalServer { request in
            switch (request.method, request.path) {
            case ("POST", "/2/oauth2/token"): return tokenAnswer(request)
            case ("GET", "/2/users/me"): return .file(Self.recorded + "/x-users-me.json", headers: rate)
            case ("GET", "/2/users/\(Self.ourID)/mentions"):
                switch (request.query("since_id"), request.query("pagination_token")) {
                case (nil, _): return .json(first, headers: rate)
                case ("1440716895355764743", nil): return .json(newer, headers: rate)
                case ("1440716895355764743", "page-2"): return .json(older, headers: rate)
                default: return .json(#"{"meta":{"result_count":0}}"#, headers: rate)
                }
            case ("POST", "/2/tweets"): return .file(Self.recorded + "/x-create-tweet.json", status: 201)
            default: return .json(#"{"title":"Not Found Error","detail":"not here","status":404}"#, status: 404)
            }
        }
    }

    // MARK: Signing in

    func testTheChallengeIsTheVerifiersSHA256AsTheRFCShowsIt() {
        // RFC 7636, appendix B.
        XCTAssertEqual(PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let fresh = PKCE()
        XCTAssertEqual(fresh.verifier.count, 43)
        XCTAssertNotEqual(fresh.verifier, PKCE().verifier)
        XCTAssertTrue(fresh.verifier.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }

    func testSigningInThroughTheBrowsersRedirectKeepsTheTokensForTheOwnerOnly() async throws {
        let server = try network { _ in
            .json(#"{"token_type":"bearer","expires_in":7200,"access_token":"access-1","scope":"tweet.read users.read tweet.write offline.access","refresh_token":"refresh-1"}"#)
        }
        let signIn = try OAuthSignIn(account: account(server), secrets: secrets)
        let page = try XCTUnwrap(URLComponents(url: signIn.url, resolvingAgainstBaseURL: false))
        XCTAssertEqual(page.path, "/i/oauth2/authorize")
        let asked = Dictionary(uniqueKeysWithValues: (page.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        XCTAssertEqual(asked["response_type"], "code")
        XCTAssertEqual(asked["client_id"], "client-1")
        XCTAssertEqual(asked["scope"], "tweet.read users.read tweet.write offline.access", "the least that reads mentions and replies, renewable")
        XCTAssertEqual(asked["code_challenge_method"], "S256")
        XCTAssertTrue(asked["redirect_uri"]?.hasPrefix("http://127.0.0.1:") == true, asked["redirect_uri"] ?? "")
        let state = try XCTUnwrap(asked["state"])

        // The browser: a stray request, one with someone else's state, then the network's redirect.
        let redirect = try XCTUnwrap(asked["redirect_uri"])
        let browser = Thread {
            for target in [redirect.replacingOccurrences(of: "/callback", with: "/favicon.ico"), redirect + "?code=theirs&state=other",
                           redirect + "?state=\(state)&code=code-1"] {
                _ = try? Data(contentsOf: URL(string: target)!)
            }
        }
        browser.start()
        let code = try signIn.code(timeout: 10, input: nil)
        XCTAssertEqual(code, "code-1", "only the redirect carrying this sign-in's state is taken")

        let (tokens, missing) = try await signIn.finish(code: code, secrets: secrets, clock: clock)
        XCTAssertEqual(missing, [])
        XCTAssertEqual(tokens.expiresAt, clock.now() + 7_200_000)
        let exchange = try XCTUnwrap(server.requests.first { $0.path == "/2/oauth2/token" })
        XCTAssertEqual(exchange.headers["content-type"], "application/x-www-form-urlencoded")
        let form = Dictionary(uniqueKeysWithValues: exchange.bodyText.split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        })
        XCTAssertEqual(form["grant_type"], "authorization_code")
        XCTAssertEqual(form["code"], "code-1")
        XCTAssertEqual(form["redirect_uri"], redirect)
        XCTAssertEqual(form["client_id"], "client-1", "a public client names itself in the form")
        XCTAssertEqual(PKCE(verifier: form["code_verifier"] ?? "").challenge, asked["code_challenge"], "the verifier behind the challenge")

        let file = folder.file("secrets.json")
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int).map { $0 & 0o777 }, 0o600)
        let kept = try XCTUnwrap(try secrets.tokens(for: account(server)))
        XCTAssertEqual(kept.access.reveal(), "access-1")
        XCTAssertEqual(kept.refresh?.reveal(), "refresh-1")
        XCTAssertEqual(kept.expiresAt, clock.now() + 7_200_000)
        XCTAssertFalse(folder.read("secrets.json").contains("code-1"), "the code is spent, not kept")
    }

    func testARefusalOnTheNetworksPageOrAPastedAddressFromAnotherSignInIsSaid() throws {
        let server = try network()
        let signIn = try OAuthSignIn(account: account(server), secrets: secrets)
        let state = try XCTUnwrap(URLComponents(url: signIn.url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "state" }?.value)
        let refused = signIn.redirectURI + "?error=access_denied&state=\(state)"
        let browser = Thread { _ = try? Data(contentsOf: URL(string: refused)!) }
        browser.start()
        XCTAssertThrowsError(try signIn.code(timeout: 10, input: nil)) {
            XCTAssertEqual(($0 as? HeedError)?.message, "x-help: the network refused the sign-in: access_denied")
        }
        XCTAssertEqual(try signIn.code(pasted: "http://127.0.0.1:8765/callback?state=\(state)&code=pasted-1"), "pasted-1")
        XCTAssertEqual(try signIn.code(pasted: "bare-code"), "bare-code")
        XCTAssertThrowsError(try signIn.code(pasted: "http://127.0.0.1:8765/callback?state=old&code=x")) {
            XCTAssertTrue("\($0)".contains("from another sign-in"), "\($0)")
        }
    }

    func testPastingWhenTheRedirectIsNotThisMachine() throws {
        let server = try network()
        var account = account(server)
        account.redirectURI = "https://northwind.example/heed/callback"
        let signIn = try OAuthSignIn(account: account, secrets: secrets)
        XCTAssertFalse(signIn.listening, "nothing listens for an address elsewhere")
        XCTAssertEqual(signIn.redirectURI, "https://northwind.example/heed/callback")
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        _ = "\n  code-9  \n".utf8CString.dropLast().withUnsafeBufferPointer { write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        defer { close(fds[0]) }
        XCTAssertEqual(try signIn.code(timeout: 5, input: fds[0]), "code-9", "the first line with something on it, trimmed")
    }

    // MARK: Listening

    func testMentionsAreHeardSinceTheNewestAndPagedBackThroughWhatCameMeanwhile() async throws {
        try signedIn()
        let server = try network()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention WHERE channel = 'x'") }, 100,
                       "a first poll takes the latest page only")
        var state = try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "x-help") })
        XCTAssertEqual(state.cursor, "1440716895355764743", "the newest id, committed with the mentions")
        XCTAssertEqual(state.rateRemaining, 449)
        XCTAssertEqual(state.rateLimit, 450)
        XCTAssertEqual(state.rateResetAt, 1_785_593_100_000)
        XCTAssertEqual(state.postsRead(inMonthOf: clock.now()), 100, "every post X hands over counts against the app's monthly cap")

        _ = try await listen(database, config)
        state = try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "x-help") })
        XCTAssertEqual(state.cursor, "1589681856941002753", "after the older page, the newest of the round")
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention WHERE channel = 'x'") }, 102)
        _ = try await listen(database, config)

        let mentions = server.requests.filter { $0.path.hasSuffix("/mentions") }
        XCTAssertEqual(mentions.map { [$0.query("since_id"), $0.query("pagination_token")] },
                       [[nil, nil], ["1440716895355764743", nil], ["1440716895355764743", "page-2"], ["1589681856941002753", nil]])
        XCTAssertEqual(mentions[0].query("expansions"), "author_id,referenced_tweets.id,referenced_tweets.id.author_id,in_reply_to_user_id")
        XCTAssertEqual(mentions[0].query("max_results"), "100")
        XCTAssertTrue(mentions[0].query("user.fields")?.contains("public_metrics") == true, "followers, for the priority")
        XCTAssertEqual(server.requests.filter { $0.path == "/2/users/me" }.count, 1, "our id asked once a run")
        XCTAssertEqual(Set(server.requests.map { $0.headers["authorization"] ?? "" }), ["Bearer access-1"])
        let author = try database.read { db in
            try Row.fetchOne(db, sql: "SELECT h.handle, h.followers FROM mention m JOIN contact_handle h ON h.id = m.handle_id WHERE m.source_id = '1589681856941002753'")
        }
        XCTAssertNotNil(author?["handle"] as String?, "the author from includes.users")

        state = try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "x-help") })
        XCTAssertGreaterThan(state.postsRead, 100, "the later pages counted too")
        func said() throws -> String {
            try ServiceReport.read(database, config: config, cachePath: nil, now: clock.now()).lines(now: clock.now(), timeZone: "UTC")
                .first { $0.hasPrefix("  x-help") } ?? ""
        }
        var line = try said()
        XCTAssertTrue(line.hasSuffix("; \(state.postsRead) of 10000 posts read this month"), line)
        try database.write { db in try db.execute(sql: "UPDATE account_state SET posts_read = 8750") }
        line = try said()
        XCTAssertTrue(line.hasSuffix("; 8750 of 10000 posts read this month (87% of the app's monthly cap: X answers no more past it)"), line)
        clock.advance(seconds: 31 * 86_400)
        line = try said()
        XCTAssertTrue(line.hasSuffix("; 0 of 10000 posts read this month"), "a new month: \(line)")
    }

    func testAnAccessTokenRunningOutIsRenewedAndTheRenewalKept() async throws {
        try signedIn(expiresIn: 30)
        let server = try network { request in
            request.bodyText.contains("refresh_token=refresh-1")
                ? .json(#"{"token_type":"bearer","expires_in":7200,"access_token":"access-2","refresh_token":"refresh-2"}"#)
                : .json(#"{"error":"invalid_grant"}"#, status: 400)
        }
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let renewals = server.requests.filter { $0.path == "/2/oauth2/token" }
        XCTAssertEqual(renewals.count, 1, "renewed once, before the first request")
        XCTAssertTrue(renewals[0].bodyText.contains("grant_type=refresh_token"), renewals[0].bodyText)
        XCTAssertTrue(renewals[0].bodyText.contains("client_id=client-1"), renewals[0].bodyText)
        XCTAssertEqual(Set(server.requests.filter { $0.path != "/2/oauth2/token" }.map { $0.headers["authorization"] ?? "" }), ["Bearer access-2"])
        let kept = try XCTUnwrap(try secrets.tokens(for: config.connectedAccounts[0]))
        XCTAssertEqual(kept.refresh?.reveal(), "refresh-2", "X spends a refresh token once: the new one is kept")
        XCTAssertEqual(kept.scope, "tweet.read users.read tweet.write offline.access", "a renewal that does not say the scopes keeps them")
        XCTAssertEqual(kept.expiresAt, clock.now() + 7_200_000)
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") }, 100)
    }

    func testARefusedRenewalStopsTheAccountAndSaysToSignInAgain() async throws {
        try signedIn(expiresIn: -60)
        let server = try network { _ in .json(#"{"error":"invalid_request","error_description":"Value passed for the token was invalid."}"#, status: 400) }
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let wait = try await listen(database, config)
        XCTAssertEqual(wait, 300_000)
        let state = try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "x-help") })
        XCTAssertTrue(state.stopped)
        XCTAssertEqual(state.trouble, "sign in again — `heed account login x-help` (the network refused to renew the sign-in: Value passed for the token was invalid.)")
        XCTAssertEqual(try secrets.tokens(for: config.connectedAccounts[0])?.refresh?.reveal(), "refresh-1", "nothing thrown away")

        // Never signed in: said the same way.
        try FileManager.default.removeItem(atPath: folder.file("secrets.json"))
        guard case .failure(let error) = await connectors(config).check(config.connectedAccounts[0]) else { return XCTFail("not signed in") }
        XCTAssertTrue(error.message.contains("sign in again — `heed account login x-help` (not signed in)"), error.message)
    }

    func testXsRefusalsAreKeptApartFromItsLimitsAndOutages() async throws {
        try signedIn()
        let server = try network()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        func answering(_ response: LocalServer.Response) {
            server.answer { request in request.path == "/2/users/me" ? .file(Self.recorded + "/x-users-me.json") : response }
        }
        func state() throws -> AccountState { try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: "x-help") }) }

        // 429 with X's own headers: wait for the window's reset, the account not stopped.
        answering(.json(#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#, status: 429,
                        headers: [("x-rate-limit-limit", "450"), ("x-rate-limit-remaining", "0"), ("x-rate-limit-reset", "1785593100")]))
        var wait = try await listen(database, config)
        XCTAssertEqual(wait, 1_785_593_100_000 - clock.now())
        XCTAssertFalse(try state().stopped)
        XCTAssertEqual(try state().rateRemaining, 0)

        // The app's monthly post cap: said so, and asked again in an hour, not every minute.
        clock.advance(seconds: (1_785_593_101_000 - clock.now()) / 1000)
        answering(.json(#"{"title":"UsageCapExceeded","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped","#
                        + #""period":"Monthly","scope":"Product"}"#, status: 429))
        wait = try await listen(database, config)
        XCTAssertEqual(wait, 3_600_000)
        XCTAssertFalse(try state().stopped)
        XCTAssertEqual(try state().trouble, "mentions: HTTP 429 (Usage cap exceeded: Monthly product cap) — the app's monthly post cap is reached; "
                       + "its plan or the month's turn lifts it")

        // An outage is tried again, with backoff.
        clock.advance(seconds: 3_601)
        answering(.json(#"{"title":"Service Unavailable","status":503}"#, status: 503))
        wait = try await listen(database, config)
        XCTAssertFalse(try state().stopped)
        XCTAssertTrue((1_000...60_000).contains(wait), "\(wait)")

        // 403: what X refused, in its words (a tier without the endpoint), the account stopped until mended.
        answering(.json(#"{"title":"Client Forbidden","detail":"This request must be made using an approved developer account that is enrolled "#
                        + #"in the requested endpoint.","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}"#, status: 403))
        _ = try await listen(database, config)
        XCTAssertTrue(try state().stopped)
        XCTAssertEqual(try state().trouble, "mentions: HTTP 403 (This request must be made using an approved developer account that is enrolled in the requested endpoint.)")

        // 401 on an API call: the token was refused, sign in again.
        answering(.json(#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#, status: 401))
        clock.advance(seconds: 301)
        _ = try await listen(database, config)
        XCTAssertEqual(try state().trouble, "sign in again — `heed account login x-help` (mentions: HTTP 401, the token was refused)")
    }

    // MARK: Answering

    func testAReplyGoesOnceAsAReplyAndAnInterruptedOneIsLookedForFirst() async throws {
        try signedIn()
        let server = try network()
        let config = config(server)
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try await listen(database, config)
        let conversation = try XCTUnwrap(try database.read { db in
            try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention WHERE source_id = '1440716895355764743'")
        })
        let service = ActionService(database: database, config: config, clock: clock)
        try service.reply(to: conversation, text: "Sorry to hear it, we're on it", by: config.operators[0])
        clock.advance(seconds: 11)
        let delivery = Delivery(database: database, config: config, clock: clock, connectors: connectors(config))
        let report = try await delivery.runOnce()
        XCTAssertEqual(report.sent, 1)
        let posts = server.requests.filter { $0.method == "POST" && $0.path == "/2/tweets" }
        XCTAssertEqual(posts.count, 1)
        let body = try JSONParser.parse(posts[0].body)
        XCTAssertEqual(body["text"]?.string, "Sorry to hear it, we're on it ^SB")
        XCTAssertEqual(body["reply"]?["in_reply_to_tweet_id"]?.string, "1440716895355764743")
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT external_id FROM outbox") }, "1456012973835788293",
                       "the id X gave the reply")

        // A run killed after X took a second reply: found among our latest posts, never sent again.
        try service.reply(to: conversation, text: "Test Tweet", by: config.operators[0], anyway: true)
        try database.write { db in try db.execute(sql: "UPDATE outbox SET state = 'sending', attempts = 1 WHERE state = 'queued'") }
        server.answer { request in
            guard request.path == "/2/users/\(Self.ourID)/tweets" else { return .json("{}", status: 404) }
            return .json(#"{"data":[{"id":"1456012973835788294","text":"@someone Test Tweet ^SB","created_at":"2026-08-01T14:00:20.000Z","#
                + #""referenced_tweets":[{"type":"replied_to","id":"1440716895355764743"}]}],"meta":{"result_count":1}}"#)
        }
        let looked = try await delivery.recover()
        XCTAssertEqual(looked, 1)
        XCTAssertEqual(try database.read { db in try String.fetchAll(db, sql: "SELECT external_id FROM outbox ORDER BY id") },
                       ["1456012973835788293", "1456012973835788294"])
        XCTAssertEqual(server.requests.filter { $0.method == "POST" && $0.path == "/2/tweets" }.count, 1, "never posted twice")

        // Not among our latest posts (tweepy's recording of two unrelated ones): it did not go, so it goes now, once.
        try service.reply(to: conversation, text: "A third answer", by: config.operators[0], anyway: true)
        try database.write { db in try db.execute(sql: "UPDATE outbox SET state = 'sending', attempts = 1 WHERE state = 'queued'") }
        server.answer { request in
            switch (request.method, request.path) {
            case ("GET", "/2/users/\(Self.ourID)/tweets"): return .file(Self.recorded + "/x-users-tweets.json")
            case ("POST", "/2/tweets"): return .json(#"{"data":{"id":"1456012973835788295","text":"A third answer ^SB"}}"#, status: 201)
            default: return .json("{}", status: 404)
            }
        }
        let again = try await delivery.recover()
        XCTAssertEqual(again, 1)
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT state FROM outbox ORDER BY id DESC") }, "queued")
        clock.advance(seconds: 60)
        let report2 = try await delivery.runOnce()
        XCTAssertEqual(report2.sent, 1)
        XCTAssertEqual(server.requests.filter { $0.method == "POST" && $0.path == "/2/tweets" }.count, 2)
    }

    func testCheckSaysWhoWeAreSignedInAs() async throws {
        try signedIn()
        let server = try network()
        let config = config(server)
        guard case .success(let line) = await connectors(config).check(config.connectedAccounts[0]) else { return XCTFail("signed in") }
        XCTAssertEqual(line, "signed in as @TweepyDev on X (id 1072250532645998596)")

        // Signed in without allowing heed to post: the check names what is missing.
        try secrets.store(OAuthTokens(access: Secret("access-1"), refresh: Secret("refresh-1"), expiresAt: clock.now() + 7_200_000,
                                      scope: "tweet.read users.read offline.access"), for: "x-help")
        guard case .failure(let error) = await connectors(config).check(config.connectedAccounts[0]) else { return XCTFail("a scope missing") }
        XCTAssertEqual(error.message, "signed in as @TweepyDev on X (id 1072250532645998596), but not granted tweet.write: heed cannot hear or "
            + "answer without it — sign in again allowing all it asks: `heed account login x-help`")
    }

    func testAnXAccountWithoutItsAppIsAConfigProblem() throws {
        let path = folder.write("config.json", #"{"accounts": {"x": [{"name": "x-help", "handle": "NorthwindHelp"}]}}"#)
        guard case .failure(let error) = ConfigLoader.load(path: path) else { return XCTFail("an account without its app") }
        XCTAssertTrue("\(error)".contains("accounts.x[0]: a x account needs \"client_id\""), "\(error)")
    }

    func testTheAppsMonthlyPostCapIsTheConfigsOrBasicTiers() throws {
        let path = folder.write("config.json", #"{"accounts": {"x": [{"name": "x-help", "handle": "NorthwindHelp", "client_id": "c"}, "#
            + #"{"name": "x-pro", "handle": "NorthwindPro", "client_id": "c", "post_cap": 1000000}]}}"#)
        let config = try ConfigLoader.load(path: path).get()
        XCTAssertEqual(config.connectedAccounts.map(\.postCap), [10_000, 1_000_000])
        let wrong = folder.write("wrong.json", #"{"accounts": {"reddit": [{"name": "r", "handle": "h", "client_id": "c", "post_cap": 5}], "#
            + #""x": [{"name": "x", "handle": "h", "client_id": "c", "post_cap": "lots"}]}}"#)
        guard case .failure(let error) = ConfigLoader.load(path: wrong) else { return XCTFail("a cap where there is none") }
        XCTAssertTrue("\(error)".contains("accounts.reddit[0].post_cap: only X caps the posts an app reads a month"), "\(error)")
        XCTAssertTrue("\(error)".contains("accounts.x[0].post_cap"), "\(error)")
    }
}
