import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// A search that finds nothing offers the nearest words the cache holds.
final class SearchSuggestionTests: XCTestCase {
    let folder = TemporaryFolder()

    func testAMisspeltWordIsOfferedTheNearestWordTheCacheHas() throws {
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let texts = ["I want a refund for the double charge", "refund please, charged twice", "where is my refund?", "my card was refused"]
        let lines = texts.enumerated().map { MentionLines.line(id: "m\($0.offset)", text: $0.element, at: "2026-11-23T11:00:00Z", author: "a\($0.offset)") }
        _ = try Ingester(database: database, config: Config(), clock: FixedClock("2026-11-23T12:00:00Z"))
            .ingest(path: folder.write("in.jsonl", lines.joined(separator: "\n") + "\n"))
        try database.read { db in
            XCTAssertEqual(try SearchSuggestion.suggest(db, text: "refnud"), "refund", "a swap of two letters is one edit")
            XCTAssertEqual(try SearchSuggestion.suggest(db, text: "refnud tag:billing"), "refund tag:billing", "the rest of the search stays")
            XCTAssertEqual(try SearchSuggestion.suggest(db, text: "chargd twice"), "charge twice", "only the unknown word changes")
            XCTAssertNil(try SearchSuggestion.suggest(db, text: "refund"), "a word the cache has is not corrected")
            XCTAssertNil(try SearchSuggestion.suggest(db, text: "xylophone"), "nothing near: nothing offered")
            XCTAssertNil(try SearchSuggestion.suggest(db, text: "-refnud"), "a word searched against is left alone")
        }
    }

    func testATypoInAFieldNamesTheField() {
        XCTAssertThrowsError(try Query.parse("tga:billing")) { error in
            XCTAssertTrue((error as! QueryError).message.hasPrefix("unknown field tga: — tag:? (fields: from: channel: tag:"), "\(error)")
        }
    }
}
