import HeedTestSupport
import XCTest
@testable import HeedCore

final class ConfigTests: XCTestCase {
    func testExampleConfigIsValidAndShowsEveryTopLevelField() throws {
        let config = try ExampleConfig.load()
        XCTAssertEqual(config.brand, "Northwind Bank")
        XCTAssertEqual(config.operators.map(\.handle), ["sam", "priya", "tomas"])
        XCTAssertEqual(config.operators.first?.role, .lead)
        XCTAssertEqual(config.sla.target(channel: "x", urgency: .high), 10)
        XCTAssertEqual(config.sla.target(channel: "mastodon", urgency: .low), 240)
        XCTAssertEqual(config.rules.count, 5)
        XCTAssertEqual(config.macros.first, Macro(name: "refunded", steps: ["tag +refund", "note refund confirmed by billing", "resolve"], key: "R"))
        XCTAssertEqual(config.delivery.adapter(for: "x"), .command(Program(path: "/usr/local/bin/northwind-post",
                                                                           arguments: ["--network", "x", "--account", "NorthwindHelp"],
                                                                           timeoutSeconds: 20)))
        XCTAssertEqual(config.businessHours?.days[.sat], BusinessHours.Span(start: 9 * 60, end: 17 * 60))
        XCTAssertTrue(config.isOurAccount(channel: "x", handle: "@northwindhelp", authorID: "1"))
        XCTAssertTrue(config.isOurAccount(channel: "x", handle: "NORTHWINDHELP", authorID: ""))
        XCTAssertFalse(config.isOurAccount(channel: "x", handle: "@northwindhelps", authorID: "2"))
        XCTAssertFalse(config.isOurAccount(channel: "mastodon", handle: "NorthwindHelp", authorID: "1"))
        let root = try JSONParser.parse(ExampleConfig.text)
        guard case .object(let members) = root.value else { return XCTFail() }
        XCTAssertEqual(Set(members.map(\.key)), Set(ConfigLoader.topLevelKeys), "the example must show every field")
    }

    func testRootExampleFileIsTheBuiltInOne() throws {
        let root = try String(contentsOfFile: Paths.packageRoot + "/config.example.json", encoding: .utf8)
        XCTAssertEqual(root, ExampleConfig.text)
    }

    func testEmptyObjectGivesDefaults() throws {
        let config = try ConfigLoader.parse("{}", file: "c.json").get()
        XCTAssertEqual(config, Config())
    }

