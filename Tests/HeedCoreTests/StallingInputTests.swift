import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// Input written to stall heed is read in time linear in its size. The time bounds are a
/// hundred times what the work takes: they catch a quadratic or exponential parser (which
/// took minutes to hours on these inputs), not a slow machine.
final class StallingInputTests: XCTestCase {
    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    /// A 2 KB e-mail of 40 nested multiparts, each level with its own boundary.
    static func nestedMail(depth: Int, text: String = "the text at the bottom") -> String {
        var body = "Content-Type: text/plain; charset=utf-8\n\n\(text)\n"
        for level in (0..<depth).reversed() {
            body = "Content-Type: multipart/mixed; boundary=\"b\(level)\"\n\n--b\(level)\n\(body)--b\(level)--\n"
        }
        return """
            From dana@example.com Mon Nov 23 09:00:00 2026
            From: Dana <dana@example.com>
            Date: Mon, 23 Nov 2026 09:00:00 +0000
            Message-ID: <nested@example.com>
            MIME-Version: 1.0
            \(body)
            """
    }

    func testDeeplyNestedMailIsReadInLinearTimeAndItsDepthIsBounded() throws {
        let folder = TemporaryFolder()
        let shallow = folder.write("shallow.mbox", Self.nestedMail(depth: 5))
        let probe = try IngestProbe.file(shallow)
        let text = try probe.database.read { db in try String.fetchOne(db, sql: "SELECT text FROM mention") }
        XCTAssertEqual(text, "the text at the bottom", "a message nested as mail programs nest is read")

        let deep = folder.write("deep.mbox", Self.nestedMail(depth: 40))
        XCTAssertLessThan(Data(Self.nestedMail(depth: 40).utf8).count, 3_000)
        var rejections: [Rejection] = []
        let time = try seconds { rejections = try IngestProbe.file(deep).rejections }
        XCTAssertLessThan(time, 5, "40 levels took longer than any mail needs: \(time) s")
        XCTAssertLessThanOrEqual(rejections.count, 1)
    }

    func testHTMLToTextIsLinearInTheInput() {
        let angles = "x" + String(repeating: "<", count: 10_000_000)
        var text = ""
        let time = seconds { text = HTMLText.plain(angles) }
        XCTAssertEqual(text.count, angles.count, "an unclosed < is text")
        XCTAssertLessThan(time, 30, "10 MB of < took \(time) s")
        let ampersands = String(repeating: "&amp", count: 2_500_000)
        XCTAssertLessThan(seconds { _ = HTMLText.plain(ampersands) }, 30)
        // What it reads still reads right.
        XCTAssertEqual(HTMLText.plain("<p>Hi <a href=\"https://mstdn.io/@lee\" class=\"u-url mention\">@lee</a> &amp; all</p><p>two<br>lines &lt;3</p>"),
                       "Hi @lee@mstdn.io & all\n\ntwo\nlines <3")
    }
}

extension StallingInputTests {
    /// One text limit for every format: an X post of 3 MB is refused naming its line and field,
    /// the rest of the file is stored.
    func testEveryFormatRefusesATextOverTheLimit() throws {
        let folder = TemporaryFolder()
        let huge = String(repeating: "fees ", count: 600_000)
        let document = #"{"data": [{"id": "1", "text": "\#(huge)", "author_id": "9", "created_at": "2026-11-23T09:00:00.000Z"}, "#
            + #"{"id": "2", "text": "a fine one", "author_id": "9", "created_at": "2026-11-23T09:01:00.000Z"}], "#
            + #""includes": {"users": [{"id": "9", "username": "dana", "name": "Dana"}]}}"#
        let probe = try IngestProbe.file(folder.write("x.json", document))
        XCTAssertEqual(probe.report.new, 1)
        XCTAssertEqual(probe.rejections.map(\.field), ["text"])
        XCTAssertTrue(probe.rejections.first?.reason.contains("longer than the \(HeedJSONLines.maximumTextBytes) bytes a text may have") == true,
                      "\(probe.rejections)")
    }

