import Foundation
import HeedTestSupport
import XCTest
@testable import HeedCore

/// Which parts of a config decide what a cache stores: who counts as us does; how heed connects
/// to our accounts does not, so connecting one (`heed account add`) never unbinds a cache.
final class ScoringFingerprintTests: XCTestCase {
    func config(_ text: String) throws -> Config { try ConfigLoader.parse(text, file: "config.json").get() }

    func testHowHeedConnectsToAnAccountIsNotScoringButWhoIsUsIs() throws {
        let plain = try config(#"{"accounts": {"mastodon": ["help"], "x": ["NorthwindHelp"]}}"#).scoring
        let connected = try config(#"""
            {"accounts": {"x": ["NorthwindHelp"], "mastodon": ["help", {"name": "mastodon-help", "handle": "help", "url": "https://mastodon.social",
                                                                        "poll_seconds": 5, "stream": true}]}}
            """#).scoring
        XCTAssertEqual(plain.differences(from: connected), [])
        XCTAssertEqual(connected.differences(from: plain), [])
        let moved = try config(#"{"accounts": {"x": ["NorthwindHelp"], "mastodon": [{"name": "m", "handle": "help", "url": "https://other.example"}]}}"#).scoring
        XCTAssertEqual(plain.differences(from: moved), [], "another instance, the same handle")
        let another = try config(#"{"accounts": {"mastodon": ["help", {"name": "m2", "handle": "help2", "url": "https://mastodon.social"}], "x": ["NorthwindHelp"]}}"#)
        XCTAssertEqual(plain.differences(from: another.scoring), ["accounts"], "a new handle of ours changes who counts as us")
    }

    func testACacheBoundInTheEarlierFormStillMatchesAndIsKeptInTodays() throws {
        let folder = TemporaryFolder()
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let config = try config(#"{"accounts": {"blog": ["Northwind Team", {"name": "blog-comments", "url": "https://blog.example/feed", "poll_seconds": 300}]}}"#)
        var earlier = config.scoring
        earlier.hashes["accounts"] = try XCTUnwrap(config.scoring.earlier["accounts"], "the whole section hashed as before")
        try database.write { db in
            try db.execute(sql: "INSERT INTO config_binding (only, scoring, source, bound_at, bound_by) VALUES (1, ?, 'config.json', 0, NULL)",
                           arguments: [earlier.description])
        }
        try ConfigBinding.settle(database, config: config, source: "config.json", by: nil, now: 1)
        XCTAssertEqual(try database.read(ConfigBinding.read)?.scoring.description, config.scoring.description)
        let changed = try self.config(#"{"accounts": {"blog": ["Northwind Team", {"name": "blog-comments", "url": "https://blog.example/feed", "poll_seconds": 60}]}}"#)
        XCTAssertNoThrow(try ConfigBinding.settle(database, config: changed, source: "config.json", by: nil, now: 2), "an interval is no scoring")
    }
}
