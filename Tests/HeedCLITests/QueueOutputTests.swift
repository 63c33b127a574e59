import Foundation
import GRDB
import HeedCore
import HeedTestSupport
import XCTest

/// What the command line prints where a newcomer looks first: whole lines into a pipe, what an
/// empty queue means, how many more there are, a config checked by its path.
final class QueueOutputTests: XCTestCase {
    let folder = TemporaryFolder()

    func testLinesAreWholeIntoAPipeAndCutOnRequest() throws {
        let cache = folder.file("c.sqlite")
        let text = "my card was charged twice and the branch says it is the app's fault while the app says call the branch, for the third day now"
        folder.write("in.jsonl", MentionLines.line(id: "1", text: text, author: "dana") + "\n")
        XCTAssertEqual(try HeedRun.run(["ingest", "--cache", cache, folder.file("in.jsonl")], in: folder).status, 0)
        let piped = try HeedRun.run(["queue", "--cache", cache], in: folder, environment: ["COLUMNS": ""])
        XCTAssertTrue(piped.stdout.contains(text), "grep sees all of it:\n\(piped.stdout)")
        let cut = try HeedRun.run(["queue", "--cache", cache, "--width", "80"], in: folder, environment: ["COLUMNS": ""])
        XCTAssertFalse(cut.stdout.contains(text))
        XCTAssertTrue(cut.stdout.split(separator: "\n").allSatisfy { DisplayWidth.of(String($0)) <= 80 }, cut.stdout)
    }

    /// A cache of a million mentions numbers its conversations past 99,999; the id is what an
    /// operator types next, so it is never cut, and the page's columns stay lined up.
    func testLongIdsAreShownWholeAndLinedUp() throws {
        let cache = folder.file("c.sqlite")
        folder.write("a.jsonl", MentionLines.line(id: "1", text: "my card was declined at the till", author: "dana") + "\n")
        XCTAssertEqual(try HeedRun.run(["ingest", "--cache", cache, folder.file("a.jsonl")], in: folder).status, 0)
        // A resolved conversation numbered 99,999: the next one the import makes is 100000.
        try DatabaseQueue(path: cache).write { db in
            try db.execute(sql: """
                CREATE TEMP TABLE copied AS SELECT * FROM conversation WHERE id = 1;
                UPDATE copied SET id = 99999, status = 'resolved';
                INSERT INTO conversation SELECT * FROM copied;
                """)
        }
        folder.write("b.jsonl", MentionLines.line(id: "2", text: "the app logs me out every time I open it", author: "eli") + "\n")
        XCTAssertEqual(try HeedRun.run(["ingest", "--cache", cache, folder.file("b.jsonl")], in: folder).status, 0)
        let queue = try HeedRun.run(["queue", "--cache", cache, "--width", "100"], in: folder, environment: ["COLUMNS": ""])
        let lines = queue.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.map { $0.split(separator: " ").first.map(String.init) ?? "" }.sorted(), ["1", "100000"], queue.stdout)
        // The priority begins in the same column on both lines.
        let priorityAt = lines.map { line in line.prefix { $0 != " " }.count + line.drop { $0 != " " }.prefix { $0 == " " }.count }
        XCTAssertEqual(priorityAt, [7, 7], "lined up:\n\(queue.stdout)")
    }

    func testAnEmptyQueueSaysSoAndWhereTheDemoIs() throws {
        let demo = try HeedRun.run(["demo", "--no-ui", "--size", "300"], in: folder)
        XCTAssertEqual(demo.status, 0, demo.stderr)
        let lines = demo.stdout.split(separator: "\n")
        XCTAssertEqual(lines.filter { !$0.hasPrefix("demo:") && !$0.hasPrefix("…") }.count, 20)
        XCTAssertTrue(lines.last?.hasPrefix("… ") == true && lines.last?.contains("more: heed queue --cache ") == true, demo.stdout)
        let empty = try HeedRun.run(["queue"], in: folder)
        XCTAssertEqual(empty.status, 0)
        let usual = folder.file("data-home") + "/heed/cache.sqlite"
        XCTAssertEqual(empty.stdout, "nothing open in \(usual); the demo is in \(folder.file("data-home"))/heed/demo.sqlite: "
            + "heed queue --cache \(folder.file("data-home"))/heed/demo.sqlite\n")
        let some = try HeedRun.run(["queue", "--cache", folder.file("data-home") + "/heed/demo.sqlite", "--limit", "5"], in: folder)
        let more = try XCTUnwrap(some.stdout.split(separator: "\n").last)
        let total = Int(more.split(separator: " ")[1])! + 5
        XCTAssertTrue(more.hasPrefix("… ") && more.hasSuffix("more (--limit \(total) shows them all)"), String(more))
        // Beyond the page it counts at most --count-at-most more, and says so.
        let bounded = try HeedRun.run(["queue", "--cache", folder.file("data-home") + "/heed/demo.sqlite", "--limit", "5", "--count-at-most", "3"], in: folder)
        XCTAssertEqual(bounded.stdout.split(separator: "\n").last, "… over 3 more (--count-at-most 0 counts them all)")
        let exact = try HeedRun.run(["queue", "--cache", folder.file("data-home") + "/heed/demo.sqlite", "--limit", "5", "--count-at-most", "0"], in: folder)
        XCTAssertEqual(exact.stdout.split(separator: "\n").last.map(String.init), "… \(total - 5) more (--limit \(total) shows them all)")
        let refused = try HeedRun.run(["queue", "--cache", folder.file("data-home") + "/heed/demo.sqlite", "--count-at-most", "-1"], in: folder)
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("--count-at-most"), refused.stderr)
        XCTAssertEqual(try HeedRun.run(["queue", "--cache", folder.file("data-home") + "/heed/demo.sqlite", "zzzqqq"], in: folder).stdout,
                       "nothing matches zzzqqq\n")
        XCTAssertEqual(try HeedRun.run(["queue", "--cache", folder.file("data-home") + "/heed/demo.sqlite", "refnud"], in: folder).stdout,
                       "nothing matches refnud — did you mean \"refund\"?\n")
    }

    func testAConfigIsCheckedByItsPathAndCountedInWords() throws {
        let example = Paths.packageRoot + "/config.example.json"
        let check = try HeedRun.run(["config", "check", example], in: folder)
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stdout.hasPrefix("\(example): ok — 3 operators, 6 teams, 5 rules, 4 canned replies, 2 views, 1 connected account"), check.stdout)
        XCTAssertTrue(check.stdout.contains("canned replies") && check.stdout.contains("1 connected account"), check.stdout)
        folder.write("bad.json", #"{"brand": 3}"#)
        let bad = try HeedRun.run(["config", "check", folder.file("bad.json")], in: folder)
        XCTAssertEqual(bad.status, 78)
        XCTAssertTrue(bad.stderr.contains("bad.json:1: brand:"), bad.stderr)
    }
}
