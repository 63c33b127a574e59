import Foundation
import HeedTestSupport
import XCTest

/// `heed report` as a lead runs it on the demo: the three outputs agree, bad words are refused.
final class ReportCommandTests: XCTestCase {
    let folder = TemporaryFolder()
    var cache: String { folder.file("demo.sqlite") }

    func testTheOutputsAgreeAndBadInputIsNamed() throws {
        XCTAssertEqual(try HeedRun.run(["demo", "--no-ui", "--size", "400", "--cache", cache], in: folder).status, 0)
        let json = try HeedRun.run(["report", "--cache", cache, "--since", "30d", "--by", "channel", "--json"], in: folder)
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let total = try XCTUnwrap(object["total"] as? [String: Any])
        let heard = try XCTUnwrap(total["heard"] as? [String: Any])
        let opened = try XCTUnwrap(heard["opened"] as? Int)
        XCTAssertGreaterThan(opened, 100, "the demo's conversations are opened within the last 30 days")
        let groups = try XCTUnwrap(object["groups"] as? [[String: Any]])
        XCTAssertEqual(groups.compactMap { ($0["measures"] as? [String: Any])?["heard"] as? [String: Any] }.compactMap { $0["opened"] as? Int }.reduce(0, +),
                       opened, "each conversation in one channel's row")

        let csv = try HeedRun.run(["report", "--cache", cache, "--since", "30d", "--by", "channel", "--csv"], in: folder)
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let totalRow = Dictionary(uniqueKeysWithValues: zip(rows[0], try XCTUnwrap(rows.last)))
        XCTAssertEqual(totalRow["group"], "total")
        XCTAssertEqual(totalRow["heard.opened"], String(opened))

        let text = try HeedRun.run(["report", "--cache", cache, "--since", "30d", "--width", "80"], in: folder)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, text.stdout)
        XCTAssertTrue(text.stdout.contains("\nHeard "), text.stdout)

        let bad = try HeedRun.run(["report", "--cache", cache, "--since", "yesterday-ish"], in: folder)
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.hasPrefix("heed: --since yesterday-ish: expected a day such as 2026-11-01"), bad.stderr)
        let both = try HeedRun.run(["report", "--cache", cache, "--json", "--csv"], in: folder)
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("--json and --csv: choose one"), both.stderr)
        let grouping = try HeedRun.run(["report", "--cache", cache, "--by", "month"], in: folder)
        XCTAssertNotEqual(grouping.status, 0)
        XCTAssertTrue(grouping.stderr.contains("The value 'month' is invalid for '--by <by>'"), grouping.stderr)
    }
}
