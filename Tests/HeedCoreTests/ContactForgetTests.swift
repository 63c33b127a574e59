import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class ContactForgetTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-11-23T12:00:00Z")

    var sam: Operator { PrivacyTeam.sam }

    /// Words only Dana's data holds: none may be left in any byte of the cache.
    static let hers = ["zygomorphic", "quixotic", "xanadu-street", "half-written", "refund on its way", "double charge nine"]

    func testAForgottenCustomerLeavesNoByteBehindAndTheFiguresStay() throws {
        let path = folder.file("cache.sqlite")
        let (database, service, dana) = try PrivacyTeam.cache([
            MentionLines.line(id: "a1", text: "my zygomorphic card was charged twice", at: "2026-11-23T10:00:00Z", author: "d1", handle: "danakowalski"),
            MentionLines.line(id: "a2", text: "Sorry @danakowalski, looking now ^SB", at: "2026-11-23T10:05:00Z", author: "n1", handle: "NorthwindHelp", inReplyTo: "a1"),
            MentionLines.line(id: "a3", text: "eve-keeps: @DanaKowalski same here", at: "2026-11-23T10:06:00Z", author: "e1", handle: "eve", inReplyTo: "a1"),
            MentionLines.line(id: "a4", text: "still quixotic nothing, day two", at: "2026-11-23T11:00:00Z", author: "d1", handle: "danakowalski", inReplyTo: "a2"),
            MentionLines.line(id: "b1", text: "eve-keeps: parcel late, ask danakowalski", at: "2026-11-23T10:30:00Z", author: "e1", handle: "eve"),
            MentionLines.line(id: "c1", text: "Danakowalskiesque is not her name", at: "2026-11-23T10:40:00Z", author: "f1", handle: "finn"),
        ], in: folder, clock: clock)
        try PrivacyTeam.work(.init(note: "called danakowalski back re zygomorphic", escalation: "double charge nine",
                                   contactNote: "prefers DMs, lives on Xanadu-Street", reply: "Refund on its way", draft: "a half-written apology",
                                   drafter: "priya"), on: dana, contact: "danakowalski", service, database)
        _ = try service.exportContact("x:danakowalski", by: sam)
        let figures = { try database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, status, first_at, last_at, sentiment, kind, mention_count, contact_id FROM conversation ORDER BY id").map(\.description)
                + [try Int.fetchOne(db, sql: "SELECT count(*) FROM mention")!.description]
                + (try String.fetchAll(db, sql: "SELECT t.name FROM conversation_tag ct JOIN tag t ON t.id = ct.tag_id ORDER BY 1"))
        } }
        let before = try figures()
        let events = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event") }

        XCTAssertThrowsError(try service.forgetContact("danakowalski", reason: "asked", by: PrivacyTeam.priya)) {
            XCTAssertEqual(($0 as? HeedError)?.kind, .notPermitted)
        }
        XCTAssertThrowsError(try service.forgetContact("danakowalski", reason: "  ", by: sam)) { XCTAssertEqual(($0 as? HeedError)?.kind, .refused) }
        let forgotten = try service.forgetContact("danakowalski", reason: "subject's request, ticket 118", by: sam)
        XCTAssertEqual(forgotten.mentions, 3, "her two messages and our reply to her")
        XCTAssertEqual(forgotten.conversations, 1)
        XCTAssertEqual(forgotten.postsCancelled, 1, "the reply not sent yet is withdrawn")
        XCTAssertGreaterThanOrEqual(forgotten.eventsRedacted, 7)
        XCTAssertGreaterThanOrEqual(forgotten.elsewhere, 2, "Eve's two messages name her")

        // Every byte of the file and its WAL, the index's included.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { bytes.append(wal) }
        let lowered = String(decoding: bytes.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
        for word in Self.hers { XCTAssertFalse(lowered.contains(word), "\"\(word)\" is still in the cache file") }
        XCTAssertTrue(lowered.contains("eve-keeps"), "others' messages stay")
        XCTAssertTrue(lowered.contains("danakowalskiesque"), "a longer word is not her handle")
        XCTAssertNil(lowered.range(of: "danakowalski(?!esque)", options: .regularExpression), "her handle is nowhere")

        XCTAssertEqual(try figures(), before, "the numbers reports need are unchanged")
        try database.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM event"), events! + 1)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM mention_fts WHERE mention_fts MATCH 'zygomorphic'"), 0)
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT text FROM mention WHERE source_id = 'a3'"), ["eve-keeps: @[erased] same here"])
            let forget = try XCTUnwrap(Row.fetchOne(db, sql: "SELECT operator, subject, after FROM event WHERE kind = 'contact-forget'"))
            XCTAssertEqual(forget[0] as String, "sam")
            XCTAssertTrue((forget[2] as String).contains(#""reason":"subject's request, ticket 118""#), forget[2] as String)
            XCTAssertEqual(try String.fetchOne(db, sql: "SELECT state FROM outbox"), "cancelled")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM redaction"), 0)
        }
        XCTAssertThrowsError(try database.write { db in try db.execute(sql: "UPDATE event SET after = 'rewritten' WHERE kind = 'tag'") },
                             "outside a redaction the log is append-only still")

        // She writes again: a new customer, a new conversation.
        let back = MentionLines.line(id: "a9", text: "hello again", at: "2026-11-24T09:00:00Z", author: "d1", handle: "danakowalski")
        _ = try Ingester(database: database, config: PrivacyTeam.config, clock: clock).ingest(path: folder.write("back.jsonl", back + "\n"))
        let again = try database.read { db in try Row.fetchOne(db, sql: "SELECT conversation_id, c.contact_id FROM mention m JOIN conversation c ON c.id = m.conversation_id WHERE source_id = 'a9'") }
        XCTAssertNotEqual(again?[0] as Int64?, dana)
        XCTAssertNotEqual(again?[1] as Int64?, forgotten.contactID)
    }
}
