import HeedTestSupport
import GRDB
import XCTest
@testable import HeedCore

/// Discourse and Bluesky against real payloads; Facebook, YouTube, LinkedIn and Bluesky
/// notifications against fixtures written to the providers' references (see Fixtures/README.md).
final class MoreFormatTests: XCTestCase {
    let context = FormatContext(config: Config())
    static let ownFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    func records(_ path: String) throws -> (format: String, mentions: [IncomingMention], rejections: [Rejection]) {
        let document = try JSONParser.parse(try String(contentsOfFile: path, encoding: .utf8))
        let format = try XCTUnwrap(MentionFormats.detect(document), "no format recognises \(path)")
        let records = format.records(in: document, context: context)
        return (format.name,
                records.compactMap { if case .mention(let m) = $0 { m } else { nil } },
                records.compactMap { if case .rejected(let r, _) = $0 { r } else { nil } })
    }

    func ms(_ text: String) -> Int64 { RFC3339.milliseconds(from: text)! }

    func testDiscourseLatestPostsAndTopic() throws {
        let latest = try records(Paths.sharedFixtures + "/forum/posts_latest.json")
        XCTAssertEqual(latest.format, "discourse")
        XCTAssertEqual(latest.mentions.count, 4)
        let first = latest.mentions[0]
        XCTAssertEqual(first.channel, "forum")
        XCTAssertEqual(first.sourceID, "11/2")
        XCTAssertEqual(first.text, "holla bullhonky.")
        XCTAssertEqual(first.createdAt, ms("2020-01-25T02:10:07.971Z"))
        XCTAssertEqual(first.author, IncomingAuthor(id: "1", handle: "johndoe"))
        XCTAssertNil(first.inReplyTo)
        XCTAssertEqual(first.threadID, "11/1")

        let topic = try records(Paths.sharedFixtures + "/forum/topic.json")
        XCTAssertEqual(topic.mentions.count, 4)
        XCTAssertEqual(topic.mentions[0].sourceID, "57/1")
        XCTAssertEqual(topic.mentions[0].author.handle, "samsaffron")
        XCTAssertEqual(topic.mentions[0].createdAt, ms("2013-02-04T15:26:26.278-05:00"))
        XCTAssertTrue(topic.mentions[0].text.hasPrefix("Welcome!\n\nTry is a sandbox, a safe place to play with Discourse and its features.\n\nThis site is reset every day"),
                      topic.mentions[0].text)
        XCTAssertTrue(topic.mentions[0].text.contains("\nFor more information on the Discourse project and its goals, visit http://www.discourse.org\n"))
    }

    func testBlueskyThreadFromTheNetwork() throws {
        let thread = try records(Paths.sharedFixtures + "/bluesky/thread_view_post_with_embed_media.json")
        XCTAssertEqual(thread.format, "bluesky")
        let post = try XCTUnwrap(thread.mentions.first)
        XCTAssertEqual(post.sourceID, "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kaheyt6vpc22")
        XCTAssertEqual(post.author, IncomingAuthor(id: "did:plc:kvwvcn5iqfooopmyzvb4qzba", handle: "test.marshal.dev", name: "Python SDK"))
        XCTAssertEqual(post.createdAt, ms("2023-09-28T12:49:36.735Z"))
        XCTAssertEqual(post.url, "https://bsky.app/profile/test.marshal.dev/post/3kaheyt6vpc22")
        XCTAssertNil(post.inReplyTo)
    }

