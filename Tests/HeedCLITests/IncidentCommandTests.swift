import HeedTestSupport
import XCTest

/// `heed incident list|show` and the queue's grouping, on the demo's "app down" burst.
final class IncidentCommandTests: XCTestCase {
    func testTheDemoOutageIsListedShownAndGroupedInTheQueue() throws {
        let folder = TemporaryFolder()
        let cache = folder.file("demo.sqlite")
        let demo = try HeedRun.run(["demo", "--no-ui", "--cache", cache], in: folder)
        XCTAssertEqual(demo.status, 0, demo.stderr)

        let list = try HeedRun.run(["incident", "list", "--cache", cache], in: folder)
        XCTAssertEqual(list.status, 0, list.stderr)
        let lines = list.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, list.stdout)
        XCTAssertTrue(lines[0].hasPrefix("incident 1 · active · app down · "), list.stdout)

        let show = try HeedRun.run(["incident", "show", "1", "--json", "--cache", cache], in: folder)
        XCTAssertEqual(show.status, 0, show.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let members = try XCTUnwrap(json["members"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(json["conversations"] as? Int ?? 0, 30)
        XCTAssertEqual(members.count, min(50, json["conversations"] as? Int ?? 0))
        XCTAssertTrue(members.allSatisfy { ($0["text"] as? String ?? "").lowercased().contains("app") || ($0["text"] as? String ?? "").lowercased().contains("log") })

        // In the queue the members stand together under the incident's line, indented.
        let queue = try HeedRun.run(["queue", "--limit", "5000", "--cache", cache], in: folder, environment: ["COLUMNS": "100"])
        XCTAssertEqual(queue.status, 0, queue.stderr)
        let rows = queue.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try XCTUnwrap(rows.firstIndex { $0.hasPrefix("incident 1 · ") }, queue.stdout)
        let grouped = rows[(header + 1)...].prefix { $0.hasPrefix("  ") }
        XCTAssertEqual(grouped.count, json["open"] as? Int)
        XCTAssertEqual(rows.filter { $0.hasPrefix("incident ") }.count, 1)

        let missing = try HeedRun.run(["incident", "show", "99", "--cache", cache], in: folder)
        XCTAssertEqual(missing.status, 65)
        XCTAssertEqual(missing.stderr, "heed: no incident 99 (see `heed incident list --all` for the numbers)\n")
    }
}
