import Foundation
import HeedTestSupport
import XCTest
@testable import HeedCore

/// What a long import says of itself while it runs.
final class IngestProgressTests: XCTestCase {
    func testTheLineSaysHowManyHowFastHowFarAndHowLong() {
        let file = IngestProgress.Snapshot(records: 1_234_567, bytes: 412_000_000, totalBytes: 1_200_000_000, seconds: 80)
        XCTAssertEqual(file.line(width: 200), "1,234,567 records · 15,432/s · 412 MB of 1.2 GB (34%) · 2m 33s left")
        XCTAssertEqual(file.line(width: 30), "1,234,567 records · 15,432/s ·", "cut to the terminal, never wrapped")
        let demo = IngestProgress.Snapshot(records: 250_000, totalRecords: 1_000_000, seconds: 5)
        XCTAssertEqual(demo.line(width: 200), "250,000 of 1,000,000 records (25%) · 50,000/s · 15s left")
        let stdin = IngestProgress.Snapshot(records: 999, bytes: 2_500, seconds: 0.5)
        XCTAssertEqual(stdin.line(width: 200), "999 records · 1,998/s · 2 kB", "standard input: no whole to go by")
        var scoring = IngestProgress.Snapshot(records: 50_000, totalRecords: 50_000, seconds: 4)
        scoring.step = "scoring"
        XCTAssertEqual(scoring.line(width: 200), "50,000 of 50,000 records (100%) · 12,500/s · scoring…", "done reading is not done")
        XCTAssertEqual(scoring.json, #"{"records":50000,"rate":12500,"bytes":0,"seconds":4.0,"total_records":50000,"seconds_left":0,"step":"scoring"}"#)
        XCTAssertEqual(IngestProgress.Snapshot(records: 10, seconds: 0.2).json, #"{"records":10,"rate":50,"bytes":0,"seconds":0.2}"#)
    }

    func testAnImportMovesItOnRecordByRecordAndByteByByte() throws {
        let folder = TemporaryFolder()
        let lines = (1...2_500).map { MentionLines.line(id: String($0)) }
        let path = folder.write("many.jsonl", lines.joined(separator: "\n") + "\n")
        let ingester = Ingester(database: try AppDatabase.open(path: folder.file("c.sqlite")), config: Config())
        ingester.batchSize = 1_000
        ingester.lockBudget = nil
        let progress = IngestProgress.files([path])
        ingester.progress = progress
        var seen: [Int] = []
        ingester.afterBatch = { _ in seen.append(progress.snapshot().records) }
        _ = try ingester.ingest(path: path)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let done = progress.snapshot()
        XCTAssertEqual(done.records, 2_500)
        XCTAssertEqual(done.bytes, Int64(size))
        XCTAssertEqual(done.totalBytes, Int64(size))
        XCTAssertEqual(done.fraction, 1)
        XCTAssertNil(done.step)
        XCTAssertEqual(seen.count, 3)
        XCTAssertTrue(seen.first! >= 1_000 && seen.first! < 2_500, "\(seen)")
        XCTAssertNil(IngestProgress.files([path, "-"]).snapshot().totalBytes, "standard input has no size")
    }

    func testMadeMentionsAreCountedToo() throws {
        let folder = TemporaryFolder()
        let progress = IngestProgress(totalRecords: 2_345)
        _ = try DemoCache.build(path: folder.file("demo.sqlite"), size: 2_345, seed: 3, clock: FixedClock("2026-08-01T14:00:00Z"), progress: progress)
        XCTAssertEqual(progress.snapshot().records, 2_345)
    }
}
