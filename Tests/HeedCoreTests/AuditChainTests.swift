import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class AuditChainTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-11-23T12:00:00Z")

    func testSHA256GivesTheStandardsDigests() {
        let vectors = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ]
        for (text, digest) in vectors { XCTAssertEqual(SHA256.hash(Array(text.utf8)).hex, digest, text) }
        // Every way a message can end against the 64-byte block (as Python's hashlib gives them).
        let lengths = [(55, "1deace58c745f3ecadde68a5923f494c3703fa73f0306483ccb898a5826e8d70"),
                       (56, "06dbe23685750e4d3881ded95047abaf93fa8f9c5d3501dc57c717a72ff1398e"),
                       (63, "47fb38b12335c9298d09280515c0666489a189d1554bb0ac1a0740806ce9d8b6"),
                       (64, "dfa798724b1a8014994f363e5da7474ed26ce3757fb29e07aa47ad5a9352d37b"),
                       (65, "dd2eab5a5507d7717c63ce953d9ac61752c21e664425ad1227054722a0d97f69"),
                       (119, "c6e0f435df5d7d265baacca31e0602c00aa22fa6d3819aed664649294c743756"),
                       (1000, "a9425c416f534025a4e2422bd14adba4ec3d4a68d10c3329be8df612964d2b6e")]
        for (count, digest) in lengths {
            let bytes = (0..<count).map { UInt8(($0 * 7 + 3) % 251) }
            XCTAssertEqual(SHA256.hash(bytes).hex, digest, "\(count) bytes")
            var pieces = SHA256()
            pieces.update(bytes.prefix(count / 3))
            pieces.update(bytes.dropFirst(count / 3))
            XCTAssertEqual(pieces.finish().hex, digest, "\(count) bytes in two pieces")
        }
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