    /// In a document read whole, a string longer than any field may be is dropped as it is read
    /// (a 200 MB post once took 450 MB): its record is refused naming the field and the length,
    /// the others are stored.
    func testAStringOverTheLimitInADocumentIsDroppedAsItIsRead() throws {
        let folder = TemporaryFolder()
        let huge = String(repeating: "fees ", count: 1_100_000)
        let document = #"{"data": [{"id": "1", "text": "\#(huge)\"quoted\"", "author_id": "9", "created_at": "2026-11-23T09:00:00.000Z"}, "#
            + #"{"id": "2", "text": "a fine one", "author_id": "9", "created_at": "2026-11-23T09:01:00.000Z"}, "#
            + #"{"id": "3", "text": "named at length", "author_id": "8", "created_at": "2026-11-23T09:02:00.000Z"}], "#
            + #""includes": {"users": [{"id": "9", "username": "dana", "name": "Dana"}, {"id": "8", "username": "eve", "name": "\#(huge)"}]}}"#
        // Over several lines it is one document, read whole; on one line it is a JSON line.
        for (name, file) in [("document", "{\n" + document.dropFirst()), ("line", document)] {
            let probe = try IngestProbe.file(folder.write("x-\(name).json", file))
            XCTAssertEqual(probe.report.new, 1, name)
            XCTAssertEqual(try probe.database.read { db in try String.fetchAll(db, sql: "SELECT text FROM mention") }, ["a fine one"])
            XCTAssertEqual(probe.rejections.map(\.field), ["text", "author name"], name)
            // The length as written in the document where it was dropped (its escapes too), else as read.
            XCTAssertEqual(probe.rejections.map(\.reason), ["\(name == "document" ? 5_500_010 : 5_500_008) bytes, longer than the "
                                                            + "\(HeedJSONLines.maximumTextBytes) bytes a text may have",
                                                            "5500000 bytes, longer than the \(LongStrings.limit) bytes a field may have"], name)
        }
    }

    /// Strings are told by their quotes, escaped quotes and backslashes included, wherever the
    /// reads split them.
    func testLongStringsAreFoundAcrossReadsAndEscapes() throws {
        let json = Array(#"{"kept": "ab\"c\\", "long": "0123456789\"x", "after": [1, "\\"]}"#.utf8)
        for piece in [1, 3, json.count] {
            var strings = LongStrings(limit: 8)
            var document: [UInt8] = []
            for start in stride(from: 0, to: json.count, by: piece) { strings.append(json[start..<min(start + piece, json.count)], to: &document) }
            let parsed = try JSONParser.parse(document)
            XCTAssertEqual(parsed["kept"]?.string, #"ab"c\"#, "read \(piece) bytes at a time")
            XCTAssertEqual(parsed["long"]?.string, "\u{0}heed:dropped-string:13")
            guard case .array(let after)? = parsed["after"]?.value else { return XCTFail("\(parsed)") }
            XCTAssertEqual(after.last?.string, "\\")
            XCTAssertTrue(strings.dropped)
            XCTAssertEqual(LongStrings.dropped(in: parsed["long"]?.string), 13)
        }
    }

    /// A 40 MB attachment is refused while it is read, naming where its message starts, and the
    /// message after it is read as usual.
    func testAMessageOverTheLimitIsRefusedAsItIsRead() throws {
        let folder = TemporaryFolder()
        let line = String(repeating: "QUJD", count: 19) + "\n"
        let attachment = String(repeating: line, count: (40 << 20) / line.utf8.count)
        let huge = Self.nestedMail(depth: 1).replacingOccurrences(of: "Message-ID: <nested@example.com>", with: "Message-ID: <huge@example.com>")
            .replacingOccurrences(of: "--b0--", with: "--b0\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n\(attachment)--b0--")
        let path = folder.write("big.mbox", huge + "\n" + Self.nestedMail(depth: 1, text: "the next one"))
        let probe = try IngestProbe.file(path)
        XCTAssertEqual(probe.report.new, 1)
        XCTAssertEqual(probe.rejections.map(\.line), [1])
        XCTAssertEqual(probe.rejections.first?.reason, "a message longer than 32 MiB (its attachments are not read)")
        XCTAssertEqual(try probe.database.read { db in try String.fetchOne(db, sql: "SELECT text FROM mention") }, "the next one")
    }
}
