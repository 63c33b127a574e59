import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// What the public writes reaches heed's posts, JSON and cache without what would act on a
/// terminal or change who wrote it.
final class UntrustedValueTests: XCTestCase {
    func testADuplicateKeyRefusesTheLineNamingIt() throws {
        XCTAssertThrowsError(try JSONParser.parse(#"{"a": 1, "author": {"handle": "NorthwindHelp", "handle": "evil"}}"#)) { error in
            XCTAssertEqual((error as? JSONSyntaxError)?.reason, "duplicate key \"handle\"")
        }
        let folder = TemporaryFolder()
        var config = Config()
        config.accounts = ["x": ["NorthwindHelp"]]
        let line = MentionLines.line(id: "1", text: "hello", handle: "someone")
            .replacingOccurrences(of: #""handle":"someone""#, with: #""handle":"NorthwindHelp","handle":"someone""#)
        XCTAssertTrue(line.contains(#""handle":"NorthwindHelp","handle":"someone""#), line)
        let probe = try IngestProbe.file(folder.write("dup.jsonl", line + "\n" + MentionLines.line(id: "2", text: "fine") + "\n"), config: config)
        XCTAssertEqual(probe.rejections.map(\.line), [1])
        XCTAssertTrue(probe.rejections[0].reason.contains("duplicate key \"handle\""), probe.rejections[0].reason)
        XCTAssertEqual(try probe.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") }, 1, "the good line is stored")
    }

    func testANULIsNeverStoredToCutWhatFollows() throws {
        let folder = TemporaryFolder()
        let probe = try IngestProbe.file(folder.write("nul.jsonl", MentionLines.line(id: "1", text: "before\u{0}after", handle: "h\u{0}andle") + "\n"))
        let (text, handle) = try probe.database.read { db -> (String, String) in
            let row = try Row.fetchOne(db, sql: "SELECT m.text, h.handle FROM mention m JOIN contact_handle h ON h.id = m.handle_id")!
            return (row["text"], row["handle"])
        }
        XCTAssertEqual(text, "before\u{FFFD}after")
        XCTAssertEqual(handle, "h\u{FFFD}andle")
    }

    func testFilledVariablesCarryNoControls() throws {
        let folder = TemporaryFolder()
        let probe = try IngestProbe.file(folder.write("in.jsonl", MentionLines.line(id: "1", text: "help", handle: "dana\u{202E}k") + "\n"))
        try probe.database.write { db in try db.execute(sql: "UPDATE contact_handle SET name = ?", arguments: ["Dana\u{1B}]0;pwned\u{07}\u{9B}31m K"]) }
        let reply = CannedReply(name: "hi", text: "Hi {first_name} ({handle}), on it. {signature}")
        let actor = Operator(handle: "sam", name: "Sam Brooks", unixUser: nil, role: .agent, signature: "^SB", intro: nil, teams: [], maxAssigned: nil)
        let filled = try probe.database.read { db in try reply.filled(db, conversation: 1, by: actor) }
        XCTAssertEqual(filled, "Hi Dana]0;pwned31m (@danak), on it. ^SB")
        XCTAssertFalse(filled.unicodeScalars.contains(where: DisplayText.isNeutralised))
    }

    func testJSONHeedPrintsEscapesWhatATerminalWouldActOn() throws {
        struct Post: Codable, Equatable { var text: String }
        let hostile = Post(text: "a\u{9B}31m b\u{202E}c\u{2028}d\u{7F}e\u{85}f\u{E0041}g")
        let json = JSONWriter.terminalSafe(String(decoding: try JSONEncoder().encode(hostile), as: UTF8.self))
        XCTAssertFalse(json.unicodeScalars.contains(where: DisplayText.isNeutralised), json)
        XCTAssertTrue(json.contains("\\u009b") && json.contains("\\u202e") && json.contains("\\u2028") && json.contains("\\u007f") && json.contains("\\u0085")
                      && json.contains("\\udb40\\udc41"), json)
        XCTAssertEqual(try JSONDecoder().decode(Post.self, from: Data(json.utf8)), hostile, "the same text, escaped")
        var quoted = ""
        JSONWriter.quote(hostile.text, into: &quoted)
        XCTAssertFalse(quoted.unicodeScalars.contains(where: DisplayText.isNeutralised), quoted)
    }

    /// Text beyond ASCII is copied whole unless a character of it is one a terminal would act on,
    /// or one JSON escapes; either way it reads back as it was.
    func testQuotingEscapesOnlyWhatNeedsIt() throws {
        for text in ["negative −0.9", "“refund” ça 😡", "x\u{202E}y é", "é\u{200B}", "tab\there é", "é \"q\" \\", "\u{7F}é", "plain"] {
            var quoted = ""
            JSONWriter.quote(text, into: &quoted)
            XCTAssertFalse(quoted.unicodeScalars.contains(where: DisplayText.isNeutralised), quoted)
            guard case .array(let items) = try JSONParser.parse("[\(quoted)]").value else { return XCTFail(quoted) }
            XCTAssertEqual(items.first?.string, text, quoted)
        }
        var reason = ""
        JSONWriter.quote("negative −0.9, “card” declined 😡", into: &reason)
        XCTAssertEqual(reason, "\"negative −0.9, “card” declined 😡\"")
    }

    /// A conversation's reasons, as stored: exact JSON, and read back as they were.
    func testReasonsAreStoredAsJSONAndReadBack() {
        let reasons = [Reason(signal: "sentiment", points: -6.24, text: "positive 0.8"), Reason(signal: "keyword", points: 8, text: "keyword: \"refund\"\n"),
                       Reason(signal: "rule", points: 12.5, text: "rule: fraud — “stolen” 😡\u{202E}")]
        let json = ReasonsJSON.encode(reasons)
        XCTAssertEqual(json, #"[{"signal":"sentiment","points":-6.2,"text":"positive 0.8"},{"signal":"keyword","points":8,"text":"keyword: \"refund\"\n"},"#
                       + #"{"signal":"rule","points":12.5,"text":"rule: fraud — “stolen” 😡\u202e"}]"#)
        XCTAssertEqual(ReasonsJSON.decode(json), [Reason(signal: "sentiment", points: -6.2, text: "positive 0.8")] + reasons.dropFirst())
        XCTAssertEqual(ReasonsJSON.encode([]), "[]")
    }
}

/// A full disk (here the cache's page limit) says so, keeps what was committed, and the same
/// import goes through once there is room again.
final class DiskFullTests: XCTestCase {
    func testAFullDiskSaysSoKeepsWhatWasWrittenAndRecovers() throws {
        let folder = TemporaryFolder()
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let ingester = Ingester(database: database, config: Config(), clock: FixedClock("2026-11-23T12:00:00Z"))
        _ = try ingester.ingest(path: folder.write("first.jsonl", MentionLines.line(id: "kept", text: "stored before the disk filled") + "\n"))
        let pages = try database.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count")! }
        try database.write { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages + 2)") }
        let many = (0..<2_000).map { MentionLines.line(id: "m\($0)", text: String(repeating: "a long complaint about fees ", count: 20), author: "u\($0)") }
        let big = folder.write("big.jsonl", many.joined(separator: "\n") + "\n")
        XCTAssertThrowsError(try ingester.ingest(path: big)) { error in
            XCTAssertEqual((error as? HeedError)?.kind, .diskFull, "\(error)")
            XCTAssertTrue((error as? HeedError)?.message.hasPrefix("disk full: the cache \(folder.file("cache.sqlite")) could not be written") == true, "\(error)")
        }
        XCTAssertEqual(try database.read { db in try String.fetchAll(db, sql: "SELECT source_id FROM mention WHERE source_id = 'kept'") }, ["kept"])
        try database.write { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = 1073741823") }
        let report = try ingester.ingest(path: big)
        XCTAssertEqual(report.new + report.unchanged, 2_000)
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") }, 2_001)
    }

    /// Another process holding the write lock past the busy timeout: said for what it is, never
    /// SQLite's bare "database is locked", and nothing half done.
    func testABusyCacheSaysSoAndChangesNothing() throws {
        let folder = TemporaryFolder()
        let path = folder.file("cache.sqlite")
        let database = try AppDatabase.open(path: path)
        let holder = try DatabaseQueue(path: path)
        let (locked, release, released) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        Thread {
            try? holder.inDatabase { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                locked.signal()
                release.wait()
                try db.execute(sql: "COMMIT")
            }
            released.signal()
        }.start()
        locked.wait()
        XCTAssertThrowsError(try database.write { db in try db.execute(sql: "INSERT INTO contact (name, created_at) VALUES ('x', 0)") }) { error in
            XCTAssertEqual((error as? HeedError)?.kind, .busy, "\(error)")
            XCTAssertEqual((error as? HeedError)?.message, "the cache \(path) is busy: another heed (a long import, most likely) has been writing it "
                + "for more than 5 s; nothing was changed — try again in a moment")
        }
        release.signal()
        released.wait()
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM contact") }, 0)
        try database.write { db in try db.execute(sql: "INSERT INTO contact (name, created_at) VALUES ('x', 0)") }
    }
}
