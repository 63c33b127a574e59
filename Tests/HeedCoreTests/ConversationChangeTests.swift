import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// Every way a conversation's state changes — an operator's action, an import, triage, a
/// rule, an incident, the snooze clock, a shift, a contact merge — moves its version, sets
/// `updated_at` and logs a typed event; field changes log the whole fields before and after.
final class ConversationChangeTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-11-23T12:00:00Z")

    var config: Config {
        var config = ActionServiceTests.config
        config.accounts = ["x": ["NorthwindHelp"]]
        config.rules = try! ExampleConfig.load().rules
        config.macros = [Macro(name: "close-billing", steps: ["tag +billing", "resolve"])]
        return config
    }

    var sam: Operator { config.operators[0] }
    var lee: Operator { config.operators[2] }

    private struct Mark {
        var version: Int
        var lastEvent: Int64
    }

    private func mark(_ database: AppDatabase, _ id: Int64) throws -> Mark {
        try database.read { db in
            Mark(version: try Int.fetchOne(db, sql: "SELECT version FROM conversation WHERE id = ?", arguments: [id]) ?? -1,
                 lastEvent: try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM event") ?? 0)
        }
    }

    /// Runs `body` and checks that conversation `id` moved on: a higher version, `updated_at`
    /// now, and exactly the events `expected` ("actor kind") since, each field change whole.
    private func assertLogged(_ database: AppDatabase, _ id: Int64, _ expected: [String], file: StaticString = #filePath, line: UInt = #line,
                              _ body: () throws -> Void) throws {
        let before = try mark(database, id)
        try body()
        let after = try mark(database, id)
        XCTAssertGreaterThan(after.version, before.version, "the version moves on", file: file, line: line)
        let updated = try database.read { db in try Int64.fetchOne(db, sql: "SELECT updated_at FROM conversation WHERE id = ?", arguments: [id]) }
        XCTAssertEqual(updated, clock.now(), "updated_at", file: file, line: line)
        let events = try database.read { db in
            try EventRecord.filter(EventRecord.Columns.id > before.lastEvent && EventRecord.Columns.conversationID == id)
                .order(EventRecord.Columns.id).fetchAll(db)
        }
        XCTAssertEqual(events.map { "\($0.actor) \($0.kind)" }, expected, file: file, line: line)
        for event in events where EventKind(rawValue: event.kind).map(EventKind.fieldKinds.contains) == true || event.before != nil {
            XCTAssertNotNil(ConversationFields.decode(event.before), "\(event.kind): whole fields before", file: file, line: line)
            XCTAssertNotNil(ConversationFields.decode(event.after), "\(event.kind): whole fields after", file: file, line: line)
        }
        for event in events { XCTAssertNotNil(EventKind(rawValue: event.kind), "\(event.kind) is a known kind", file: file, line: line) }
    }

    private func ingest(_ database: AppDatabase, _ lines: [String]) throws {
        _ = try Ingester(database: database, config: config, clock: clock).ingest(path: folder.write("in-\(UUID()).jsonl", lines.joined(separator: "\n") + "\n"))
    }

    private func conversation(_ database: AppDatabase, of source: String) throws -> Int64 {
        try XCTUnwrap(try database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention WHERE source_id = ?", arguments: [source]) })
    }

    func testEveryOperatorActionMovesTheVersionAndLogsItsKind() throws {
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        try ingest(database, (0..<3).map { MentionLines.line(id: "a\($0)", text: "where is my parcel \($0)?", at: "2026-11-23T11:00:00Z", author: "c\($0)") })
        let id = try conversation(database, of: "a0")
        let service = ActionService(database: database, config: config, clock: clock)
        let commands: [TriageCommand] = [.tag(add: ["late"], remove: []), .note("asked the depot"), .assign("lee"), .unassign,
                                         .escalate(team: "billing", note: "refund?"), .snooze(until: clock.now() + 60_000), .resolve, .reopen,
                                         .spam, .notSpam]
        for command in commands {
            try assertLogged(database, id, ["sam \(command.kind.rawValue)"]) { try service.perform(command, on: id, by: sam) }
        }
        try assertLogged(database, id, ["sam reply"]) { try service.reply(to: id, text: "on its way", by: sam) }
        try assertLogged(database, id, ["sam undo"]) { try service.undo(by: sam) }
        try assertLogged(database, id, ["sam redo"]) { try service.redo(by: sam) }
        try assertLogged(database, id, ["sam tag", "sam resolve"]) { try service.runMacro("close-billing", on: id, by: sam) }
        let escalation = try XCTUnwrap(try database.read { db in try Escalation.of(db, conversation: id) }.first?.id)
        try assertLogged(database, id, ["lee escalation-answer"]) { try service.answer(escalation: escalation, text: "refunded", by: lee) }
        let other = try conversation(database, of: "a1")
        try assertLogged(database, other, ["sam next"]) { _ = try service.next(by: sam) }
        try assertLogged(database, other, ["sam escalate"]) { try service.perform(.escalate(team: "billing", note: nil), on: other, by: sam) }
        let second = try XCTUnwrap(try database.read { db in try Escalation.of(db, conversation: other) }.first?.id)
        try assertLogged(database, other, ["sam escalation-close"]) { try service.close(escalation: second, by: sam) }
        XCTAssertEqual(try database.read { db in try EventReplay.disagreements(db) }, [])
    }

    func testHeedsOwnChangesGoTheSameWay() throws {
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let service = ActionService(database: database, config: config, clock: clock)
        // An import: our reply makes it wait, the customer's answer reopens it.
        try ingest(database, [MentionLines.line(id: "w1", text: "my card was declined", at: "2026-11-23T11:00:00Z", author: "c1")])
        let waiting = try conversation(database, of: "w1")
        try assertLogged(database, waiting, ["heed:ingest wait"]) {
            try ingest(database, [MentionLines.line(id: "w2", text: "sorry, DM us", at: "2026-11-23T11:05:00Z", author: "nw", handle: "NorthwindHelp",
                                                    inReplyTo: "w1")])
        }
        try assertLogged(database, waiting, ["heed:ingest reopen"]) {
            try ingest(database, [MentionLines.line(id: "w3", text: "still declined", at: "2026-11-23T11:10:00Z", author: "c1", inReplyTo: "w2")])
        }
        // Two threads found to be one: the survivor keeps the other's tags and says so.
        try ingest(database, [MentionLines.line(id: "m2", text: "any news?", at: "2026-11-23T11:20:00Z", author: "c2", inReplyTo: "m1")])
        let orphan = try conversation(database, of: "m2")
        try service.perform(.tag(add: ["orphan"], remove: []), on: orphan, by: sam)
        try ingest(database, [MentionLines.line(id: "m0", text: "hello there", at: "2026-11-23T11:00:00Z", author: "c2")])
        let root = try conversation(database, of: "m0")
        try assertLogged(database, root, ["heed:ingest merge"]) {
            try ingest(database, [MentionLines.line(id: "m1", text: "my app keeps logging me out", at: "2026-11-23T11:10:00Z", author: "c2",
                                                    inReplyTo: "m0")])
        }
        let merged = try conversation(database, of: "m2")
        XCTAssertEqual(try database.read { db in try ConversationFields.fetch(db, conversation: merged) }?.fields.tags, ["orphan"])
        // Rules from the config: tags, a team, an escalation, spam — each by its rule.
        try ingest(database, [MentionLines.line(id: "r1", text: "hello", at: "2026-11-23T11:30:00Z", author: "c3")])
        let ruled = try conversation(database, of: "r1")
        try assertLogged(database, ruled, ["rule:fraud tag", "rule:fraud escalate"]) {
            try ingest(database, [MentionLines.line(id: "r2", text: "there is a fraud payment on my account", at: "2026-11-23T11:31:00Z", author: "c3",
                                                    inReplyTo: "r1")])
        }
        try assertLogged(database, ruled, ["rule:crypto-spam spam"]) {
            try ingest(database, [MentionLines.line(id: "r3", text: "crypto giveaway!! DM me for guaranteed returns", at: "2026-11-23T11:32:00Z",
                                                    author: "c3", inReplyTo: "r2")])
        }
        // A timed snooze runs out: the next write wakes it.
        let snoozed = try conversation(database, of: "m0")
        try service.perform(.snooze(until: clock.now() + 60_000), on: snoozed, by: sam)
        clock.advance(seconds: 61)
        try assertLogged(database, snoozed, ["heed:snooze wake"]) { try triagerCatchUp(database) }
        // A shift ends with conversations assigned: each released, as its operator.
        try service.perform(.assign("sam"), on: snoozed, by: sam)
        _ = try service.startShift(by: sam, intro: "on", until: clock.now() + 3_600_000)
        try assertLogged(database, snoozed, ["sam unassign"]) { _ = try service.endShift(by: sam, note: "bye") }
        // Contacts merged: their conversations change owner.
        let moved = try conversation(database, of: "w1")
        let before = try mark(database, moved)
        _ = try service.mergeContacts("#\(root)", "#\(moved)", by: sam)
        XCTAssertGreaterThan(try mark(database, moved).version, before.version)
        XCTAssertEqual(try database.read { db in try String.fetchAll(db, sql: "SELECT kind FROM event WHERE id > ?", arguments: [before.lastEvent]) },
                       ["contact-merge"])
    }

    func testAConversationJoiningAnIncidentIsAChangeLikeAnyOther() throws {
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        try ingest(database, [MentionLines.line(id: "o1", text: "is the app down? cannot log in", at: "2026-11-23T11:59:00Z", author: "c1")])
        let id = try conversation(database, of: "o1")
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO incident (id, title, terms, state, started_at, last_member_at, term_key) VALUES (9, 'app · down', ?, 'active', ?, ?, ?)
                """, arguments: [JSONWriter.array(["app", "down", "log"]), clock.now() - 600_000, clock.now() - 60_000, IncidentTerms.key("down")])
        }
        try assertLogged(database, id, ["heed:triage incident-join"]) {
            try ingest(database, [MentionLines.line(id: "o2", text: "the app is down again, no login", at: "2026-11-23T11:59:30Z", author: "c1",
                                                    inReplyTo: "o1")])
        }
        XCTAssertEqual(try database.read { db in try ConversationFields.fetch(db, conversation: id) }?.fields.incident, 9)
    }

    func testTheFieldsAsTheLogKeepsThemReadBackTheSame() throws {
        let fields = ConversationFields(status: .snoozed, assignee: "o\"brien\\", team: "billing", snoozedUntil: 1_764_000_000_000,
                                        snoozeUntilReply: false, tags: ["a\u{2028}b", "vip"], incident: 7)
        XCTAssertNoThrow(try JSONParser.parse(fields.json))
        XCTAssertEqual(ConversationFields.decode(fields.json), fields)
        let bare = ConversationFields(status: .open, assignee: nil, team: nil, snoozedUntil: nil, snoozeUntilReply: true, tags: [], incident: nil)
        XCTAssertEqual(bare.json, #"{"snooze_until_reply":true,"status":"open","tags":[]}"#)
        XCTAssertEqual(ConversationFields.decode(bare.json), bare)
    }

    /// A change sets only the columns of the fields it changes: SQLite rewrites every index on a
    /// column a statement sets, and `status` is in nine of them, the queue's among them.
    func testAChangeSetsOnlyTheColumnsOfTheFieldsItChanges() throws {
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        try ingest(database, [MentionLines.line(id: "s1", text: "where is my parcel?", at: "2026-11-23T11:00:00Z", author: "c1"),
                              MentionLines.line(id: "r1", text: "there is a fraud payment on my account", at: "2026-11-23T11:31:00Z",
                                                author: "c3")])
        let id = try conversation(database, of: "s1")
        let ruled = try conversation(database, of: "r1")
        // On the writer's connection, after the imports: an import sets `temp_store`, which drops temporary tables.
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE TEMP TABLE set_columns (name TEXT)")
            for column in ["status", "assignee", "team", "snoozed_until", "snooze_until_reply", "incident_id"] {
                try db.execute(sql: """
                    CREATE TEMP TRIGGER set_\(column) AFTER UPDATE OF \(column) ON conversation BEGIN
                        INSERT INTO set_columns (name) VALUES ('\(column)');
                    END
                    """)
            }
        }
        func columnsSet(_ body: () throws -> Void) throws -> [String] {
            try database.writeWithoutTransaction { db in try db.execute(sql: "DELETE FROM set_columns") }
            try body()
            return try database.writeWithoutTransaction { db in try String.fetchAll(db, sql: "SELECT name FROM set_columns ORDER BY name") }
        }
        let service = ActionService(database: database, config: config, clock: clock)
        XCTAssertEqual(try columnsSet { try service.perform(.tag(add: ["late"], remove: []), on: id, by: sam) }, [])
        XCTAssertEqual(try columnsSet { try service.perform(.assign("lee"), on: id, by: sam) }, ["assignee"])
        XCTAssertEqual(try columnsSet { try service.perform(.snooze(until: clock.now() + 60_000), on: id, by: sam) },
                       ["snoozed_until", "status"])
        XCTAssertEqual(try columnsSet { try service.undo(by: sam) }, ["snoozed_until", "status"])
        // Steps like a rule's, a tag and a team, set the team alone.
        let ruleSteps = try database.read { db in
            try String.fetchAll(db, sql: "SELECT kind FROM event WHERE conversation_id = ? ORDER BY id", arguments: [ruled])
        }
        XCTAssertTrue(ruleSteps.contains("tag"), "the rule tagged it: \(ruleSteps)")
        XCTAssertEqual(try database.read { db in try ConversationFields.fetch(db, conversation: ruled) }?.fields.status, .open)
        XCTAssertEqual(try columnsSet {
            try database.write { db in
                try ConversationChange.steps(db, conversation: ruled, now: clock.now()) { steps in
                    steps.apply(by: "rule:test", kind: .tag, subject: "+x") { $0.tags.append("x") }
                    steps.apply(by: "rule:test", kind: .assign, subject: "support") { $0.team = "support" }
                }
            }
        }, ["team"])
        XCTAssertEqual(try database.read { db in try EventReplay.disagreements(db) }, [])
    }

    private func triagerCatchUp(_ database: AppDatabase) throws {
        try Triager(config: config).catchUp(database, now: clock.now())
    }
}