    func testProblemsNameFileLineAndPath() {
        let text = """
            {
              "brnad": "Typo Bank",
              "operators": [
                { "handle": "sam", "name": "Sam", "role": "admin" },
                { "handle": "sam", "name": "Sam Again", "teams": ["nope"] }
              ],
              "sla": { "minutes": { "high": "fast" } },
              "timezone": "Mars/Olympus",
              "accounts": { "twitter": ["x"] },
              "rules": [
                { "name": "r", "when": { "text_matches": "(unclosed" }, "then": { "escalate": "billing" } }
              ],
              "keys": { "reply": "ctrl-r", "snoze": "z" },
              "macros": [{ "name": "m", "key": "ctrl-m", "actions": ["tag +a", "snooze later", "escalate legal", "frobnicate"] }],
              "delivery": { "default": { "adapter": "carrier-pigeon" } }
            }
            """
        guard case .failure(let error) = ConfigLoader.parse(text, file: "team.json") else { return XCTFail("expected problems") }
        let lines = error.problems.map(\.description)
        let expected = [
            "team.json:2: brnad: unknown key \"brnad\" (did you mean \"brand\"?)",
            "team.json:4: operators[0].role: \"admin\" is not one of \"agent\", \"lead\"",
            "team.json:5: operators[1].teams: unknown team \"nope\" (teams are listed under \"teams\")",
            "team.json:5: operators[1].handle: \"sam\" is used twice",
            "team.json:7: sla.minutes.high: expected a whole number, got string",
            "team.json:8: timezone: unknown time zone \"Mars/Olympus\" (use an IANA name such as \"Europe/London\")",
            "team.json:11: rules[0].when.text_matches: not a valid regular expression: (unclosed",
            "team.json:11: rules[0].then.escalate: unknown team \"billing\" (teams are listed under \"teams\")",
            "team.json:13: keys.reply: \"ctrl-r\" is not a key: use one character, C-x (Ctrl), M-x (Alt), F1…F12, Enter, Tab, BackTab, Space, Esc, "
                + "Backspace, Delete, Up, Down, Left, Right, PgUp, PgDn, Home, End",
            "team.json:14: macros[0].actions[1]: \"snooze later\": snooze: a span (90m, 2h, 1d), a time of day (14:00, 9am), a day (tomorrow, fri) with or without one, "
                + "or a time (2026-12-24T09:00:00Z), or reply",
            "team.json:14: macros[0].actions[2]: \"escalate legal\": no team \"legal\"",
            "team.json:14: macros[0].actions[3]: \"frobnicate\": no action \"frobnicate\": tag, note, assign, unassign, escalate, snooze, resolve, reopen, spam, not-spam",
            "team.json:14: macros[0].key: \"ctrl-m\" is not a key: use one character, C-x (Ctrl), M-x (Alt), F1…F12, Enter, Tab, BackTab, Space, "
                + "Esc, Backspace, Delete, Up, Down, Left, Right, PgUp, PgDn, Home, End",
            "team.json:15: delivery.default.adapter: \"carrier-pigeon\" is not an adapter: use \"spool\" or \"command\"",
        ]
        XCTAssertTrue(lines.contains { $0.hasPrefix("team.json:13: keys.snoze: no action \"snoze\" to bind (did you mean \"snooze\"?): the actions are down, up,") },
                      lines.joined(separator: "\n"))
        for line in expected { XCTAssertTrue(lines.contains(line), "missing: \(line)\nall:\n\(lines.joined(separator: "\n"))") }
        XCTAssertTrue(lines.contains { $0.hasPrefix("team.json:9: accounts.twitter: unknown channel \"twitter\"") }, lines.joined(separator: "\n"))
    }

    func testAKeyGivenToTwoThingsIsAConfigProblem() {
        let text = """
            {
              "keys": { "snooze": "z" },
              "views": [{ "name": "Billing", "query": "tag:billing", "key": "8" }],
              "macros": [{ "name": "refunded", "key": "z", "actions": ["resolve"] }]
            }
            """
        guard case .failure(let error) = ConfigLoader.parse(text, file: "team.json") else { return XCTFail("a key given twice is refused") }
        XCTAssertEqual(error.problems.map(\.description), [
            "team.json:2: keys: z is both macro refunded's key and the action snooze's",
            "team.json:2: keys: 8 is both view Billing's key and the action view's",
        ])
    }

