import HeedTestSupport
import XCTest
@testable import HeedCore

/// Each importer against real public payloads (../shared/fixtures), field by field.
final class FormatTests: XCTestCase {
    let context = FormatContext(config: Config())

    /// The documents of a fixture: the whole file, or one a line when it is JSON Lines.
    func documents(_ name: String) throws -> [JSONNode] {
        let text = try String(contentsOfFile: Paths.sharedFixtures + "/" + name, encoding: .utf8)
        if let whole = try? JSONParser.parse(text) { return [whole] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            try? JSONParser.parse(String(line), firstLine: index + 1)
        }
    }

    func records(_ name: String) throws -> (format: String, records: [FormatRecord]) {
        let docs = try documents(name)
        let format = try XCTUnwrap(MentionFormats.detect(docs[0]), "no format recognises \(name)")
        return (format.name, docs.flatMap { format.records(in: $0, context: context) })
    }

    func mentions(_ records: [FormatRecord]) -> [IncomingMention] {
        records.compactMap { if case .mention(let m) = $0 { m } else { nil } }
    }

    func rejections(_ records: [FormatRecord]) -> [Rejection] {
        records.compactMap { if case .rejected(let r, _) = $0 { r } else { nil } }
    }

    func ms(_ text: String) -> Int64 { RFC3339.milliseconds(from: text)! }

    // MARK: X

    func testXTwarcPageMapsTweetsAuthorsThreadsAndMetrics() throws {
        let (format, records) = try records("x/brexit.jsonl")
        XCTAssertEqual(format, "x")
        let all = mentions(records)
        XCTAssertEqual(all.count, 100)
        XCTAssertEqual(all[0].sourceID, "1440716895355764743")
        XCTAssertEqual(all[0].createdAt, ms("2021-09-22T16:37:29Z"))

        let reply = try XCTUnwrap(all.first { $0.sourceID == "1440716745577140229" })
        XCTAssertEqual(reply.channel, "x")
        XCTAssertEqual(reply.text, "@AndrewKnight226 #FuckBrexit #BrexitSucks I wonder what do those imbeciles who voted for #Brexit think now about #BrexitDisaster #BrexitChaos #Brexitshortages!… Well, donkeys CAN’T think, but at least they feel #hunger!… 😜 Sadly, not only #Brexit donkeys suffer!.. You can always return!… 🇪🇺✊🏻 https://t.co/yEzXqfxRrp")
        XCTAssertEqual(reply.createdAt, ms("2021-09-22T16:36:54Z"))
        XCTAssertEqual(reply.inReplyTo, "1440621713281093641")
        XCTAssertEqual(reply.threadID, "1440621713281093641")
        XCTAssertEqual(reply.author.handle, "calin_a")
        XCTAssertEqual(reply.author.name, "Calin A. 🇪🇺#FBPE #Rezist #LebanonInOurHearts")
        XCTAssertEqual(reply.author.followers, 1150)
        XCTAssertFalse(reply.author.verified)
        XCTAssertEqual(reply.lang, "en")
        XCTAssertEqual(reply.metrics, Metrics(likes: 0, reposts: 0, replies: 0))
        XCTAssertEqual(reply.url, "https://x.com/calin_a/status/1440716745577140229")
    }

    func testXRetweetGetsItsFullTextFromIncludes() throws {
        let retweet = try XCTUnwrap(mentions(try records("x/brexit.jsonl").records).first { $0.sourceID == "1440716856763977732" })
        XCTAssertEqual(retweet.author.handle, "jacquip537")
        XCTAssertTrue(retweet.text.hasPrefix("RT @carolJhedges: . #BorisJohnson has revealed his favourite bottle of wine, Tignanello costs £180 \nHe's happy"),
                      retweet.text)
        XCTAssertFalse(retweet.text.hasSuffix("…"))
    }

    func testXStreamErrorLineIsOneRejectionNotAStop() throws {
        let (_, report, seen) = try IngestProbe.file(Paths.sharedFixtures + "/x/streaming_output_with_error.jsonl")
        XCTAssertEqual(report.format, "x")
        XCTAssertEqual([report.new, report.rejected], [7, 1])
        XCTAssertEqual(seen.map(\.line), [8])
    }

    func testXResponseWithoutAuthorsIsRejectedSayingWhatToRequest() throws {
        let records = try records("x/test_client_get_users_mentions.0.json").records
        let rejected = rejections(records)
        XCTAssertEqual(rejected.count, 10)
        XCTAssertEqual(rejected[0].field, "data[0].author_id")
        XCTAssertEqual(rejected[0].line, 3)
        XCTAssertTrue(rejected[0].reason.contains("expansions=author_id"))
    }