    func testBlueskyNotificationsKeepMentionsAndReplies() throws {
        let result = try records(Self.ownFixtures + "/bluesky-list-notifications.json")
        XCTAssertEqual(result.mentions.map(\.sourceID), ["at://did:plc:4kxq2dnqu3fdmzy5cw2uenrn/app.bsky.feed.post/3lbq7mweu7c2y",
                                                         "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lbq7r4aa7k2b"],
                       "the like is not a post")
        let mention = result.mentions[0]
        XCTAssertEqual(mention.text, "@help.northwind.bank my card was charged twice 😡")
        XCTAssertEqual(mention.createdAt, ms("2026-11-23T09:41:07.123Z"))
        XCTAssertEqual(mention.lang, "en")
        XCTAssertEqual(mention.author.handle, "dana.bsky.social")
        let reply = result.mentions[1]
        XCTAssertEqual(reply.inReplyTo, mention.sourceID)
        XCTAssertEqual(reply.threadID, mention.sourceID)
        XCTAssertTrue(try ExampleConfig.load().isOurAccount(channel: "bluesky", handle: reply.author.handle, authorID: reply.author.id))
    }

    func testFacebookCommentsRepliesHiddenAuthorsAndGraphTimes() throws {
        let result = try records(Self.ownFixtures + "/facebook-comments.json")
        XCTAssertEqual(result.format, "facebook")
        XCTAssertEqual(result.mentions.count, 3)
        let first = result.mentions[0]
        XCTAssertEqual(first.sourceID, "122111223344556677_1598765432109876")
        XCTAssertEqual(first.author, IncomingAuthor(id: "7312345678901234", handle: "Maria Lopez", name: "Maria Lopez"))
        XCTAssertEqual(first.createdAt, ms("2026-11-23T08:15:42Z"))
        XCTAssertEqual(first.metrics, Metrics(likes: 4, replies: 1))
        XCTAssertEqual(first.extra, #"{"post_id":"122111223344556677"}"#)
        XCTAssertEqual(result.mentions[1].inReplyTo, first.sourceID)
        XCTAssertEqual(result.mentions[2].author.id, "anonymous:122111223344556677_1598765432122222")
        XCTAssertEqual(result.rejections, [Rejection(line: 33, field: "data[3].created_time",
                                                     reason: "\"yesterday\" is not a time like 2026-11-23T09:41:07+0000")])
    }

    func testYouTubeThreadsAndReplies() throws {
        let result = try records(Self.ownFixtures + "/youtube-comment-threads.json")
        XCTAssertEqual(result.format, "youtube")
        XCTAssertEqual(result.mentions.count, 3)
        let top = result.mentions[0]
        XCTAssertEqual(top.text, "The new app looks great but where did the CSV export go?\nI need it for my accountant & my taxes")
        XCTAssertEqual(top.author, IncomingAuthor(id: "UCkainovak1234567890abcd", handle: "KaiNovak", name: "@KaiNovak"))
        XCTAssertEqual(top.url, "https://www.youtube.com/watch?v=dQw9WgXcQ1a&lc=UgzQ8v3ZkN5Wq1X2d4F4AaABAg")
        XCTAssertEqual(top.createdAt, ms("2026-11-22T18:04:11Z"))
        XCTAssertEqual(top.metrics.likes, 7)
        XCTAssertEqual(result.mentions[1].inReplyTo, top.sourceID)
        XCTAssertEqual(result.mentions[2].text, "アプリにログインできません")
        XCTAssertNotEqual(result.mentions[2].threadID, top.threadID)
    }

    func testLinkedInCommentsWithAndWithoutProjection() throws {
        let result = try records(Self.ownFixtures + "/linkedin-comments.json")
        XCTAssertEqual(result.format, "linkedin")
        XCTAssertEqual(result.mentions.count, 2)
        let first = result.mentions[0]
        XCTAssertEqual(first.sourceID, "urn:li:comment:(urn:li:activity:7265432109876543210,7265498765432109876)")
        XCTAssertEqual(first.author, IncomingAuthor(id: "urn:li:person:8675309aBc", handle: "priyanka-shah-leeds", name: "Priyanka Shah"))
        XCTAssertEqual(first.createdAt, 1_795_420_800_000)
        XCTAssertEqual(first.metrics, Metrics(likes: 3, replies: 1))
        XCTAssertEqual(result.mentions[1].inReplyTo, first.sourceID)
        XCTAssertEqual(result.mentions[1].author.handle, "urn:li:organization:2414183")
    }

    func testGraphOffsetsGetTheirColon() {
        XCTAssertEqual(FacebookFormat.withColonOffset("2026-11-23T08:15:42+0000"), "2026-11-23T08:15:42+00:00")
        XCTAssertEqual(FacebookFormat.withColonOffset("2026-11-23T08:15:42-0530"), "2026-11-23T08:15:42-05:30")
        XCTAssertEqual(FacebookFormat.withColonOffset("2026-11-23T08:15:42Z"), "2026-11-23T08:15:42Z")
    }
}

/// The customer-support CSV, read through the ingest pipeline (the CSV package needs a file).
final class SupportCSVTests: XCTestCase {
    func ingest(_ path: String) throws -> (AppDatabase, IngestReport, [Rejection]) {
        let probe = try IngestProbe.file(path)
        return (probe.database, probe.report, probe.rejections)
    }

