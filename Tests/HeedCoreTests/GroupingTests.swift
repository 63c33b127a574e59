import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// The cache an import gives does not depend on how its mentions were grouped into files.
final class GroupingTests: XCTestCase {
    func testOneFileOrThreeGiveTheSamePriorities() throws {
        let folder = TemporaryFolder()
        let clock = FixedClock("2026-11-23T12:00:00Z")
        let config = try ExampleConfig.load()
        let mentions = Array(DemoGenerator(size: 3_000, seed: 11, now: clock.now(), config: config)).sorted { $0.createdAt < $1.createdAt }
        let lines = mentions.map(HeedJSONLines.encode)
        func cache(_ parts: [ArraySlice<String>], name: String) throws -> [String] {
            let database = try AppDatabase.open(path: folder.file(name + ".sqlite"))
            let ingester = Ingester(database: database, config: config, clock: clock)
            for (index, part) in parts.enumerated() {
                _ = try ingester.ingest(path: folder.write("\(name)-\(index).jsonl", part.joined(separator: "\n") + "\n"))
            }
            return try database.read { db in
                try String.fetchAll(db, sql: """
                    SELECT (SELECT min(m.channel || ':' || m.source_id) FROM mention m WHERE m.conversation_id = c.id) || ' ' || c.priority
                        || ' ' || c.status || ' ' || coalesce(c.incident_id, '-') AS line FROM conversation c ORDER BY line
                    """)
            }
        }
        let whole = try cache([lines[...]], name: "one")
        let third = lines.count / 3
        let split = try cache([lines[..<third], lines[third..<(2 * third)], lines[(2 * third)...]], name: "three")
        for (name, other) in [("three in time", split),
                              ("three interleaved", try cache((0..<3).map { k in ArraySlice(lines.enumerated().filter { $0.offset % 3 == k }.map(\.element)) },
                                                            name: "interleaved"))] {
            let differing = zip(whole, other).filter { $0 != $1 }
            XCTAssertEqual(whole.count, other.count, name)
            XCTAssertTrue(differing.isEmpty, "\(name): \(differing.count) differ: \(differing.prefix(8))")
        }
    }

    /// A network read post by post hands heed a customer's later messages before their earlier
    /// ones: the earlier conversations, arriving second, change the later ones' repeat contact
    /// and first contact, which are scored again (a regular's beyond the count's cap need not be).
    func testACustomersEarlierMessagesArrivingLastGiveTheSamePriorities() throws {
        let folder = TemporaryFolder()
        let clock = FixedClock("2026-11-23T12:00:00Z")
        let config = try ExampleConfig.load()
        let texts = ["my card was declined", "still no answer about the fee", "the app logs me out", "where is my refund",
                     "branch closed without notice", "transfer stuck for days"]
        func posts(_ handle: String, _ count: Int) -> [IncomingMention] {
            (0..<count).map { index in
                IncomingMention(channel: "x", sourceID: "\(handle)-\(index)", text: "@NorthwindHelp \(texts[index % texts.count]) (\(index))",
                                createdAt: clock.now() - Int64(count - index) * 3_600_000, author: IncomingAuthor(id: handle, handle: handle))
            }
        }
        let ana = posts("ana", 8), regular = posts("regular", 30)
        // A thread its customer kept writing in for a day, eight others begun meanwhile, and one
        // begun before all of them that arrives last: the thread is no longer their first contact.
        let hour: Int64 = 3_600_000
        func said(_ id: String, _ text: String, hoursAgo: Int64, under parent: String? = nil) -> IncomingMention {
            IncomingMention(channel: "x", sourceID: id, text: "@NorthwindHelp " + text, createdAt: clock.now() - hoursAgo * hour,
                            author: IncomingAuthor(id: "long", handle: "long"), inReplyTo: parent)
        }
        var thread = [said("long-p", "my mortgage payment bounced", hoursAgo: 30)]
        for index in 0..<8 {
            let step = Int64(index) * 2
            thread.append(said("long-p-\(index)", "any news? (\(index))", hoursAgo: 29 - step, under: "long-p"))
            thread.append(said("long-\(index)", texts[index % texts.count] + " (\(index))", hoursAgo: 28 - step))
        }
        let before = said("long-e", "cannot log in to the app", hoursAgo: 31)
        func priorities(_ batches: [[IncomingMention]], name: String) throws -> [String] {
            let database = try AppDatabase.open(path: folder.file(name + ".sqlite"))
            for batch in batches { _ = try Ingester(database: database, config: config, clock: clock).ingest(mentions: batch, source: name) }
            return try database.read { db in
                try String.fetchAll(db, sql: """
                    SELECT (SELECT min(m.source_id) FROM mention m WHERE m.conversation_id = c.id) || ' ' || c.priority || ' ' || r.reasons AS line
                    FROM conversation c JOIN conversation_reasons r ON r.conversation_id = c.id ORDER BY line
                    """)
            }
        }
        let all: [IncomingMention] = ana + regular + thread + [before]
        let inOrder = try priorities([all.sorted { $0.createdAt < $1.createdAt }], name: "in-order")
        let first: [IncomingMention] = Array(ana[4...]) + Array(regular[20...]) + thread
        let second: [IncomingMention] = Array(ana[..<4]) + Array(regular[..<20]) + [before]
        let later = try priorities([first, second], name: "later-first")
        XCTAssertEqual(inOrder.count, 38 + 10)
        XCTAssertEqual(later, inOrder)
        XCTAssertTrue(inOrder.contains { $0.hasPrefix("ana-7 ") && $0.contains("contact in 24h") }, "\(inOrder.filter { $0.hasPrefix("ana-7") })")
        XCTAssertTrue(inOrder.contains { $0.hasPrefix("long-e ") && $0.contains("first") }, "\(inOrder.filter { $0.hasPrefix("long-") })")
    }

    /// Which of a contact's conversations a message can change is told from the contacts' index
    /// alone: a name a feed's commenters share has thousands in the window, each a read of the
    /// table otherwise.
    func testAContactsLaterConversationsAreFoundInTheirIndex() throws {
        let database = try AppDatabase.inMemory()
        let plan = try database.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + MentionUpsert.othersSQL, arguments: [1, 0, 1]).map { $0["detail"] as String }
        }.joined(separator: " ")
        XCTAssertTrue(plan.contains("COVERING INDEX conversation_by_contact (contact_id=? AND first_at>?)"), plan)
    }
}
