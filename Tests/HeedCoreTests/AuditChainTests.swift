import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class AuditChainTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-11-23T12:00:00Z")

    /// The hashes of entries as every heed so far has framed them, computed apart from heed
    /// (Python's hashlib): a log written by an older heed must still verify.
    func testTheChainHashesEntriesAsTheyWereAlwaysHashed() {
        let first = AuditChain.digest(subject: "tag +cards", before: nil, after: #"{"tags":["cards"]}"#)
        XCTAssertEqual(first.hex, "ebf254d86b17385d8004375d0030175a25b1b7ecd1bdf3557ff453bb7d6809f6")
        // Longer than SHA-256's block, beyond ASCII, an empty field beside an absent one.
        let second = AuditChain.digest(subject: nil, before: String(repeating: "é", count: 40) + " refund 💸", after: "")
        XCTAssertEqual(second.hex, "fe47864d848165fe52033aef49cf5c90a9218157497213aa6364b52e16bffdca")
        let head = AuditChain.link(previous: nil, at: 1_763_899_200_000, operator: "sam", uid: 1000, kind: "tag", conversation: 7, digest: first)
        XCTAssertEqual(head.hex, "bddef0543061366f69cd8f2b68ffc4189e257859eb9829c532ea0171db710612")
        let next = AuditChain.link(previous: head, at: 1_763_899_260_000, operator: "ingest", kind: "reopen", conversation: nil, digest: second)
        XCTAssertEqual(next.hex, "3d915193e33a1bcd87baf6144403a4d66211e2deb00d6038918fc8bdad092ca8")
    }

    /// A cache whose log has entries of several kinds, and a lead to act.
    func cache() throws -> (AppDatabase, ActionService, Operator) {
        var config = Config()
        config.operators = [Operator(handle: "sam", name: "Sam", unixUser: nil, role: .lead, signature: "", intro: nil, teams: [], maxAssigned: nil)]
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let lines = (0..<4).map { MentionLines.line(id: "m\($0)", text: "card \($0) declined at the till", at: "2026-11-23T11:00:00Z", author: "c\($0)",
                                                     handle: "customer\($0)") }
        _ = try Ingester(database: database, config: config, clock: clock).ingest(path: folder.write("in.jsonl", lines.joined(separator: "\n") + "\n"))
        let service = ActionService(database: database, config: config, clock: clock)
        let ids = try database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM conversation ORDER BY id") }
        for id in ids {
            try service.perform(.tag(add: ["+cards"], remove: []), on: id, by: config.operators[0])
            try service.perform(.note("rang them about card \(id)"), on: id, by: config.operators[0])
        }
        return (database, service, config.operators[0])
    }

    /// Changes the log the way only someone with the file could: its triggers dropped first.
    func tamper(_ database: AppDatabase, _ sql: String) throws {
        try database.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS event_no_update; DROP TRIGGER IF EXISTS event_no_delete")
            try db.execute(sql: sql)
        }
    }

    func testAWholeLogVerifiesAndARedactionKeepsItWhole() throws {
        let (database, service, sam) = try cache()
        var report = try AuditReport.verify(database)
        XCTAssertTrue(report.isWhole, "\(report.problems)")
        let entries = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event") }
        XCTAssertEqual(report.entries, entries)
        XCTAssertEqual(report.head?.id, try database.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM event") })
        XCTAssertEqual(report.head?.chain.count, 64)

        let forgotten = try service.forgetContact("customer1", reason: "erasure request", by: sam)
        report = try AuditReport.verify(database)
        XCTAssertTrue(report.isWhole, "\(report.problems)")
        XCTAssertEqual(report.redacted, forgotten.eventsRedacted)
        XCTAssertGreaterThan(report.redacted, 0)
    }

    func testAnEntryChangedRemovedOrForgedBreaksTheChainWhereItHappened() throws {
        let (database, _, _) = try cache()
        let ids = try database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM event ORDER BY id") }
        let (changed, removed) = (ids[3], ids[6])
        try tamper(database, "UPDATE event SET after = '{\"note\":\"nothing to see\"}' WHERE id = \(changed)")
        try tamper(database, "DELETE FROM event WHERE id = \(removed)")
        try database.write { db in
            try db.execute(sql: "INSERT INTO event (at, operator, kind, subject) VALUES (0, 'mallory', 'note', 'slipped in')")
        }
        let report = try AuditReport.verify(database)
        XCTAssertFalse(report.isWhole)
        XCTAssertTrue(report.problems.contains { $0.hasPrefix("entry \(changed) (") && $0.hasSuffix("was changed after it was written") }, "\(report.problems)")
        XCTAssertTrue(report.problems.contains { $0.hasPrefix("entry \(ids[7]) does not follow entry \(ids[5]):") }, "\(report.problems)")
        XCTAssertTrue(report.problems.contains { $0.hasSuffix("has no hash: it was written by something other than heed") }, "\(report.problems)")
    }

    func testATombstoneNoRedactionMadeIsTampering() throws {
        let (database, _, _) = try cache()
        let id = try XCTUnwrap(database.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM event WHERE kind = 'note'") })
        try tamper(database, "UPDATE event SET before = NULL, after = '{\"redacted\":\"(erased at the customer''s request 2026-11-23)\"}' WHERE id = \(id)")
        let report = try AuditReport.verify(database)
        XCTAssertEqual(report.problems, ["1 entries hold a redaction's tombstone but the redactions logged made 0"])
    }

    func testTheLogRefusesEveryChangeButARedactionsText() throws {
        let (database, _, _) = try cache()
        for sql in ["UPDATE event SET after = 'x'", "DELETE FROM event WHERE id = 1"] {
            XCTAssertThrowsError(try database.write { db in try db.execute(sql: sql) }, sql)
        }
        // Inside a redaction: the text, and only the text.
        XCTAssertNoThrow(try Redaction.run(database, why: "test") { db in try db.execute(sql: "UPDATE event SET subject = NULL WHERE id = 1") })
        for sql in ["UPDATE event SET operator = 'mallory' WHERE id = 1", "UPDATE event SET chain = NULL WHERE id = 1", "DELETE FROM event WHERE id = 1"] {
            XCTAssertThrowsError(try Redaction.run(database, why: "test") { db in try db.execute(sql: sql) }, sql)
        }
    }
}

final class AuditChainUpgradeTests: XCTestCase {
    /// A log an older heed wrote, without hashes, is chained in order when the cache upgrades, and
    /// what is appended after continues the chain.
    func testAnOlderLogIsChainedAsItUpgrades() throws {
        let folder = TemporaryFolder()
        let database = try upgradedCache(in: folder, from: "v17-streaming") { db in
            for n in 1...5 {
                try db.execute(sql: "INSERT INTO event (at, operator, kind, subject, after) VALUES (?, 'sam', 'shift-start', NULL, ?)",
                               arguments: [n * 1000, #"{"n":\#(n)}"#])
            }
        }
        var report = try AuditReport.verify(database)
        XCTAssertTrue(report.isWhole, "\(report.problems)")
        XCTAssertEqual(report.entries, 5)
        _ = try database.write { db in try EventLog.append(db, at: 9000, by: "sam", kind: .shiftEnd) }
        report = try AuditReport.verify(database)
        XCTAssertTrue(report.isWhole, "\(report.problems)")
        XCTAssertEqual(report.entries, 6)
        XCTAssertEqual(report.head?.id, 6)
    }
}
