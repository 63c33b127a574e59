import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class DemoTests: XCTestCase {
    let clock = FixedClock("2026-11-23T12:00:00Z")

    func testSameSeedGivesTheSameCacheAndAnotherSeedDoesNot() throws {
        let folder = TemporaryFolder()
        let (a, _) = try DemoCache.build(path: folder.file("a.sqlite"), size: 1_500, seed: 7, clock: clock)
        let (b, _) = try DemoCache.build(path: folder.file("b.sqlite"), size: 1_500, seed: 7, clock: clock)
        let (c, _) = try DemoCache.build(path: folder.file("c.sqlite"), size: 1_500, seed: 8, clock: clock)
        XCTAssertEqual(try CacheDump.text(a), try CacheDump.text(b))
        XCTAssertNotEqual(try CacheDump.text(a), try CacheDump.text(c))
    }

    func testTheDemoLooksLikeARealQueue() throws {
        let config = try ExampleConfig.load()
        let mentions = Array(DemoGenerator(size: 2_000, seed: DemoCache.defaultSeed, now: clock.now(), config: config))
        XCTAssertEqual(mentions.count, 2_000)
        XCTAssertTrue(mentions.allSatisfy { $0.createdAt <= clock.now() && $0.createdAt > clock.now() - 73 * 3_600_000 })
        XCTAssertGreaterThanOrEqual(Set(mentions.map(\.channel)).count, 10, "every channel")
        let ours = mentions.filter { config.isOurAccount(channel: $0.channel, handle: $0.author.handle, authorID: $0.author.id) }
        XCTAssertGreaterThan(ours.count, 100, "threads with our replies")
        XCTAssertTrue(ours.allSatisfy { $0.inReplyTo != nil })
        let outage = mentions.filter { $0.text.lowercased().contains("down") || $0.text.lowercased().contains("log in") }
            .filter { clock.now() - $0.createdAt < 40 * 60_000 }
        XCTAssertGreaterThanOrEqual(outage.count, 30, "a burst of outage complaints within minutes")
        let copies = Dictionary(grouping: mentions, by: \.text).values.filter { Set($0.map(\.author.id)).count >= 3 }
        XCTAssertFalse(copies.isEmpty, "copy-paste spam from several accounts")
        XCTAssertGreaterThanOrEqual(Set(mentions.compactMap(\.lang)).count, 6, "other languages")
        XCTAssertTrue(mentions.contains { $0.text.unicodeScalars.contains { DisplayWidth.isWide($0.value) && $0.value >= 0x3000 && $0.value < 0xA000 } }, "CJK")
        XCTAssertTrue(mentions.contains { $0.text.unicodeScalars.contains { $0.properties.isEmojiPresentation } }, "emoji")
        XCTAssertTrue(mentions.contains { $0.author.verified && $0.author.followers >= 50_000 }, "VIPs")
        let repeats = Dictionary(grouping: mentions.filter { $0.inReplyTo == nil }, by: \.author.id).values.filter { $0.count >= 3 }
        XCTAssertFalse(repeats.isEmpty, "repeat customers")
        XCTAssertFalse(mentions.contains { $0.text.lowercased().contains("lorem") })
    }

    /// At the demo's moment a team has been at work: what waits is mostly recent, so "late"
    /// means something (under a fifth of the open conversations), and the top band is small.
    func testTheDemoClockTellsTheTruth() throws {
        for size in [300, 2_000] {
            let folder = TemporaryFolder()
            let (database, _) = try DemoCache.build(path: folder.file("truth-\(size).sqlite"), size: size, seed: DemoCache.defaultSeed, clock: clock)
            let (open, breached, top) = try database.read { db in
                let row = try Row.fetchOne(db, sql: "SELECT count(*) AS open, sum(breached) AS breached, sum(priority >= 90) AS top FROM conversation WHERE status = 'open'")!
                return (row["open"] as Int, row["breached"] as Int, row["top"] as Int)
            }
            XCTAssertGreaterThan(open, size / 20, "a queue to work (\(size))")
            XCTAssertLessThan(Double(breached), Double(open) / 5, "\(breached) of \(open) late (\(size))")
            XCTAssertGreaterThan(breached, 0, "some are late (\(size))")
            XCTAssertLessThan(Double(top), Double(open) / 10, "\(top) of \(open) in the top band (\(size))")
        }
    }

    func testARealCacheIsNeverOverwrittenByTheDemo() throws {
        let folder = TemporaryFolder()
        let path = folder.file("real.sqlite")
        _ = try AppDatabase.open(path: path)
        XCTAssertThrowsError(try DemoCache.build(path: path, size: 10, seed: 1, clock: clock)) {
            XCTAssertTrue("\($0)".contains("holds a real cache"), "\($0)")
        }
    }
}