    func testTheRealSampleFieldByField() throws {
        let (database, report, rejections) = try ingest(Paths.sharedFixtures + "/x/twcs_sample.csv")
        XCTAssertEqual(report.format, "x-csv")
        XCTAssertEqual([report.new, report.rejected], [32, 0], "\(rejections)")
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.source_id, m.text, m.created_at, m.in_reply_to, m.ours, h.handle FROM mention m
                JOIN contact_handle h ON h.id = m.handle_id ORDER BY m.id
                """)
        }
        XCTAssertEqual(rows[0]["source_id"] as String, "1")
        XCTAssertEqual(rows[0]["handle"] as String, "sprintcare")
        XCTAssertEqual(rows[0]["ours"] as Bool, true, "inbound FALSE is the brand's reply")
        XCTAssertEqual(rows[0]["in_reply_to"] as String?, "3")
        XCTAssertEqual(rows[0]["created_at"] as Int64, RFC3339.milliseconds(from: "2017-10-31T22:10:47Z"))
        XCTAssertEqual(rows[0]["text"] as String, "@115712 I understand. I would like to assist you. We would need to get you into a private secured link to further assist.")
        XCTAssertEqual(rows[1]["ours"] as Bool, false)
        let verizon = try XCTUnwrap(rows.first { $0["source_id"] as String == "61" })
        XCTAssertEqual(verizon["text"] as String, ".@VerizonSupport @115725 @115726                                                 >All of VERIZON IS DOWN<\nWhen can we expect a fix ?")
        let signed = try XCTUnwrap(rows.first { $0["source_id"] as String == "34" })
        XCTAssertEqual(signed["text"] as String, "@115719 Help has arrived! We are sorry to see that you are having trouble. How can we help?\n^HSB")
        XCTAssertEqual(signed["created_at"] as Int64, RFC3339.milliseconds(from: "2017-10-31T22:13:33Z"))
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention WHERE ours = 1") }, 14)
    }

    /// The sample as a data-frame library re-saves it: an unnamed index column first, parent ids
    /// written as floats (`3.0`, since the column has gaps), True/False; and one id a spreadsheet
    /// rounded (`5.40E+17`). Built here from the shared sample rather than copied.
    func testTheSampleAsDataFrameLibrariesResaveIt() throws {
        let fd = open(Paths.sharedFixtures + "/x/twcs_sample.csv", O_RDONLY)
        defer { close(fd) }
        var reader = CSVRecordReader(fd: fd)
        var lines = [",tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"]
        _ = try reader.next()
        var index = 0
        while let (fields, _) = try reader.next() {
            var row = fields
            row[2] = row[2] == "TRUE" ? "True" : "False"
            if !row[6].isEmpty { row[6] += ".0" }
            lines.append((["\(index)"] + row).map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ","))
            index += 1
        }
        lines.append("\(index),5.40E+17,115712,True,Tue Oct 31 22:20:00 +0000 2017,lost id,,1.0")
        let folder = TemporaryFolder()
        let (resaved, report, rejections) = try ingest(folder.write("twcs-resaved.csv", lines.joined(separator: "\n") + "\n"))
        XCTAssertEqual(report.format, "x-csv, its unnamed first column (a row index) ignored")
        XCTAssertEqual([report.new, report.rejected], [32, 1])
        XCTAssertEqual(rejections.first?.line, lines.dropLast().joined(separator: "\n").filter { $0 == "\n" }.count + 2, "the last line")
        XCTAssertEqual(rejections.first?.field, "tweet_id")
        XCTAssertTrue(rejections.first?.reason.contains("the id is lost") == true, "\(rejections)")
        let (original, _, _) = try ingest(Paths.sharedFixtures + "/x/twcs_sample.csv")
        func threads(_ database: AppDatabase) throws -> [String] {
            try database.read { db in try String.fetchAll(db, sql: "SELECT source_id || ' ' || coalesce(in_reply_to, '') || ' ' || conversation_id FROM mention ORDER BY source_id") }
        }
        XCTAssertEqual(try threads(resaved), try threads(original), "every reply joins its parent, as in the original")
    }

    func testBadRecordsNameTheirLineAndTheRestIsKept() throws {
        let folder = TemporaryFolder()
        let path = folder.write("support.csv", """
            tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
            1,115712,TRUE,Tue Oct 31 22:10:47 +0000 2017,"two
            lines",,
            2,115712,maybe,Tue Oct 31 22:11:47 +0000 2017,x,,
            3,115712,TRUE,yesterday,x,,
            4,115712,TRUE,Tue Oct 31 22:12:47 +0000 2017
            5,sprintcare,False,Tue Oct 31 22:13:47 +0000 2017,@115712 sorry!,,1

            """)
        let (database, report, rejections) = try ingest(path)
        XCTAssertEqual([report.new, report.rejected], [2, 3])
        XCTAssertEqual(rejections.map(\.line), [4, 5, 6])
        XCTAssertEqual(rejections.map(\.field), ["inbound", "created_at", nil])
        XCTAssertEqual(rejections[2].reason, "expected 7 fields, found 4")
        XCTAssertEqual(try database.read { db in try String.fetchAll(db, sql: "SELECT text FROM mention ORDER BY id") },
                       ["two\nlines", "@115712 sorry!"])
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT status FROM conversation") }, "waiting")
    }

    func testBareCarriageReturnsAndInvalidUTF8KeepEveryRecord() throws {
        let folder = TemporaryFolder()
        var bytes = Array("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n".utf8)
        bytes += Array("1,115712,TRUE,Tue Oct 31 22:10:47 +0000 2017,first part\rsecond part,,\n".utf8)
        bytes += Array("2,115712,TRUE,Tue Oct 31 22:11:47 +0000 2017,bad ".utf8) + [0xFF, 0xFE] + Array(" bytes,,\n".utf8)
        bytes += Array("3,115712,TRUE,Tue Oct 31 22:12:47 +0000 2017,after,,\n".utf8)
        let path = folder.file("support.csv")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let (database, report, rejections) = try ingest(path)
        XCTAssertEqual([report.new, report.rejected], [3, 0], "\(rejections)")
        XCTAssertEqual(try database.read { db in try String.fetchAll(db, sql: "SELECT text FROM mention ORDER BY id") },
                       ["first part\rsecond part", "bad \u{FFFD}\u{FFFD} bytes", "after"])
    }

    func testTwitterClassicTimes() {
        XCTAssertEqual(XSupportCSVFormat.twitterTime("Tue Oct 31 22:10:47 +0000 2017"), RFC3339.milliseconds(from: "2017-10-31T22:10:47Z"))
        XCTAssertEqual(XSupportCSVFormat.twitterTime("Wed Nov 22 09:24:30 -0500 2017"), RFC3339.milliseconds(from: "2017-11-22T14:24:30Z"))
        XCTAssertNil(XSupportCSVFormat.twitterTime("2017-10-31 22:10:47"))
    }
}
