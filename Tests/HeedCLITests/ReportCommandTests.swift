import Foundation
import GRDB
import HeedCore
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
        XCTAssertTrue(both.stderr.contains("--json, --csv and --html: choose one"), both.stderr)
        let grouping = try HeedRun.run(["report", "--cache", cache, "--by", "month"], in: folder)
        XCTAssertNotEqual(grouping.status, 0)
        XCTAssertTrue(grouping.stderr.contains("The value 'month' is invalid for '--by <by>'"), grouping.stderr)
    }

    func testIdeaDoneShowsEachReplyThenQueuesThemOnce() throws {
        XCTAssertEqual(try HeedRun.run(["demo", "--no-ui", "--size", "400", "--cache", cache], in: folder).status, 0)
        let queue = try DatabaseQueue(path: cache)
        let two = try queue.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM conversation WHERE kind = 'idea' ORDER BY id LIMIT 2") }.map(String.init)
        try queue.close()
        guard two.count == 2 else { return XCTFail("two ideas in the demo") }
        let sam = ["--as", "sam", "--cache", cache]
        XCTAssertEqual(try HeedRun.run(["tag"] + two + ["+dark-mode"] + sam, in: folder).status, 0)
        let text = "Hi {first_name}, dark mode shipped today. Thank you!"

        let preview = try HeedRun.run(["idea", "done", "dark-mode", "--text", text] + sam, in: folder)
        XCTAssertEqual(preview.status, 0, preview.stderr)
        let lines = preview.stdout.split(separator: "\n").map(String.init)
        guard lines.count == 3 else { return XCTFail(preview.stdout + preview.stderr) }
        XCTAssertTrue(lines[0].hasPrefix("#\(two[0]) ← Hi ") && lines[0].contains("dark mode shipped today. Thank you!"), preview.stdout)
        XCTAssertFalse(lines[0].contains("{first_name}"), "filled")
        XCTAssertEqual(lines[2], "nothing queued: 2 replies previewed; add --confirm to queue them")

        let done = try HeedRun.run(["idea", "done", "dark-mode", "--text", text, "--confirm"] + sam, in: folder)
        XCTAssertEqual(done.status, 0, done.stderr)
        XCTAssertEqual(done.stdout, "sam replied to 2 of 2 conversations\n")
        let again = try HeedRun.run(["idea", "done", "dark-mode", "--text", text, "--confirm"] + sam, in: folder)
        XCTAssertNotEqual(again.status, 0)
        XCTAssertEqual(again.stdout, "sam replied to 0 of 2 conversations (2 already so)\n")
        let none = try HeedRun.run(["idea", "done", "no-such-tag", "--text", text] + sam, in: folder)
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("no conversation of kind idea is tagged no-such-tag"), none.stderr)
    }

    /// The page in a real browser: headless Chromium renders it and hands back its document; the
    /// figures in it are the JSON's, and the page asks for nothing beyond itself.
    func testThePageForManagersInARealBrowser() throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let browser = try XCTUnwrap(chromium, "Chromium is needed for this test: apt-get install chromium")
        XCTAssertEqual(try HeedRun.run(["demo", "--no-ui", "--size", "400", "--cache", cache], in: folder).status, 0)
        let page = folder.file("report.html")
        let written = try HeedRun.run(["report", "--cache", cache, "--since", "30d", "--by", "channel", "--html", page], in: folder)
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertTrue(written.stdout.hasPrefix("wrote \(page): "), written.stdout)
        let json = try HeedRun.run(["report", "--cache", cache, "--since", "30d", "--by", "channel", "--json"], in: folder)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let total = try XCTUnwrap(object["total"] as? [String: Any])

        let html = folder.read("report.html")
        for reference in ["src=", "href=", "<script", "<link", "url(", "@import"] {
            XCTAssertFalse(html.contains(reference), "the page refers to something outside itself: \(reference)")
        }
        let dom = folder.file("dom.html"), log = folder.file("chromium.log"), png = folder.file("report.png")
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(folder.file("profile"))", "--enable-logging=stderr", "--v=0"]
        let dumped = try ChildProcess.spawn([browser] + flags + ["--dump-dom", "file://\(page)"], stdout: dom, stderr: log).wait(timeout: 60)
        XCTAssertEqual(dumped?.status, 0, folder.read("chromium.log"))
        // A blocked load (the page's policy lets it fetch nothing) or any script error is a console message.
        XCTAssertFalse(folder.read("chromium.log").contains(":CONSOLE"), "the page tried to load something:\n\(folder.read("chromium.log"))")
        let rendered = try ChildProcess.spawn([browser] + flags + ["--window-size=1100,2400", "--screenshot=\(png)", "file://\(page)"],
                                              stdout: folder.file("shot.log"), stderr: folder.file("shot.log")).wait(timeout: 60)
        XCTAssertEqual(rendered?.status, 0, folder.read("shot.log"))
        let image = try Data(contentsOf: URL(fileURLWithPath: png))
        XCTAssertEqual(Array(image.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        XCTAssertGreaterThan(image.count, 20_000, "a page with tables and charts, not a blank one")

        // What the browser read: the total row's cells, by measure.
        let document = folder.read("dom.html")
        func cell(_ measure: String) -> String? {
            let pattern = "data-group=\"total\" data-measure=\"\(measure)\">([^<]*)<"
            guard let match = document.range(of: pattern, options: .regularExpression) else { return nil }
            return document[match].split(separator: ">").last.map { String($0.dropLast()) }
        }
        func number(_ section: String, _ name: String) -> Int? { (total[section] as? [String: Any])?[name] as? Int }
        XCTAssertEqual(cell("heard.opened"), number("heard", "opened").map(String.init))
        XCTAssertEqual(cell("heard.answered"), number("heard", "answered").map(String.init))
        XCTAssertEqual(cell("heard.mentions_in"), number("heard", "mentions_in").map(String.init))
        XCTAssertEqual(cell("dialogue.two_way"), number("dialogue", "two_way").map(String.init))
        let firstResponse = ((total["responsiveness"] as? [String: Any])?["first_response"] as? [String: Any])?["median_ms"] as? Int
        XCTAssertEqual(cell("responsiveness.first_response_median_s"), firstResponse.map { String($0 / 1000) })
        let shift = (total["mood"] as? [String: Any])?["shift"] as? Double
        XCTAssertEqual(cell("mood.shift"), shift.map { String(format: "%.3f", $0) })
        XCTAssertNotNil(number("heard", "opened"))
    }
}
