import Foundation
import GRDB
import HeedCore
import HeedTestSupport
import XCTest

/// `heed store migrate` as a lead moving a team's cache runs it, against a real PostgreSQL.
final class StoreCommandTests: XCTestCase {
    let folder = TemporaryFolder()
    var cache: String { folder.file("demo.sqlite") }

    func heed(_ arguments: [String], cache: String? = nil) throws -> HeedRun {
        try HeedRun.run(arguments + ["--cache", cache ?? self.cache], in: folder)
    }

    func testACacheCopiedToPostgreSQLAndBackShowsTheSameQueue() throws {
        XCTAssertEqual(try heed(["demo", "--no-ui", "--size", "200"]).status, 0)
        let url = try LocalPostgres.shared().newDatabase()

        let out = try heed(["store", "migrate", "--to", url, "--tables", "--progress", "json"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let lines = out.stdout.split(separator: "\n").map(String.init)
        let rows = try XCTUnwrap(lines.first?.firstMatch(of: /, (\d+) rows,/).map { Int($0.1)! })
        let last = try XCTUnwrap(out.stderr.split(separator: "\n").last, "the final figures, as JSON")
        let figures = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        XCTAssertEqual(figures["records"] as? Int, rows, out.stderr)
        XCTAssertNotNil(lines.first?.range(of: #"^copied .*demo\.sqlite to postgres://heed@/heed_test_\d+\?host=.*: \d+ tables, [\d]+ rows, every checksum equal$"#,
                                           options: .regularExpression), out.stdout)
        XCTAssertTrue(lines.contains { $0.range(of: #"^  mention: 200 rows, [0-9a-f]{32}$"#, options: .regularExpression) != nil }, out.stdout)

        let again = try heed(["store", "migrate", "--to", url])
        XCTAssertEqual(again.status, 64, again.stderr)
        XCTAssertTrue(again.stderr.contains("already holds heed's tables"), again.stderr)

        let back = folder.file("back.sqlite")
        let returned = try heed(["store", "migrate", "--from", url], cache: back)
        XCTAssertEqual(returned.status, 0, returned.stderr)
        XCTAssertTrue(returned.stdout.hasSuffix("to \(back): \(lines.count - 1) tables, \(lines.first!.split(separator: ",")[1].split(separator: " ")[0]) rows, every checksum equal\n"),
                      returned.stdout)
        // Each run brings the clock's part up to its own now and prints times relative to it: a
        // minute boundary or a step of the clock falling between the two runs changes a line, so
        // the pair is run again (at most twice more) when they differ.
        var queue = try heed(["queue", "--limit", "20"]), copied = try heed(["queue", "--limit", "20"], cache: back)
        for _ in 0..<2 where copied.stdout.replacingOccurrences(of: back, with: cache) != queue.stdout {
            (queue, copied) = (try heed(["queue", "--limit", "20"]), try heed(["queue", "--limit", "20"], cache: back))
        }
        XCTAssertEqual(queue.status, 0, queue.stderr)
        XCTAssertEqual(copied.stdout.replacingOccurrences(of: back, with: cache), queue.stdout)

        let over = try heed(["store", "migrate", "--from", url], cache: back)
        XCTAssertEqual(over.status, 73, over.stderr)

        let audit = try heed(["audit", "verify", "--store", url])
        XCTAssertEqual(audit.status, 0, audit.stderr)
        XCTAssertTrue(audit.stdout.hasPrefix("the event log is whole: "), audit.stdout)
        let entries = { (text: String) in text.firstMatch(of: /whole: (\d+) entries/).map { Int($0.1)! } }
        let backAudit = try heed(["audit", "verify"], cache: back)
        XCTAssertEqual(backAudit.status, 0, backAudit.stderr)
        XCTAssertEqual(entries(audit.stdout).map { $0 + 1 }, entries(backAudit.stdout), "the copy back adds its own arrival")

        // Reported from the copy as from the cache (each follows its conversations to its own now).
        let heard = { (run: HeedRun) throws -> NSDictionary in
            XCTAssertEqual(run.status, 0, run.stderr)
            let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            return try XCTUnwrap((report["total"] as? [String: Any])?["heard"] as? NSDictionary)
        }
        let fromCache = try heard(try heed(["report", "--since", "30d", "--json"]))
        XCTAssertGreaterThan(fromCache["opened"] as? Int ?? 0, 0)
        XCTAssertEqual(try heard(try heed(["report", "--since", "30d", "--json", "--store", url])), fromCache)

        // The copy brings the clock's part of every priority up to now, as `heed queue` does: the
        // same rows, though the cache's open conversations were left unscored by the clock (every
        // priority 0, none breached) and due for it.
        try DatabaseQueue(path: cache).write { db in
            try db.execute(sql: "UPDATE conversation SET priority = 0, breached = 0, clock_check_at = 0 WHERE status = 'open'")
        }
        // The copy is as of its own moment and the cache moves on: a step of some waiting
        // conversation's clock may fall between the copy and the listing. Copied again and
        // listed at once, the two agree.
        let wordsQuery = ["card", "OR", "refund", "-is:breached"]
        func copyAndList() throws -> (later: String, listed: HeedRun, fromCopy: HeedRun, wordsInCache: HeedRun, words: HeedRun) {
            let later = try LocalPostgres.shared().newDatabase()
            XCTAssertEqual(try heed(["store", "migrate", "--to", later, "--quiet"]).status, 0)
            return (later, try heed(["queue", "--json", "--limit", "20"]), try heed(["queue", "--json", "--limit", "20", "--store", later]),
                    try heed(["queue", "--json"] + wordsQuery), try heed(["queue", "--json", "--store", later] + wordsQuery))
        }
        var attempt = try copyAndList()
        for _ in 1...2 where attempt.fromCopy.stdout != attempt.listed.stdout || attempt.words.stdout != attempt.wordsInCache.stdout {
            attempt = try copyAndList()
        }
        let (later, listed, fromCopy, wordsInCache, words) = attempt
        XCTAssertEqual(fromCopy.status, 0, fromCopy.stderr)
        XCTAssertEqual(fromCopy.stdout, listed.stdout)
        XCTAssertEqual(fromCopy.stdout.components(separatedBy: "\"last_customer_at\" :").count, 21, fromCopy.stdout)
        let short = try heed(["queue", "--limit", "5", "--store", later])
        XCTAssertEqual(short.status, 0, short.stderr)
        XCTAssertNotNil(short.stdout.range(of: #"\n… \d+ more \(--limit \d+ shows them all\)\n$"#, options: .regularExpression), short.stdout)
        let search = try heed(["queue", "--json", "--store", later, "channel:x", "-is:breached"])
        XCTAssertEqual(search.status, 0, search.stderr)
        let found = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [[String: Any]])
        XCTAssertFalse(found.isEmpty, search.stdout)
        XCTAssertEqual(Set(found.map { "\($0["channel"] ?? "") \($0["breached"] ?? "")" }), ["x 0"], search.stdout)
        XCTAssertEqual(words.status, 0, words.stderr)
        XCTAssertEqual(words.stdout, wordsInCache.stdout)
        XCTAssertFalse((try JSONSerialization.jsonObject(with: Data(words.stdout.utf8)) as? [Any] ?? []).isEmpty, words.stdout)
        let misspelt = try heed(["queue", "--store", later, "realy"])
        XCTAssertEqual(misspelt.status, 0, misspelt.stderr)
        XCTAssertEqual(misspelt.stdout, "nothing matches realy — did you mean \"really\"?\n")
        XCTAssertEqual(try heed(["queue", "realy"]).stdout, misspelt.stdout)
        let nothing = try heed(["queue", "--store", later, "tag:billing", "\"?!\""])
        XCTAssertEqual(nothing.status, 64, nothing.stderr)
        XCTAssertEqual(nothing.stderr, "heed: bad query:\ntag:billing \"?!\"\n            ^ nothing to search for in ?!\n")
    }

    func testWhatIsWrongIsSaidAndNothingIsWritten() throws {
        XCTAssertEqual(try heed(["demo", "--no-ui", "--size", "50"]).status, 0)
        let password = try heed(["store", "migrate", "--to", "postgres://ops:hunter2@db.example.com/heed"])
        XCTAssertEqual(password.status, 78, password.stderr)
        XCTAssertTrue(password.stderr.contains("a password in the URL"), password.stderr)
        XCTAssertFalse(password.stderr.contains("hunter2"), password.stderr)

        let neither = try heed(["store", "migrate"])
        XCTAssertEqual(neither.status, 64)
        XCTAssertTrue(neither.stderr.contains("give one of --to URL or --from URL"), neither.stderr)

        let nobody = try heed(["store", "migrate", "--to", "postgres:///heed?host=\(folder.path)"])
        XCTAssertEqual(nobody.status, 66, nobody.stderr)
        XCTAssertTrue(nobody.stderr.hasPrefix("heed: cannot connect to the store postgres://"), nobody.stderr)

        let back = folder.file("none.sqlite")
        let empty = try LocalPostgres.shared().newDatabase()
        let notACopy = try heed(["store", "migrate", "--from", empty], cache: back)
        XCTAssertEqual(notACopy.status, 65, notACopy.stderr)
        XCTAssertTrue(notACopy.stderr.contains("has no table"), notACopy.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("none.sqlite") }, [])
        for command in [["report"], ["audit", "verify"]] {
            let refused = try heed(command + ["--store", empty])
            XCTAssertEqual(refused.status, 65, "\(command): \(refused.stderr)")
            XCTAssertTrue(refused.stderr.contains("has no heed schema: it is not a copy of a heed cache"), "\(command): \(refused.stderr)")
        }
    }
}
