import Foundation
import HeedCore
import HeedTestSupport
import XCTest

/// A cache is scored by one config: a process with another one is refused before it writes,
/// one without a config file of its own uses the cache's, and `heed config apply` changes it.
final class ConfigBindingTests: XCTestCase {
    let folder = TemporaryFolder()

    /// Each conversation's number and the part of its priority a config decides, as stored
    /// after `run` (the clock's part moves by itself between two runs): read at once.
    func priorities(_ run: HeedRun, in cache: String) throws -> [String] {
        XCTAssertEqual(run.status, 0, run.stderr)
        let database = try AppDatabase.open(path: cache)
        return try database.read { db in
            try String.fetchAll(db, sql: "SELECT id || ' ' || static_points || ' ' || coalesce(sla_minutes, '') FROM conversation ORDER BY id")
        }
    }

    func testOneConfigScoresACacheAndAnotherIsRefusedUntilApplied() throws {
        let demo = folder.file("demo.sqlite")
        XCTAssertEqual(try HeedRun.run(["demo", "--no-ui", "--cache", demo, "--size", "300", "--seed", "4"], in: folder).status, 0)
        let example = Paths.packageRoot + "/config.example.json"
        let scored = try priorities(try HeedRun.run(["queue", "--cache", demo, "--config", example, "--limit", "500"], in: folder), in: demo)

        // No config file of one's own: the demo's config, the same priorities (nothing re-scored and stored).
        XCTAssertEqual(try priorities(try HeedRun.run(["queue", "--cache", demo, "--limit", "500"], in: folder), in: demo), scored)

        // Another team's config scores differently: refused, naming both, and nothing changes.
        let other = folder.write("other.json", #"{"triage": {"weights": {"base": 40}}, "operators": [{"handle": "sam", "name": "Sam Brooks"}]}"#)
        let refused = try HeedRun.run(["queue", "--cache", demo, "--config", other], in: folder)
        XCTAssertEqual(refused.status, 78)
        XCTAssertTrue(refused.stderr.hasPrefix("heed: the cache \(demo) is scored by the built-in example config (since "), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("; \(other) would score it differently (accounts, business_hours, channels, rules, sla, timezone, triage differ)"),
                      refused.stderr)
        XCTAssertTrue(refused.stderr.contains("Use --config config.example.json (the demo's), or make yours the cache's with `heed config apply \(other)`"),
                      refused.stderr)
        XCTAssertEqual(try HeedRun.run(["resolve", "3", "--as", "sam", "--cache", demo, "--config", other], in: folder).status, 78,
                       "an action too")
        XCTAssertEqual(try priorities(try HeedRun.run(["queue", "--cache", demo, "--limit", "500"], in: folder), in: demo), scored, "nothing was written")
        let check = try HeedRun.run(["config", "check", other, "--cache", demo], in: folder)
        XCTAssertTrue(check.stdout.contains("the cache \(demo) is scored by another config (accounts, business_hours, channels, rules, sla, timezone, triage differ): "
            + "`heed config apply \(other)` makes this one the cache's"), check.stdout)

        // Applied: the cache is re-scored with it, and it is the cache's from then on.
        let applied = try HeedRun.run(["config", "apply", other, "--cache", demo], in: folder)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertTrue(applied.stdout.hasPrefix("the cache \(demo) is scored by \(other) (it was example): "), applied.stdout)
        XCTAssertTrue(applied.stdout.hasSuffix(" open conversations scored again\n"), applied.stdout)
        let rescored = try priorities(try HeedRun.run(["queue", "--cache", demo, "--config", other, "--limit", "500"], in: folder), in: demo)
        XCTAssertNotEqual(rescored, scored, "a base of 40 raises every priority")
        XCTAssertEqual(try priorities(try HeedRun.run(["queue", "--cache", demo, "--limit", "500"], in: folder), in: demo), rescored,
                       "without a config file, the cache's own")
        XCTAssertEqual(try HeedRun.run(["queue", "--cache", demo, "--config", example], in: folder).status, 78, "and the example is now the other one")
        XCTAssertTrue(try HeedRun.run(["config", "check", other, "--cache", demo], in: folder).stdout.contains("is scored by this config"))
    }

    func testWhatDoesNotScoreIsFreeToDiffer() throws {
        let cache = folder.file("c.sqlite")
        let a = folder.write("a.json", #"{"brand": "A", "keys": {"snooze": "z"}, "triage": {"weights": {"base": 12, "vip": 30}}}"#)
        let b = folder.write("b.json", #"{"triage": {"weights": {"vip": 30, "base": 12}}, "brand": "B", "operators": [{"handle": "lee", "name": "Lee"}]}"#)
        XCTAssertEqual(try HeedRun.run(["init", "--cache", cache, "--config", a], in: folder).status, 0)
        let second = try HeedRun.run(["queue", "--cache", cache, "--config", b], in: folder)
        XCTAssertEqual(second.status, 0, "brand, keys and operators differ, the scoring is the same (keys in another order): \(second.stderr)")
    }

    func testTheDemoIsNotRebuiltUnderSomeoneUsingIt() throws {
        let demo = folder.file("demo.sqlite")
        XCTAssertEqual(try HeedRun.run(["demo", "--no-ui", "--cache", demo, "--size", "100"], in: folder).status, 0)
        let open = try AppDatabase.open(path: demo)
        let refused = try HeedRun.run(["demo", "--no-ui", "--cache", demo, "--size", "100"], in: folder)
        XCTAssertEqual(refused.status, 73)
        XCTAssertTrue(refused.stderr.contains("the demo cache \(demo) is open in another heed (a screen, `heed run` or a command): close it before rebuilding"),
                      refused.stderr)
        XCTAssertEqual(try open.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") }, 100, "the cache in use is whole")
        try open.close()
        XCTAssertEqual(try HeedRun.run(["demo", "--no-ui", "--cache", demo, "--size", "100"], in: folder).status, 0, "closed, it may be rebuilt")
    }
}