    func testXTimeComesFromTheSnowflakeWhenCreatedAtIsMissing() throws {
        let page = try JSONParser.parse(#"{"data":[{"id":"1578516295611748353","text":"hi","author_id":"7"}],"includes":{"users":[{"id":"7","username":"a","name":"A"}]}}"#)
        let mention = try XCTUnwrap(mentions(XFormat().records(in: page, context: context)).first)
        XCTAssertEqual(mention.createdAt, ms("2022-10-07T22:43:06.945Z"))
        XCTAssertEqual(mention.author, IncomingAuthor(id: "7", handle: "a", name: "A"))
    }

    // MARK: Mastodon

    func testMastodonMentionNotificationBecomesThePost() throws {
        let (format, records) = try records("mastodon/test_notifications_mentions_only.1.json")
        XCTAssertEqual(format, "mastodon")
        let m = try XCTUnwrap(mentions(records).first)
        XCTAssertEqual(m.channel, "mastodon")
        XCTAssertEqual(m.sourceID, "117020577157693549")
        XCTAssertEqual(m.createdAt, ms("2026-08-01T13:51:42.823Z"))
        XCTAssertEqual(m.text, "@mastodonpy_test@localhost:3000 hello!")
        XCTAssertEqual(m.author.id, "117020565693913441")
        XCTAssertEqual(m.author.handle, "admin@localhost:3000")
        XCTAssertNil(m.author.name)
        XCTAssertEqual(m.url, "http://localhost:3000/@admin/117020577157693549")
        XCTAssertNil(m.inReplyTo)
        XCTAssertEqual(m.lang, "en")
    }

    func testMastodonReplyAndDeletedStatusText() throws {
        let m = try XCTUnwrap(mentions(try records("mastodon/test_status_reply.3.json").records).first)
        XCTAssertEqual(m.sourceID, "117020583258292382")
        XCTAssertEqual(m.inReplyTo, "117020583245459824")
        XCTAssertEqual(m.text, "@mastodonpy_test_2 same!")
        XCTAssertEqual(m.createdAt, ms("2026-08-01T13:53:15.910Z"))
    }

    func testMastodonOtherNotificationsAreNotPosts() throws {
        let doc = try JSONParser.parse(#"[{"id":"1","type":"favourite","created_at":"2026-01-01T00:00:00Z","account":{"id":"9","acct":"x"}}]"#)
        XCTAssertTrue(MastodonFormat().recognises(doc))
        XCTAssertTrue(MastodonFormat().records(in: doc, context: context).isEmpty)
    }

    func testMastodonHTMLBecomesPlainText() {
        XCTAssertEqual(HTMLText.plain(#"<p>Hi <span class="h-card"><a href="https://mstdn.io/@lee" class="u-url mention">@<span>lee</span></a></span> &amp; all!</p><p>line one<br />line two <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow"><span class="invisible">https://</span>example.com/a?b=1&amp;c=2</a> <a href="https://m.s/tags/app" class="mention hashtag">#<span>app</span></a></p>"#),
                       "Hi @lee@mstdn.io & all!\n\nline one\nline two https://example.com/a?b=1&c=2 #app")
        XCTAssertEqual(HTMLText.plain("5 &lt; 6 &#8212; &#x1F600; &bogus; <b>bold</b>"), "5 < 6 — 😀 &bogus; bold")
    }

    // MARK: Reddit

    func testRedditSubmissionWithItsCommentTree() throws {
        let (format, records) = try records("reddit/TestSubmission.test_comments.1.json")
        XCTAssertEqual(format, "reddit")
        let all = mentions(records)
        XCTAssertEqual(all.map(\.sourceID), ["t3_2gmzqe", "t1_cklfmye", "t1_cklhv0f"])
        XCTAssertEqual(all.map(\.inReplyTo), [nil, "t3_2gmzqe", "t1_cklfmye"])
        XCTAssertEqual(all.map(\.threadID), ["t3_2gmzqe", "t3_2gmzqe", "t3_2gmzqe"])
        XCTAssertEqual(all.map(\.author.handle), ["bboe", "paneer_burrito", "bboe"])
        XCTAssertEqual(all[0].createdAt, 1_410_935_671_000)
        XCTAssertTrue(all[0].text.hasPrefix("[PRAW] HTTPS enabled PRAW testing needed\n\nPRAW client developers,\n\nI have made a PRAW branch"))
        XCTAssertEqual(all[0].url, "https://www.reddit.com/r/redditdev/comments/2gmzqe/praw_https_enabled_praw_testing_needed/")
        XCTAssertEqual(all[1].text, "Quick question: I remember reading about an issue where the proxy settings for https requests were not getting picked up from the environment variables. Does this branch have that fix? Thanks")
        XCTAssertEqual(all[1].createdAt, 1_411_005_112_000)
    }

    func testRedditInboxMentions() throws {
        let all = mentions(try records("reddit/TestInbox.test_mentions.1.json").records)
        XCTAssertEqual(all.count, 16)
        XCTAssertEqual(all[0].sourceID, "t1_ekftbox")
        XCTAssertEqual(all[0].author, IncomingAuthor(id: "t2_3efd9zdo", handle: "2Botter2Loop"))
        XCTAssertEqual(all[0].inReplyTo, "t3_bb24k7")
        XCTAssertEqual(all[0].createdAt, 1_554_774_308_000)
        XCTAssertEqual(all[0].url, "https://www.reddit.com/r/RemovedByBotter/comments/bb24k7/just_a_normal_girl_going_for_her_10th_class_exam/ekftbox/?context=3")
        XCTAssertTrue(all[0].text.hasPrefix("Hello /u/<USERNAME>,\n\nYour [submission](https://redd.it/bb1sep) was removed"), all[0].text)
    }

    // MARK: Through the store

    func testRealThreadsJoinInTheCache() throws {
        let database = try AppDatabase.inMemory()
        let ingester = Ingester(database: database, config: Config())
        let report = try ingester.ingest(path: Paths.sharedFixtures + "/reddit/TestSubmission.test_comments.1.json")
        XCTAssertEqual([report.new, report.rejected], [3, 0])
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation") }, 1)
        let again = try ingester.ingest(path: Paths.sharedFixtures + "/reddit/TestSubmission.test_comments.1.json")
        XCTAssertEqual(again.unchanged, 3)
    }
}

/// Found by the mutation tests: numbers past Int's range trapped when turned into counts or times.
final class HugeNumberTests: XCTestCase {
    func testHugeCountsAndTimesAreRejectionsNotCrashes() throws {
        let context = FormatContext(config: Config())
        let x = try JSONParser.parse(#"{"data":[{"id":"1","text":"t","author_id":"7","public_metrics":{"like_count":1e300}}],"includes":{"users":[{"id":"7","username":"a"}]}}"#)
        guard case .rejected(let r, _)? = XFormat().records(in: x, context: context).first else { return XCTFail() }
        XCTAssertEqual(r.field, "data[0].public_metrics.like_count")
        let reddit = try JSONParser.parse(#"{"kind":"Listing","data":{"children":[{"kind":"t1","data":{"name":"t1_a","author":"u","body":"b","created_utc":1e300}}]}}"#)
        guard case .rejected(let r2, _)? = RedditFormat().records(in: reddit, context: context).first else { return XCTFail() }
        XCTAssertEqual(r2.field, "data.children[0].data.created_utc")
        let linkedin = try JSONParser.parse(#"{"elements":[{"actor":"urn:li:person:a","message":{"text":"t"},"id":"1","created":{"time":-9223372036854775808}}]}"#)
        guard case .rejected(let r3, _)? = LinkedInFormat().records(in: linkedin, context: context).first else { return XCTFail() }
        XCTAssertEqual(r3.field, "elements[0].created_at")
        XCTAssertNil(RFC822.milliseconds(from: "Mon, 23 Nov 99999999999 09:41:07 +0000"))
    }
}

final class ExtraFieldTests: XCTestCase {
    /// Source ids went into `extra` unescaped: a quote in one made the stored JSON invalid.
    func testIdsWithQuotesStayValidJSON() throws {
        let context = FormatContext(config: Config())
        let x = try JSONParser.parse(#"{"data":[{"id":"1","text":"t","author_id":"7","created_at":"2026-11-23T09:00:00Z","referenced_tweets":[{"type":"quoted","id":"9\"}x"}]}],"includes":{"users":[{"id":"7","username":"a"}]}}"#)
        guard case .mention(let tweet)? = XFormat().records(in: x, context: context).first else { return XCTFail() }
        XCTAssertEqual(try JSONParser.parse(try XCTUnwrap(tweet.extra))["quoted_tweet_id"]?.string, "9\"}x")
        let fb = try JSONParser.parse(#"{"data":[{"id":"p\"1_c2","message":"m","created_time":"2026-11-23T08:15:42+0000"}]}"#)
        guard case .mention(let comment)? = FacebookFormat().records(in: fb, context: context).first else { return XCTFail() }
        XCTAssertEqual(try JSONParser.parse(try XCTUnwrap(comment.extra))["post_id"]?.string, "p\"1")
    }
}
