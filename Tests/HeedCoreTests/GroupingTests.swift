import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// The cache an import gives does not depend on how its mentions were grouped into files.
final class GroupingTests: XCTestCase {
    func testOneFileOrThreeGiveTheSamePriorities() throws {
        let folder = TemporaryFolder()
        let clock = FixedClock("2026-11-23T12:00:00Z")
        let config = try ExampleConfig.load()
        let mentions = Array(DemoGenerator(size: 3_000, seed: 11, now: clock.now(), config: config)).sorted { $0.createdAt < $1.createdAt }
        let lines = mentions.map(HeedJSONLines.encode)
        func cache(_ parts: [ArraySlice<String>], name: String) throws -> [String] {
            let database = try AppDatabase.open(path: folder.file(name + ".sqlite"))
            let ingester = Ingester(database: database, config: config, clock: clock)
            for (index, part) in parts.enumerated() {
                _ = try ingester.ingest(path: folder.write("\(name)-\(index).jsonl", part.joined(separator: "\n") + "\n"))
            }
            return try database.read { db in
                try String.fetchAll(db, sql: """
                    SELECT (SELECT min(m.channel || ':' || m.source_id) FROM mention m WHERE m.conversation_id = c.id) || ' ' || c.priority
                        || ' ' || c.status || ' ' || coalesce(c.incident_id, '-') AS line FROM conversation c ORDER BY line
                    """)
            }
        }
        let whole = try cache([lines[...]], name: "one")
        let third = lines.count / 3
        let split = try cache([lines[..<third], lines[third..<(2 * third)], lines[(2 * third)...]], name: "three")
        for (name, other) in [("three in time", split),
                              ("three interleaved", try cache((0..<3).map { k in ArraySlice(lines.enumerated().filter { $0.offset % 3 == k }.map(\.element)) },
                                                            name: "interleaved"))] {
            let differing = zip(whole, other).filter { $0 != $1 }
            XCTAssertEqual(whole.count, other.count, name)
            XCTAssertTrue(differing.isEmpty, "\(name): \(differing.count) differ: \(differing.prefix(8))")
        }
    }
}
