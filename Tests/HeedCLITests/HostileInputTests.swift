import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// Hostile files through `heed ingest`: each gets a clear message naming file, line and field,
/// the documented exit status, never a crash — and the cache's earlier content is untouched.
final class HostileInputTests: XCTestCase {
    struct Case {
        var name: String
        var bytes: [UInt8]
        var format: String?
        var status: Int32
        /// Text the error output must hold.
        var message: String
        var stored = 0
    }

    func testHostileFiles() throws {
        let folder = TemporaryFolder()
        let cache = folder.file("c.sqlite")
        let good = folder.write("good.jsonl", (1...20).map { MentionLines.line(id: "g\($0)", text: "good \($0)") }.joined(separator: "\n"))
        XCTAssertEqual(try HeedRun.run(["ingest", "--cache", cache, good], in: folder).status, 0)
        let before = try CacheDump.text(AppDatabase.open(path: cache))

        let brexit = Array(try Data(contentsOf: URL(fileURLWithPath: Paths.sharedFixtures + "/x/brexit.jsonl")))
        let mastodon = Array(try Data(contentsOf: URL(fileURLWithPath: Paths.sharedFixtures + "/mastodon/test_notifications_mentions_only.1.json")))
        let mbox = Array(try Data(contentsOf: URL(fileURLWithPath: Paths.sharedFixtures + "/email/users_ponymail_apache_org_2022-01.mbox")))
        var binary = SeededRandom(seed: 5)
        let deep = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        var feed = "<rss version=\"2.0\"><channel>"
        for i in 0..<100_000 {
            feed += "<item><guid>f\(i)</guid><pubDate>Mon, 23 Nov 2026 08:14:55 +0000</pubDate><description>item \(i)</description></item>"
        }
        feed += "</channel></rss>"

        let cases: [Case] = [
            Case(name: "empty.jsonl", bytes: [], format: nil, status: 0, message: ""),
            Case(name: "empty.json", bytes: [], format: "mastodon", status: 0, message: ""),
            Case(name: "cut.json", bytes: Array(mastodon.prefix(mastodon.count * 2 / 3)), format: nil, status: 65,
                 message: "cut.json:line 92: not valid JSON: unterminated string"),
            // Cut inside the fourth message's headers: three stored, the fourth reported where it starts.
            Case(name: "cut.mbox", bytes: Array(mbox.prefix(mbox.count / 2)), format: nil, status: 65,
                 message: "cut.mbox:line 305: Message-ID: missing", stored: 3),
            Case(name: "types.jsonl", bytes: Array((MentionLines.line(id: "t1") + "\n" + #"{"channel":"x","id":["t2"],"text":"x","created_at":"2026-11-23T09:00:00Z","author":{"id":"a","handle":"a"}}"#).utf8),
                 format: nil, status: 65, message: "types.jsonl:line 2: id: expected a string, got array", stored: 1),
            Case(name: "utf8.jsonl", bytes: Array(MentionLines.line(id: "u1").utf8) + [0x0A] + Array(#"{"channel":"x","id":"u2","text":"bad "#.utf8) + [0xC3, 0x28]
                    + Array(#"","created_at":"2026-11-23T09:00:00Z","author":{"id":"a","handle":"a"}}"#.utf8) + [0x0A] + Array(MentionLines.line(id: "u3").utf8),
                 format: nil, status: 65, message: "utf8.jsonl:line 2: not valid JSON: invalid UTF-8 in a string", stored: 2),
            Case(name: "huge.jsonl", bytes: Array((MentionLines.line(id: "h1", text: String(repeating: "a", count: 10 << 20)) + "\n" + MentionLines.line(id: "h2")).utf8),
                 format: nil, status: 65, message: "huge.jsonl:line 1: text: longer than 1048576 bytes", stored: 1),
            Case(name: "deep.jsonl", bytes: Array((MentionLines.line(id: "d1") + "\n" + deep).utf8), format: nil, status: 65,
                 message: "deep.jsonl:line 2: not valid JSON: nesting deeper than 256 levels", stored: 1),
            Case(name: "binary.bin", bytes: (0..<65_536).map { _ in UInt8(truncatingIfNeeded: binary.next()) }, format: nil, status: 65,
                 message: "binary.bin: cannot tell its format"),
            Case(name: "bomb.rss", bytes: Array(#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rss><channel><item><guid>1</guid><pubDate>Mon, 23 Nov 2026 08:14:55 +0000</pubDate><description>&c;</description></item></channel></rss>"#.utf8),
                 format: nil, status: 65, message: "bomb.rss:line 1: the document declares XML entities"),
            Case(name: "big-feed.rss", bytes: Array(feed.utf8), format: nil, status: 0, message: "", stored: 100_000),
            Case(name: "cut-page.jsonl", bytes: Array(brexit.prefix(brexit.count / 2)), format: "x", status: 65,
                 message: "cut-page.jsonl:line 1: not valid JSON"),
        ]
        for test in cases {
            let path = folder.file(test.name)
            _ = FileManager.default.createFile(atPath: path, contents: Data(test.bytes))
            let run = try HeedRun.run(["ingest", "--cache", cache] + (test.format.map { ["--format", $0] } ?? []) + [path], in: folder)
            XCTAssertEqual(run.status, test.status, "\(test.name): \(run.stderr)")
            if test.message.isEmpty {
                XCTAssertEqual(run.stderr, "", test.name)
            } else {
                XCTAssertTrue(run.stderr.contains(path.replacingOccurrences(of: test.name, with: "") + test.message), "\(test.name): \(run.stderr.prefix(300))")
            }
            if test.status != 65 || test.stored > 0 {
                XCTAssertTrue(run.stdout.contains(": \(test.stored) new"), "\(test.name): \(run.stdout)")
            }
        }
        // Nothing stored before was lost or changed.
        let after = try AppDatabase.open(path: cache)
        let kept = try after.read { db in
            try Row.fetchAll(db, sql: "SELECT source_id, text FROM mention WHERE source_id LIKE 'g%' ORDER BY id").map { "\($0["source_id"] as String)=\($0["text"] as String)" }
        }
        XCTAssertEqual(kept, (1...20).map { "g\($0)=good \($0)" })
        XCTAssertNotEqual(try CacheDump.text(after), before, "the hostile files' good records were stored too")
        XCTAssertEqual(try after.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }, ["ok"])
    }

    /// What a person typed comes back in an error neutralised: a file name, an `--as` value.
    func testEchoesInErrorsAreNeutralised() throws {
        let folder = TemporaryFolder()
        let cache = folder.file("c.sqlite")
        let name = folder.file("no\u{1B}[31mfile\u{07}.jsonl")
        let missing = try HeedRun.run(["ingest", "--cache", cache, name], in: folder)
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("file"), missing.stderr)
        XCTAssertFalse(missing.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, missing.stderr.debugDescription)
        XCTAssertEqual(try HeedRun.run(["ingest", "--cache", cache, folder.write("a.jsonl", MentionLines.line(id: "1") + "\n")], in: folder).status, 0)
        let who = try HeedRun.run(["tag", "1", "+x", "--as", "evil\u{1B}]0;pwned\u{07}", "--cache", cache], in: folder)
        XCTAssertEqual(who.status, 77, who.stderr)
        XCTAssertFalse(who.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, who.stderr.debugDescription)
    }
}
