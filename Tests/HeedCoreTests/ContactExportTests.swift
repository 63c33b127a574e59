import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class ContactExportTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-11-23T12:00:00Z")

    /// Dana's conversation (with our reply and Eve chiming in), and Eve's own.
    func cache() throws -> (AppDatabase, ActionService, dana: Int64) {
        try PrivacyTeam.cache([
            MentionLines.line(id: "a1", text: "my card was charged twice, account ending 4411", at: "2026-11-23T10:00:00Z", author: "d1", handle: "dana"),
            MentionLines.line(id: "a2", text: "Sorry Dana, looking now ^SB", at: "2026-11-23T10:05:00Z", author: "n1", handle: "NorthwindHelp", inReplyTo: "a1"),
            MentionLines.line(id: "a3", text: "eve-private: same happened to me", at: "2026-11-23T10:06:00Z", author: "e1", handle: "eve", inReplyTo: "a1"),
            MentionLines.line(id: "a4", text: "still nothing, day two", at: "2026-11-23T11:00:00Z", author: "d1", handle: "dana", inReplyTo: "a2"),
            MentionLines.line(id: "b1", text: "eve-private: where is my parcel", at: "2026-11-23T10:30:00Z", author: "e1", handle: "eve"),
        ], in: folder, clock: clock)
    }

    func testAnExportHoldsEverythingAboutTheCustomerAndNothingAboutOthers() throws {
        let (database, service, dana) = try cache()
        let sam = PrivacyTeam.sam
        try PrivacyTeam.work(.init(note: "called her back, bank is on it", escalation: "double charge 4411", contactNote: "prefers DMs",
                                   reply: "Refund is on its way", draft: "half-written apology"), on: dana, contact: "dana", service, database)

        let export = try service.exportContact("#\(dana)", by: sam)
        let json = export.json
        for held in ["my card was charged twice", "still nothing, day two", "Sorry Dana, looking now", "called her back", "prefers DMs", "\"vip\"",
                     "\"billing\"", "double charge 4411", "Refund is on its way", "half-written apology", "\"dana\"", "2026-11-23T10:00:00Z"] {
            XCTAssertTrue(json.contains(held), "the export holds \(held)")
        }
        XCTAssertFalse(json.contains("eve-private"), "another customer's messages are theirs, not Dana's")
        let counts = Dictionary(uniqueKeysWithValues: export.sections.map { ($0.name, $0.rows.count) })
        XCTAssertEqual(counts["messages"], 2)
        XCTAssertEqual(counts["our_replies"], 1)
        XCTAssertEqual(counts["handles"], 1)
        XCTAssertEqual(counts["contact_notes"], 1)
        XCTAssertEqual(counts["conversation_notes"], 1)
        XCTAssertEqual(counts["escalations"], 1)
        XCTAssertEqual(counts["posts"], 1)
        XCTAssertEqual(counts["drafts"], 1)
        let kinds = try XCTUnwrap(export.sections.first { $0.name == "events" }).rows.compactMap { row in
            row.first { $0.column == "kind" }.flatMap { if case .string(let kind) = $0.value { kind } else { nil } }
        }
        XCTAssertTrue(["note", "tag", "escalate", "contact-note", "contact-tag", "reply", "contact-export"].allSatisfy(kinds.contains), "\(kinds)")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        XCTAssertEqual((parsed?["messages"] as? [[String: Any]])?.first?["created_at"] as? String, "2026-11-23T10:00:00Z", "times as RFC 3339")
        XCTAssertEqual((parsed?["events"] as? [[String: Any]])?.last?["at"] as? String, "2026-11-23T12:00:00Z")
        XCTAssertEqual((parsed?["posts"] as? [[String: Any]])?.first?["send_after"] as? String, "2026-11-23T12:00:10Z")

        let logged = try database.read { db in try Row.fetchOne(db, sql: "SELECT operator, subject FROM event WHERE kind = 'contact-export'") }
        XCTAssertEqual(logged?[0] as String?, "sam")
        let contact = try database.read { db in try Int64.fetchOne(db, sql: "SELECT contact_id FROM conversation WHERE id = ?", arguments: [dana]) }
        XCTAssertEqual(logged?[1] as String?, contact.map(String.init))
        XCTAssertThrowsError(try service.exportContact("x:nobody", by: sam)) {
            XCTAssertTrue(($0 as? HeedError)?.message.contains("no customer x:nobody") == true, "\($0)")
        }
    }
}
