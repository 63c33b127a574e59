import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// Texts read for triage ahead of storing, on another thread, give the cache that reading them
/// as they are stored gives.
final class MentionReadingTests: XCTestCase {
    let folder = TemporaryFolder()
    let now = "2026-11-23T12:00:00Z"

    func testReadingAheadStoresWhatReadingAsStoredDoes() throws {
        let config = try ExampleConfig.load()
        var mentions = Array(DemoGenerator(size: 3_000, seed: 11, now: FixedClock(now).now(), config: config))
        // A complaint holding a NUL, which storing replaces: read ahead as it is stored.
        var broken = mentions[10]
        (broken.sourceID, broken.text) = ("nul-1", "my card was declined\u{0} twice, refund me now, this is awful")
        mentions.append(broken)

        // One batch each: where a time budget ends a batch moves what triage sees of a campaign.
        func ingester(_ database: AppDatabase) -> Ingester {
            let ingester = Ingester(database: database, config: config, clock: FixedClock(now))
            ingester.lockBudget = nil
            return ingester
        }
        let plain = try AppDatabase.inMemory()
        _ = try ingester(plain).ingest(mentions: mentions, source: "demo")
        let madeAhead = try AppDatabase.inMemory()
        _ = try ingester(madeAhead).ingest(madeAhead: mentions, source: "demo")
        let fromFile = try AppDatabase.inMemory()
        let path = folder.write("demo.jsonl", mentions: mentions)
        _ = try ingester(fromFile).ingest(path: path)

        let expected = try triaged(plain)
        XCTAssertGreaterThan(expected.complaints, 300, "the demo's complaints are read for incidents")
        XCTAssertGreaterThan(expected.incidents, 0, "and make an incident")
        XCTAssertTrue(expected.mentions.contains { $0.hasPrefix("nul-1|complaint|") }, "the NUL's complaint is read as one")
        assertSame(try triaged(madeAhead), expected, "made ahead")
        assertSame(try triaged(fromFile), expected, "from a file")
    }

    /// The first row that differs, rather than thousands.
    private func assertSame(_ got: Triaged, _ expected: Triaged, _ way: String, line: UInt = #line) {
        for (name, a, b) in [("mention", got.mentions, expected.mentions), ("conversation", got.conversations, expected.conversations)] {
            XCTAssertEqual(a.count, b.count, "\(way): \(name)s", line: line)
            if let i = a.indices.first(where: { $0 < b.count && a[$0] != b[$0] }) { XCTFail("\(way): \(name) \(a[i])\n  expected \(b[i])", line: line) }
        }
        XCTAssertEqual(got.complaints, expected.complaints, "\(way): complaints", line: line)
        XCTAssertEqual(got.incidents, expected.incidents, "\(way): incidents", line: line)
    }

    private struct Triaged: Equatable {
        var mentions: [String]
        var conversations: [String]
        var complaints: Int
        var incidents: Int
    }

    private func triaged(_ database: AppDatabase) throws -> Triaged {
        try database.read { db in
            Triaged(
                mentions: try String.fetchAll(db, sql: """
                    SELECT source_id || '|' || coalesce(kind, '-') || '|' || coalesce(round(sentiment, 4), '-') || '|' || coalesce(text_hash, '-')
                    FROM mention ORDER BY source_id
                    """),
                conversations: try String.fetchAll(db, sql: """
                    SELECT m.source_id || '|' || c.status || '|' || c.priority || '|' || c.static_points || '|' || coalesce(c.kind, '-') || '|'
                        || coalesce(c.incident_id, '-') || '|' || coalesce(c.team, '-') || '|' || coalesce(r.reasons, '-')
                    FROM conversation c JOIN mention m ON m.id = c.latest_mention_id
                    LEFT JOIN conversation_reasons r ON r.conversation_id = c.id ORDER BY m.source_id
                    """),
                complaints: try Int.fetchOne(db, sql: "SELECT count(*) FROM mention WHERE \(IncidentDetector.complaintSQL)") ?? 0,
                incidents: try Int.fetchOne(db, sql: "SELECT count(*) FROM incident") ?? 0)
        }
    }
}
