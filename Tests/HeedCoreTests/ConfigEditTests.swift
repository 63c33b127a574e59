import Foundation
import HeedTestSupport
import XCTest
@testable import HeedCore

/// `heed account add` changes a person's config file: the one entry added where it belongs,
/// every other byte as it was.
final class ConfigEditTests: XCTestCase {
    let entry = #"{"name":"mastodon-help","url":"https://mastodon.social","handle":"help"}"#

    func add(_ text: String, channel: String = "mastodon") throws -> String {
        try ConfigEdit.addingAccount(entry, channel: channel, to: text, file: "config.json").text
    }

    func testAnAccountJoinsItsChannelsListOnALineOfItsOwn() throws {
        let text = """
            {
              "brand": "Northwind {Bank} \\"[nw]",
              "channels": ["trustpilot"],
              "accounts": {
                "x": ["NorthwindHelp"],
                "mastodon": [
                  {"name": "mastodon-main", "url": "https://mastodon.social", "handle": "northwind"}
                ]
              },
              "undo_seconds": 10
            }

            """
        let edited = try add(text)
        XCTAssertEqual(edited, text.replacingOccurrences(of: #""handle": "northwind"}"#, with: #""handle": "northwind"},"# + "\n      " + entry))
        let config = try ConfigLoader.parse(edited, file: "config.json").get()
        XCTAssertEqual(config.connectedAccounts.map(\.name), ["mastodon-main", "mastodon-help"])
        XCTAssertEqual(config.accounts["x"], ["NorthwindHelp"], "the rest as it was")
    }

    func testAListOnOneLineOrEmptyTakesItInPlace() throws {
        XCTAssertEqual(try add(#"{"accounts": {"mastodon": ["northwind"]}}"#), #"{"accounts": {"mastodon": ["northwind", "# + entry + "]}}")
        XCTAssertEqual(try add(#"{"accounts": {"mastodon": [ ]}}"#), #"{"accounts": {"mastodon": [ "# + entry + "]}}")
    }

    func testAChannelOrTheAccountsAreAddedFirstIndentedAsTheirNeighbours() throws {
        let text = """
            {
                "undo_seconds": 10,
                "accounts": {
                    "x": ["NorthwindHelp"]
                }
            }
            """
        XCTAssertEqual(try add(text), text.replacingOccurrences(of: #""x": ["NorthwindHelp"]"#, with: #""mastodon": ["# + entry + "],\n        " + #""x": ["NorthwindHelp"]"#))
        XCTAssertEqual(try add(#"{"accounts": {}}"#), #"{"accounts": {"mastodon": ["# + entry + "]}}")
        XCTAssertEqual(try add("{\n  \"undo_seconds\": 10\n}\n"), "{\n  \"accounts\": {\"mastodon\": [\(entry)]},\n  \"undo_seconds\": 10\n}\n")
        XCTAssertEqual(try add("{}\n"), "{\"accounts\": {\"mastodon\": [\(entry)]}}\n")
    }

    func testAnEditTheConfigWouldRefuseIsNotMade() throws {
        XCTAssertThrowsError(try add(#"{"accounts": {"mastodon": [{"name": "mastodon-help", "url": "https://a.example", "handle": "a"}]}}"#)) { error in
            XCTAssertTrue((error as? HeedError)?.message.contains("the account cannot be added") == true, "\(error)")
        }
        XCTAssertThrowsError(try add(#"{"accounts": {"mastodon": "northwind"}}"#)) { error in
            XCTAssertEqual((error as? HeedError)?.message, "config.json: accounts.mastodon is not a list")
        }
    }

    func testTheFileIsReplacedWholeKeepingItsMode() throws {
        let folder = TemporaryFolder()
        let path = folder.file("config.json")
        folder.write("config.json", "{}\n")
        chmod(path, 0o640)
        try ConfigEdit.replace(path, with: try add("{}\n"))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "{\"accounts\": {\"mastodon\": [\(entry)]}}\n")
        var info = stat()
        stat(path, &info)
        XCTAssertEqual(info.st_mode & 0o777, 0o640)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["config.json"], "nothing left beside it")
    }
}
