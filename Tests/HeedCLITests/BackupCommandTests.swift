import Foundation
import HeedCore
import HeedTestSupport
import XCTest

/// `heed backup` and `heed restore` as an administrator or cron runs them.
final class BackupCommandTests: XCTestCase {
    let folder = TemporaryFolder()
    var cache: String { folder.file("demo.sqlite") }

    func heed(_ arguments: [String]) throws -> HeedRun {
        try HeedRun.run(arguments + ["--cache", cache], in: folder, environment: ["USER": "admin"])  // not believed: the log names the real login
    }

    func testBackUpCheckAndRestoreOnlyWhenNobodyHasTheCacheOpen() throws {
        XCTAssertEqual(try heed(["demo", "--no-ui", "--size", "60"]).status, 0)
        let taken = try heed(["backup", folder.file("monday.sqlite")])
        XCTAssertEqual(taken.status, 0, taken.stderr)
        let lines = taken.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "backed up \(cache) to \(folder.file("monday.sqlite"))")
        XCTAssertEqual(lines.count, 3, taken.stdout)
        XCTAssertNotNil(lines[1].range(of: #"^  [\d,]+ mentions in [\d,]+ conversations \([\d,]+ open\), [\d,]+ customers, \d+ posts not yet sent$"#,
                                       options: .regularExpression), lines[1])
        XCTAssertTrue(lines[2].hasSuffix(", integrity checked"), lines[2])

        let again = try heed(["backup", folder.file("monday.sqlite")])
        XCTAssertEqual(again.status, 73)
        XCTAssertEqual(again.stderr, "heed: \(folder.file("monday.sqlite")) exists: a backup is never written over a file — name a new one\n")

        let checked = try heed(["backup", "--check", folder.file("monday.sqlite")])
        XCTAssertEqual(checked.status, 0, checked.stderr)
        XCTAssertEqual(checked.stdout.split(separator: "\n").dropFirst().map(String.init), Array(lines.dropFirst()))

        // A process with the cache open (a screen, heed run): the restore waits for it to go.
        let open = try AppDatabase.open(path: cache)
        let refused = try heed(["restore", folder.file("monday.sqlite")])
        XCTAssertEqual(refused.status, 75)
        XCTAssertTrue(refused.stderr.contains("is in use (a screen or a command has it open): stop everyone using it and run it again — nothing was changed"),
                      refused.stderr)
        try open.close()

        let restored = try heed(["restore", folder.file("monday.sqlite")])
        XCTAssertEqual(restored.status, 0, restored.stderr)
        let said = restored.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(said.first, "restored \(cache) from \(folder.file("monday.sqlite"))")
        XCTAssertTrue(said.last?.hasPrefix("the cache it replaced is kept as \(cache).replaced-") == true, restored.stdout)
        let queue = try heed(["queue", "--limit", "3"])
        XCTAssertEqual(queue.status, 0, queue.stderr)
        let database = try AppDatabase.open(path: cache)
        let logged = try database.read { db in try String.fetchAll(db, sql: "SELECT operator || ' ' || kind FROM event WHERE kind IN ('backup', 'restore') ORDER BY id") }
        XCTAssertEqual(logged, ["\(Identity.process(mayChangeConfig: false).unixUser ?? "heed") restore"], "the copy holds what was before the backup; the restore is logged in it")

        let busy = try heed(["vacuum"])
        XCTAssertEqual(busy.status, 75, "the cache is open here")
        try database.close()
        let vacuumed = try heed(["vacuum"])
        XCTAssertEqual(vacuumed.status, 0, vacuumed.stderr)
        XCTAssertNotNil(vacuumed.stdout.range(of: #"^vacuumed .+demo\.sqlite: \d+ (kB|MB) → \d+ (kB|MB)\n$"#, options: .regularExpression), vacuumed.stdout)
    }
}