    /// Spaces and tabs alone are no name; any other text is one, a line break included.
    func testABlankStringIsAConfigProblem() throws {
        let text = "{\n  \"brand\": \" \\t\u{2003}\",\n  \"views\": [{ \"name\": \"\\u00a0\", \"query\": \"tag:x\" }]\n}"
        guard case .failure(let error) = ConfigLoader.parse(text, file: "c.json") else { return XCTFail("blank names are refused") }
        XCTAssertEqual(error.problems.map(\.description), ["c.json:2: brand: must not be empty", "c.json:3: views[0].name: must not be empty"])
        XCTAssertEqual(try ConfigLoader.parse(#"{"brand": "\n"}"#, file: "c.json").get().brand, "\n")
    }

    func testWhoIsAtTheTerminalAndTheirTimeZone() throws {
        let config = try ConfigLoader.parse(ExampleConfig.text, file: "example.json").get()
        let pnair = Identity(uid: 1002, unixUser: "pnair", mayChangeConfig: false)
        XCTAssertEqual(config.currentOperator(environment: ["USER": "sbrooks"], identity: pnair), "priya", "the login's operator")
        let sbrooks = Identity(uid: 1001, unixUser: "sbrooks", mayChangeConfig: false)
        XCTAssertEqual(config.currentOperator(environment: ["HEED_OPERATOR": "tomas"], identity: sbrooks), "tomas", "HEED_OPERATOR for a lead")
        let tortega = Identity(uid: 1003, unixUser: "tortega", mayChangeConfig: false)
        XCTAssertEqual(config.currentOperator(environment: ["HEED_OPERATOR": "priya", "USER": "pnair"], identity: tortega), nil,
                       "an agent names no one else, and $USER is not believed")
        XCTAssertEqual(config.currentOperator(environment: ["HEED_OPERATOR": "priya"], identity: Identity(uid: 1003, unixUser: "tortega", mayChangeConfig: true)),
                       "priya", "whoever may change the config may be anyone in it")
        XCTAssertNil(config.currentOperator(environment: ["USER": "pnair"], identity: Identity(uid: 1009, unixUser: "mallory", mayChangeConfig: false)),
                     "nobody is guessed")
        XCTAssertEqual(config.timeZone(for: "priya"), "Asia/Kolkata", "an operator's own zone")
        XCTAssertEqual(config.timeZone(for: "sam"), config.timeZone, "else the team's")
        XCTAssertEqual(config.timeZone(for: nil), config.timeZone)
        let bad = #"{"operators": [{"handle": "sam", "name": "Sam", "timezone": "Moon/Base"}]}"#
        guard case .failure(let error) = ConfigLoader.parse(bad, file: "c.json") else { return XCTFail("expected a problem") }
        XCTAssertTrue(error.description.contains("operators[0].timezone: unknown time zone \"Moon/Base\""), error.description)
    }

    func testBrokenJSONNamesTheLine() {
        guard case .failure(let error) = ConfigLoader.parse("{\n  \"brand\": \"A\",\n  \"cache\": \n}", file: "c.json") else { return XCTFail() }
        XCTAssertEqual(error.problems.count, 1)
        XCTAssertTrue(error.description.hasPrefix("c.json:4: not valid JSON"), error.description)
    }

    func testTemplatesOnlyUseKnownVariables() {
        let text = #"{"canned_replies": [{"name": "a", "text": "Hi {firstname}"}]}"#
        guard case .failure(let error) = ConfigLoader.parse(text, file: "c.json") else { return XCTFail() }
        XCTAssertTrue(error.description.contains("canned_replies[0].text: unknown variable {firstname}"), error.description)
    }

    func testWorkspaceLookupOrder() throws {
        let folder = TemporaryFolder()
        let configPath = folder.write("team.json", #"{"brand": "B", "cache": "data/c.sqlite"}"#)
        let env = ["HOME": folder.path, "XDG_DATA_HOME": folder.file("xdg")]
        XCTAssertEqual(try Workspace.resolve(configFlag: nil, cacheFlag: nil, environment: env).cachePath, folder.file("xdg") + "/heed/cache.sqlite")
        XCTAssertNil(try Workspace.resolve(configFlag: nil, cacheFlag: nil, environment: env).configPath)
        XCTAssertEqual(try Workspace.resolve(configFlag: configPath, cacheFlag: nil, environment: env).cachePath, folder.file("data/c.sqlite"))
        XCTAssertEqual(try Workspace.resolve(configFlag: nil, cacheFlag: nil, environment: env.merging(["HEED_CONFIG": configPath]) { $1 }).config.brand, "B")
        XCTAssertEqual(try Workspace.resolve(configFlag: configPath, cacheFlag: nil, environment: env.merging(["HEED_CACHE": "/e.sqlite"]) { $1 }).cachePath, "/e.sqlite")
        XCTAssertEqual(try Workspace.resolve(configFlag: configPath, cacheFlag: "/f.sqlite", environment: env.merging(["HEED_CACHE": "/e.sqlite"]) { $1 }).cachePath, "/f.sqlite")
        XCTAssertThrowsError(try Workspace.resolve(configFlag: folder.file("missing.json"), cacheFlag: nil, environment: env)) {
            XCTAssertEqual(($0 as? HeedError)?.kind, HeedError.Kind.config)
        }
    }
}
