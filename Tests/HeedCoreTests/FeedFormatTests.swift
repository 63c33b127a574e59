import HeedTestSupport
import Foundation
import XCTest
@testable import HeedCore

/// RSS and Atom: no real comment feed with a clear licence was found, so these read fixtures
/// built to the RSS 2.0, WordPress and Atom (RFC 4287, RFC 4685) conventions (Fixtures/README.md).
final class FeedFormatTests: XCTestCase {
    let context = FormatContext(config: Config())

    func records(_ name: String) throws -> [FormatRecord] {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: MoreFormatTests.ownFixtures + "/" + name)))
        XCTAssertTrue(FeedFormat().sniff(Array(bytes.prefix(4096))))
        return FeedFormat().records(in: bytes, context: context)
    }

    func mentions(_ records: [FormatRecord]) -> [IncomingMention] {
        records.compactMap { if case .mention(let m) = $0 { m } else { nil } }
    }

    func testWordPressCommentFeed() throws {
        let all = try records("wordpress-comments.rss")
        let comments = mentions(all)
        XCTAssertEqual(comments.count, 3)
        let first = comments[0]
        XCTAssertEqual(first.channel, "blog")
        XCTAssertEqual(first.sourceID, "https://blog.northwind.example/?p=1872#comment-4121")
        XCTAssertEqual(first.text, "So the £5 monthly fee applies even if I pay in my salary? That’s not what the letter said.\n\nPlease clarify – I’m thinking of moving banks.")
        XCTAssertEqual(first.author, IncomingAuthor(id: "Hannah Silva@blog.northwind.example", handle: "Hannah Silva", name: "Hannah Silva"))
        XCTAssertEqual(first.createdAt, RFC3339.milliseconds(from: "2026-11-23T08:14:55Z"))
        XCTAssertEqual(first.url, "https://blog.northwind.example/2026/11/new-fees-explained/#comment-4121")
        XCTAssertEqual(first.extra, #"{"comment_feed":"https://blog.northwind.example/2026/11/new-fees-explained/feed/"}"#)
        XCTAssertEqual(comments[2].createdAt, RFC3339.milliseconds(from: "2026-11-23T10:02:11Z"))
        XCTAssertEqual(comments[2].text, "Clear, thanks.")
        guard case .rejected(let rejection, _)? = all.last else { return XCTFail("the broken date is rejected") }
        XCTAssertEqual(rejection.line, 48)
        XCTAssertEqual(rejection.field, "item[3].pubDate")
    }

    func testAtomThreadedComments() throws {
        let comments = mentions(try records("atom-comments.xml"))
        XCTAssertEqual(comments.count, 2)
        XCTAssertEqual(comments[0].sourceID, "tag:community.northwind.example,2026:comment-88")
        XCTAssertEqual(comments[0].text, "Same here, login spins forever & then times out.")
        XCTAssertEqual(comments[0].author, IncomingAuthor(id: "https://community.northwind.example/u/lena_m", handle: "lena_m", name: "lena_m"))
        XCTAssertEqual(comments[0].createdAt, RFC3339.milliseconds(from: "2026-11-23T08:12:40Z"))
        XCTAssertEqual(comments[0].url, "https://community.northwind.example/t/is-the-app-down#comment-88")
        XCTAssertEqual(comments[1].inReplyTo, comments[0].sourceID)
        XCTAssertEqual(comments[1].text, "We are on it: a fix is rolling out now.")
    }

    /// A comment feed names commenters by display name only: a name is one person on one site,
    /// not one person on every blog heed reads.
    func testAuthorsKnownByNameOnlyAreOnePersonPerSite() {
        func author(_ item: String) -> IncomingAuthor? {
            let feed = "<rss><channel>\(item)</channel></rss>"
            return mentions(FeedFormat().records(in: Array(feed.utf8), context: context)).first?.author
        }
        let date = "<pubDate>Mon, 23 Nov 2026 08:14:55 +0000</pubDate>"
        let onOneBlog = author("<item><guid>a1</guid><link>https://Blog.One.example/p/1#c-1</link><dc:creator>John</dc:creator>\(date)</item>")
        let againThere = author("<item><guid>https://blog.one.example/?p=9#c-7</guid><dc:creator>John</dc:creator>\(date)</item>")
        let onAnother = author("<item><guid>b1</guid><link>https://blog.two.example/p/1#c-1</link><dc:creator>John</dc:creator>\(date)</item>")
        XCTAssertEqual(onOneBlog?.id, "John@blog.one.example")
        XCTAssertEqual(againThere?.id, onOneBlog?.id, "the guid names the site when there is no link")
        XCTAssertEqual(onAnother?.id, "John@blog.two.example")
        XCTAssertEqual(onAnother?.handle, "John")
        XCTAssertEqual(author("<item><guid>c1</guid><dc:creator>John</dc:creator>\(date)</item>")?.id, "John", "nowhere to tell the site by")
        XCTAssertEqual(author("<entry><id>tag:x,2026:1</id><author><name>John</name><email>John@Example.com</email></author>"
                              + "<published>2026-11-23T08:12:40Z</published><content>hi</content></entry>")?.id, "john@example.com")
    }

    func testEntityDeclarationsAndBrokenXMLAreRefused() {
        let bomb = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><item><description>&b;</description></item></channel></rss>"#
        let refused = FeedFormat().records(in: Array(bomb.utf8), context: context)
        guard case .rejected(let rejection, _)? = refused.first else { return XCTFail() }
        XCTAssertTrue(rejection.reason.contains("declares XML entities"), rejection.reason)
        let truncated = FeedFormat().records(in: Array("<rss><channel><item><guid>1</guid><pubDate>Mon, 23 Nov 2026 08:14:55 +0000</pubDate><desc".utf8),
                                             context: context)
        XCTAssertTrue(truncated.contains { if case .rejected(let r, _) = $0 { r.reason.hasPrefix("not valid XML") } else { false } }, "\(truncated)")
    }

    /// Found by the mutation tests: invalid UTF-8 in an element name made Foundation's XMLParser
    /// trap, killing the import.
    func testInvalidUTF8InElementNamesIsNoCrash() {
        var bytes = Array("<rss><channel><item><guid>1</guid><pubDate>Mon, 23 Nov 2026 08:14:55 +0000</pubDate><".utf8)
        bytes += [0xE2, 0x28, 0xA1] + Array("x>hi</".utf8) + [0xE2, 0x28, 0xA1] + Array("x><description>ok</description></item></channel></rss>".utf8)
        let records = FeedFormat().records(in: bytes, context: context)
        XCTAssertFalse(records.isEmpty)
    }

    func testLatin1FeedIsConverted() {
        var bytes = Array(#"<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><item><guid>1</guid><pubDate>Mon, 23 Nov 2026 08:14:55 +0000</pubDate><description>Caf"#.utf8)
        bytes += [0xE9] + Array(" cr".utf8) + [0xE8] + Array("me</description></item></channel></rss>".utf8)
        XCTAssertEqual(mentions(FeedFormat().records(in: bytes, context: context)).map(\.text), ["Café crème"])
    }

    func testRFC822Dates() {
        XCTAssertEqual(RFC822.milliseconds(from: "Mon, 23 Nov 2026 09:41:07 +0000"), RFC3339.milliseconds(from: "2026-11-23T09:41:07Z"))
        XCTAssertEqual(RFC822.milliseconds(from: "23 Nov 2026 09:41 EST"), RFC3339.milliseconds(from: "2026-11-23T14:41:00Z"))
        XCTAssertEqual(RFC822.milliseconds(from: "Mon, 23 Nov 26 09:41:07 -0130"), RFC3339.milliseconds(from: "2026-11-23T11:11:07Z"))
        XCTAssertNil(RFC822.milliseconds(from: "Mon, 31 Feb 2026 09:41:07 +0000"))
        XCTAssertNil(RFC822.milliseconds(from: "yesterday"))
    }
}
