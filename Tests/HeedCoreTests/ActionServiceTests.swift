import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class ActionServiceTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-11-23T12:00:00Z")

    static let config: Config = {
        var config = Config()
        config.teams = [Team(name: "billing", description: nil, contact: nil)]
        config.operators = [
            Operator(handle: "sam", name: "Sam Brooks", unixUser: "sbrooks", role: .lead, signature: "^SB", intro: nil, teams: [], maxAssigned: nil),
            Operator(handle: "priya", name: "Priya Nair", unixUser: nil, role: .agent, signature: "^PN", intro: nil, teams: [], maxAssigned: 1),
            Operator(handle: "lee", name: "Lee Park", unixUser: nil, role: .agent, signature: "", intro: nil, teams: ["billing"], maxAssigned: nil),
        ]
        return config
    }()

    var sam: Operator { Self.config.operators[0] }
    var priya: Operator { Self.config.operators[1] }

    /// Three open conversations on a cache file (so a second service can open it "after a restart").
    func cache() throws -> (AppDatabase, [Int64]) {
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let lines = ["a", "b", "c"].map { MentionLines.line(id: $0, text: "my card \($0) was charged twice", at: "2026-11-23T11:00:00Z", author: $0) }
        _ = try Ingester(database: database, config: Self.config, clock: clock).ingest(path: folder.write("in.jsonl", lines.joined(separator: "\n") + "\n"))
        let ids = try database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM conversation ORDER BY id") }
        return (database, ids)
    }

    func fields(_ database: AppDatabase, _ id: Int64) throws -> ConversationFields {
        try XCTUnwrap(try database.read { db in try ConversationFields.fetch(db, conversation: id) }?.fields)
    }

    func events(_ database: AppDatabase, _ id: Int64) throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, sql: "SELECT operator || ' ' || kind FROM event WHERE conversation_id = ? AND operator NOT LIKE 'heed:%' ORDER BY id",
                                arguments: [id])
        }
    }

    func testEachActionChangesTheConversationAndLogsItsEvent() throws {
        let (database, ids) = try cache()
        let service = ActionService(database: database, config: Self.config, clock: clock)
        let id = ids[0]
        try service.perform(.tag(add: ["+billing", "vip"], remove: []), on: id, by: sam)
        try service.perform(.tag(add: [], remove: ["-VIP"]), on: id, by: sam)
        XCTAssertEqual(try fields(database, id).tags, ["billing"], "tags match in any case")
        try service.perform(.assign("priya"), on: id, by: sam)
        try service.perform(.assign("billing"), on: id, by: sam)
        XCTAssertEqual(try fields(database, id).assignee, "priya")
        XCTAssertEqual(try fields(database, id).team, "billing")
        try service.perform(.note("called her back, waiting on the bank"), on: id, by: sam)
        try service.perform(.escalate(team: "billing", note: "double charge"), on: id, by: sam)
        let escalated = try database.read { db in try Queue.count(db, try Query.parse("is:escalated"), now: clock.now()) }
        XCTAssertEqual(escalated, 1)
        let until = clock.now() + 3_600_000
        try service.perform(.snooze(until: until), on: id, by: sam)
        XCTAssertEqual(try fields(database, id).status, .snoozed)
        XCTAssertEqual(try fields(database, id).snoozedUntil, until)
        try service.perform(.resolve, on: id, by: sam)
        XCTAssertEqual(try fields(database, id).status, .resolved)
        XCTAssertNil(try fields(database, id).snoozedUntil, "resolving ends the snooze")
        try service.perform(.reopen, on: id, by: sam)
        try service.perform(.spam, on: id, by: sam)
        let outcome = try service.perform(.notSpam, on: id, by: sam)
        XCTAssertEqual(try fields(database, id).status, .open)
        XCTAssertEqual(outcome.summary, "sam took #\(id) out of spam")
        XCTAssertEqual(try events(database, id), ["sam tag", "sam tag", "sam assign", "sam assign", "sam note", "sam escalate", "sam snooze",
                                                   "sam resolve", "sam reopen", "sam spam", "sam not-spam"])
    }

    func testOneActionOnSeveralIsOneCompareAndSetAndEventEach() throws {
        let (database, ids) = try cache()
        let service = ActionService(database: database, config: Self.config, clock: clock)
        try database.write { db in
            try db.execute(sql: "INSERT INTO incident (id, title, started_at, last_member_at) VALUES (7, 'cards charged twice', 0, 0)")
            try db.execute(sql: "UPDATE conversation SET incident_id = 7 WHERE id IN (?, ?)", arguments: [ids[0], ids[1]])
        }
        let members = try service.targets(.incident(7), by: sam)
        XCTAssertEqual(Set(members.map(\.id)), [ids[0], ids[1]])
        XCTAssertThrowsError(try service.targets(.incident(8), by: sam)) { XCTAssertEqual(($0 as! HeedError).kind, HeedError.Kind.badData) }
        // Priya changes one after the selection was made: that one is a conflict, the other done.
        try service.perform(.tag(add: ["mine"], remove: []), on: ids[0], by: priya)
        let tagged = service.performEach(.tag(add: ["outage"], remove: []), on: members, by: sam)
        XCTAssertEqual(tagged.done.map(\.conversationID), [ids[1]])
        XCTAssertEqual(tagged.failures.map(\.kind), [HeedError.Kind.conflict])
        XCTAssertTrue(tagged.summary.hasPrefix("sam tagged 1 of 2 conversations; #\(ids[0]) changed since you looked: priya tagged it"), tagged.summary)
        XCTAssertEqual(try fields(database, ids[0]).tags, ["mine"], "never overwritten")

        let found = try service.targets(.search(try Query.parse("tag:outage OR tag:mine")), by: sam)
        let resolved = service.performEach(.resolve, on: found + [(ids[2], nil)], by: sam)
        XCTAssertEqual(resolved.done.count, 3)
        let again = service.performEach(.resolve, on: try service.targets(.conversations([ids[0], ids[0], ids[1]]), by: sam), by: sam)
        XCTAssertEqual(again.summary, "sam resolved 0 of 2 conversations (2 already so)", "a number given twice is one conversation")
        XCTAssertEqual(try events(database, ids[1]), ["sam tag", "sam resolve"], "one event a conversation, none where nothing changed")
    }

    func testAnIncidentIsResolvedAsAWholeAndABroadcastQueuedToOurAccounts() throws {
        let (database, ids) = try cache()
        var config = Self.config
        config.helpAccounts = [ChannelAccount(channel: "x", account: "NorthwindHelp"), ChannelAccount(channel: "bluesky", account: "help.northwind.com")]
        let service = ActionService(database: database, config: config, clock: clock)
        try database.write { db in
            try db.execute(sql: "INSERT INTO incident (id, title, started_at, last_member_at) VALUES (7, 'cards charged twice', 0, 0)")
            try db.execute(sql: "UPDATE conversation SET incident_id = 7 WHERE id IN (?, ?)", arguments: [ids[0], ids[1]])
        }
        try service.perform(.resolve, on: ids[1], by: priya)
        let resolved = try service.resolveIncident(7, by: sam)
        XCTAssertEqual(resolved.summary, "sam resolved 1 of 2 conversations (1 already so)")
        XCTAssertEqual(try fields(database, ids[0]).status, .resolved)
        XCTAssertEqual(try fields(database, ids[2]).status, .open, "not a member")
        let incident = try database.read { db in try Row.fetchOne(db, sql: "SELECT state, resolved_at FROM incident WHERE id = 7") }
        XCTAssertEqual(incident?["state"], "resolved")
        XCTAssertEqual(incident?["resolved_at"], clock.now())

        let broadcast = try service.broadcast(incident: 7, text: "We know about {incident} and are on it.", by: sam)
        XCTAssertEqual(broadcast.summary, "sam queued a broadcast about incident 7 to 2 accounts (posts 1, 2, sent in 10 s unless withdrawn)")
        let posts = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, channel, account, text, conversation_id, send_after FROM outbox ORDER BY id")
        }
        XCTAssertEqual(posts.map { $0["account"] as String }, ["NorthwindHelp", "help.northwind.com"])
        XCTAssertEqual(Set(posts.map { $0["text"] as String }), ["We know about cards charged twice and are on it. ^SB"])
        XCTAssertEqual(posts.map { $0["kind"] as String }, ["broadcast", "broadcast"])
        XCTAssertNil(posts[0]["conversation_id"] as Int64?)
        XCTAssertEqual(posts[0]["send_after"], clock.now() + 10_000, "the undo window")
        let logged = try database.read { db in try String.fetchAll(db, sql: "SELECT kind || ' ' || subject FROM event WHERE conversation_id IS NULL AND operator = 'sam'") }
        XCTAssertEqual(logged, ["incident-resolve 7", "broadcast 7"])

        XCTAssertThrowsError(try service.broadcast(incident: 7, text: String(repeating: "long ", count: 70), by: sam)) {
            XCTAssertTrue(($0 as! HeedError).message.hasPrefix("too long for x"), ($0 as! HeedError).message)
        }
        XCTAssertThrowsError(try ActionService(database: database, config: Self.config, clock: clock).broadcast(incident: 7, text: "hi", by: sam)) {
            XCTAssertTrue(($0 as! HeedError).message.contains("names no help_accounts"))
        }
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") }, 2, "nothing half queued")
    }

    func testAMacroDoesItsStepsAllOrNone() throws {
        let (database, ids) = try cache()
        var config = Self.config
        config.macros = [Macro(name: "refunded", steps: ["tag +refund", "note refund confirmed", "resolve"], key: "R"),
                         Macro(name: "hand-over", steps: ["tag +handover", "assign priya"])]
        let service = ActionService(database: database, config: config, clock: clock)
        try service.perform(.tag(add: ["refund"], remove: []), on: ids[0], by: sam)
        let ran = try service.runMacro("ref", on: ids[0], by: sam, expecting: 2)
        XCTAssertEqual(ran.summary, "sam ran refunded on #\(ids[0]) (note, resolve)", "a step so already is passed over")
        XCTAssertEqual(ran.version, try database.read { db in try ConversationFields.fetch(db, conversation: ids[0])?.version })
        XCTAssertEqual(try fields(database, ids[0]).status, .resolved)
        XCTAssertEqual(try events(database, ids[0]), ["sam tag", "sam note", "sam resolve"], "each step its own event")
        XCTAssertThrowsError(try service.runMacro("refunded", on: ids[1], by: sam, expecting: 7)) {
            XCTAssertEqual(($0 as! HeedError).kind, HeedError.Kind.conflict)
        }

        // Priya may hold one conversation: the second hand-over's last step fails, and its tag is not left behind.
        try service.runMacro("hand-over", on: ids[1], by: sam)
        XCTAssertThrowsError(try service.runMacro("hand-over", on: ids[2], by: sam)) {
            XCTAssertTrue(($0 as! HeedError).message.contains("priya already holds 1"), ($0 as! HeedError).message)
        }
        XCTAssertEqual(try fields(database, ids[2]).tags, [], "all or none")
        XCTAssertEqual(try events(database, ids[2]), [])
        XCTAssertThrowsError(try service.runMacro("hand-over", on: ids[1], by: sam)) {
            XCTAssertEqual(($0 as! HeedError).kind, HeedError.Kind.unchanged)
        }
        XCTAssertThrowsError(try service.runMacro("nope", on: ids[1], by: sam)) {
            XCTAssertEqual(($0 as! HeedError).message, "no macro \"nope\"; there are refunded, hand-over")
        }
        try service.undo(by: sam)
        XCTAssertEqual(try fields(database, ids[1]).assignee, nil, "undo takes back the latest step")
        XCTAssertEqual(try fields(database, ids[1]).tags, ["handover"])
    }

    func testAReplyStopsWhenTheThreadGrewAndSaysWhatCame() throws {
        let (database, ids) = try cache()
        let service = ActionService(database: database, config: Self.config, clock: clock)
        let mark = try service.threadMark(ids[0])
        // A tag changes the conversation, not the thread: the reply goes.
        try service.perform(.tag(add: ["billing"], remove: []), on: ids[0], by: priya)
        try service.reply(to: ids[0], text: "Looking into it", by: sam, since: mark)
        // Priya answers, then the customer writes again (with an escape sequence): both are told.
        let second = try service.threadMark(ids[0])
        try service.reply(to: ids[0], text: "Hi, a refund is on its way", by: priya, anyway: true)
        let line = MentionLines.line(id: "a2", text: "hello?? \u{1b}]52;c;ZXZpbA==\u{07} anyone", at: "2026-11-23T11:59:00Z", author: "a",
                                     inReplyTo: "a")
        _ = try Ingester(database: database, config: Self.config, clock: clock).ingest(path: folder.write("more.jsonl", line + "\n"))
        XCTAssertThrowsError(try service.reply(to: ids[0], text: "Looking into it", by: sam, since: second)) { error in
            let message = (error as! HeedError).message
            XCTAssertEqual((error as! HeedError).kind, HeedError.Kind.conflict)
            XCTAssertTrue(message.hasPrefix("not sent: the thread changed since you began — @a wrote 1m ago: \"hello?? "), message)
            XCTAssertTrue(message.contains("; priya queued a reply 0s ago: \"Hi, a refund is on its way ^PN\""), message)
            XCTAssertFalse(message.contains("\u{1b}"), "public text is sanitised")
        }
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE operator = 'sam'") }, 1)
        try service.reply(to: ids[0], text: "Looking into it", by: sam, since: try service.threadMark(ids[0]))
    }

    func testWhatCannotBeDoneIsRefusedAndNothingIsWritten() throws {
        let (database, ids) = try cache()
        let service = ActionService(database: database, config: Self.config, clock: clock)
        let refusals: [(TriageCommand, String)] = [
            (.assign("nobody"), "no operator or team \"nobody\""),
            (.escalate(team: "legal", note: nil), "no team \"legal\""),
            (.tag(add: ["two words"], remove: []), "is not a tag"),
            (.note("   "), "a note needs text"),
            (.snooze(until: clock.now() - 1), "snooze until a time to come"),
            (.notSpam, "is not in spam"),
            (.reopen, "is open already"),
            (.unassign, "nothing to change"),
        ]
        for (command, message) in refusals {
            XCTAssertThrowsError(try service.perform(command, on: ids[0], by: sam), command.kind.rawValue) { error in
                XCTAssertTrue((error as! HeedError).message.contains(message), "\(command.kind): \((error as! HeedError).message)")
                // What is so already is told apart from what cannot be done.
                let unchanged = [TriageCommand.reopen, .unassign].contains(command)
                XCTAssertEqual((error as! HeedError).kind, unchanged ? HeedError.Kind.unchanged : HeedError.Kind.refused, command.kind.rawValue)
            }
        }
        XCTAssertThrowsError(try service.perform(.resolve, on: 9_999, by: sam)) { XCTAssertEqual(($0 as! HeedError).kind, HeedError.Kind.badData) }
        // Priya may hold one conversation.
        try service.perform(.assign("priya"), on: ids[0], by: sam)
        XCTAssertThrowsError(try service.perform(.assign("priya"), on: ids[1], by: sam)) {
            XCTAssertTrue(($0 as! HeedError).message.contains("priya already holds 1 conversations (their cap is 1)"))
        }
        XCTAssertEqual(try events(database, ids[0]), ["sam assign"])
        XCTAssertEqual(try events(database, ids[1]), [])
    }

    func testAChangeOnAnOlderVersionIsAConflictThatSaysWhoChangedIt() throws {
        let (database, ids) = try cache()
        let service = ActionService(database: database, config: Self.config, clock: clock)
        let seen = try database.read { db in try ConversationFields.fetch(db, conversation: ids[0])!.version }
        try service.perform(.resolve, on: ids[0], by: sam, expecting: seen)
        clock.advance(seconds: 20)
        XCTAssertThrowsError(try service.perform(.tag(add: ["billing"], remove: []), on: ids[0], by: priya, expecting: seen)) { error in
            XCTAssertEqual((error as! HeedError).kind, HeedError.Kind.conflict)
            XCTAssertTrue((error as! HeedError).message.hasSuffix("sam resolved it 20s ago"), (error as! HeedError).message)
        }
        XCTAssertEqual(try fields(database, ids[0]).tags, [], "nothing overwritten")
    }

    func testUndoAndRedoFollowTheLogAndSurviveARestart() throws {
        let (database, ids) = try cache()
        let service = ActionService(database: database, config: Self.config, clock: clock)
        try service.perform(.tag(add: ["billing"], remove: []), on: ids[0], by: sam)
        try service.perform(.resolve, on: ids[0], by: sam)
        try service.perform(.note("refund sent"), on: ids[1], by: sam)
        try service.perform(.assign("billing"), on: ids[2], by: priya)

        // A restart: a new service on the same file.
        let later = ActionService(database: try AppDatabase.open(path: folder.file("cache.sqlite")), config: Self.config, clock: clock)
        XCTAssertEqual(try later.undo(by: sam).summary, "sam undid note on #\(ids[1])")
        let notes = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM note") }
        XCTAssertEqual(notes, 0)
        try later.undo(by: sam)
        XCTAssertEqual(try fields(database, ids[0]).status, .open, "resolve undone")
        XCTAssertEqual(try fields(database, ids[0]).tags, ["billing"], "the earlier tag stays")
        XCTAssertEqual(try fields(database, ids[2]).team, "billing", "priya's action is hers")
        try later.redo(by: sam)
        XCTAssertEqual(try fields(database, ids[0]).status, .resolved)
        try later.redo(by: sam)
        let notesAgain = try database.read { db in try String.fetchAll(db, sql: "SELECT text FROM note") }
        XCTAssertEqual(notesAgain, ["refund sent"])
        XCTAssertThrowsError(try later.redo(by: sam)) { XCTAssertTrue(($0 as! HeedError).message.contains("nothing of sam's to redo")) }

        // Undo, then a new action: nothing to redo any more.
        try later.undo(by: sam)
        try later.perform(.tag(add: ["vip"], remove: []), on: ids[1], by: sam)
        XCTAssertThrowsError(try later.redo(by: sam))

        // Someone else changed what the action changed: undo is a conflict, not an overwrite.
        try later.perform(.resolve, on: ids[1], by: sam)
        try later.perform(.reopen, on: ids[1], by: priya)
        XCTAssertThrowsError(try later.undo(by: sam)) { XCTAssertEqual(($0 as! HeedError).kind, HeedError.Kind.conflict) }
        XCTAssertEqual(try fields(database, ids[1]).status, .open)
    }

    func testAnActionOnSeveralIsOneUndoStep() throws {
        let (database, ids) = try cache()
        let service = ActionService(database: database, config: Self.config, clock: clock)
        try service.perform(.tag(add: ["billing"], remove: []), on: ids[2], by: sam)
        let all = try service.targets(.conversations(ids), by: sam)
        XCTAssertEqual(service.performEach(.resolve, on: all, by: sam).done.count, 3)

        let undone = try service.undo(by: sam)
        XCTAssertEqual(undone.summary, "sam undid resolve on 3 conversations")
        XCTAssertEqual(try ids.map { try fields(database, $0).status }, [.open, .open, .open], "one u takes back all three")
        XCTAssertEqual(try service.redo(by: sam).summary, "sam redid resolve on 3 conversations")
        XCTAssertEqual(try ids.map { try fields(database, $0).status }, [.resolved, .resolved, .resolved])

        // Someone reopens one meanwhile: the others are undone, that one is said, and the step is gone.
        try service.perform(.reopen, on: ids[1], by: priya)
        XCTAssertEqual(try service.undo(by: sam).summary.hasPrefix("sam undid resolve on 2 of 3 conversations; #\(ids[1]) changed since you looked: priya reopened"), true)
        XCTAssertEqual(try ids.map { try fields(database, $0).status }, [.open, .open, .open])
        XCTAssertEqual(try service.undo(by: sam).summary, "sam undid tag on #\(ids[2])", "the next u is the step before the batch")
        XCTAssertEqual(try fields(database, ids[2]).tags, [])

        // A reply to several is one step too, and survives a restart as one.
        let replies = service.each(all, kind: .reply, by: sam) { id, _ in try service.reply(to: id, text: "Sorted, thanks!", by: sam) }
        XCTAssertEqual(replies.done.count, 3)
        let later = ActionService(database: try AppDatabase.open(path: folder.file("cache.sqlite")), config: Self.config, clock: clock)
        XCTAssertEqual(try later.undo(by: sam).summary, "sam undid reply on 3 conversations")
        let queued = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE kind = 'reply' AND state = 'queued'") }
        XCTAssertEqual(queued, 0, "all three taken back in the undo window")
    }

    func testASnoozeEndsAtItsTimeOrWhenTheCustomerWrites() throws {
        let (database, ids) = try cache()
        let service = ActionService(database: database, config: Self.config, clock: clock)
        try service.perform(.snooze(until: clock.now() + 3_600_000), on: ids[0], by: sam)
        try service.perform(.snooze(until: nil), on: ids[1], by: sam)
        clock.advance(seconds: 3_599)
        XCTAssertEqual(try database.write { db in try Snooze.wake(db, now: clock.now()) }, [])
        clock.advance(seconds: 1)
        // The next action, whatever it is, wakes what is due first.
        try service.perform(.tag(add: ["later"], remove: []), on: ids[2], by: sam)
        XCTAssertEqual(try fields(database, ids[0]).status, .open)
        XCTAssertEqual(try fields(database, ids[1]).status, .snoozed, "until the customer writes")
        let line = MentionLines.line(id: "b2", text: "any news?", at: "2026-11-23T13:30:00Z", author: "b", inReplyTo: "b")
        _ = try Ingester(database: database, config: Self.config, clock: clock).ingest(path: folder.write("more.jsonl", line + "\n"))
        XCTAssertEqual(try fields(database, ids[1]).status, .open)
        XCTAssertEqual(try database.read { db in try String.fetchAll(db, sql: "SELECT operator FROM event WHERE kind = 'wake'") },
                       [EventLog.snoozeOperator])
    }

    func testNextTakesTheMostUrgentNobodyHolds() throws {
        let (database, ids) = try cache()
        let service = ActionService(database: database, config: Self.config, clock: clock)
        let order = try database.read { db in try Queue.open(db, limit: 3).map(\.conversationID) }
        XCTAssertEqual(Set(order), Set(ids))
        try service.perform(.assign("sam"), on: order[0], by: sam)
        try database.write { db in
            try db.execute(sql: "INSERT INTO claim (conversation_id, operator, kind, version_seen, claimed_at, expires_at) VALUES (?, 'sam', 'replying', 1, 0, ?)",
                           arguments: [order[1], clock.now() + 60_000])
        }
        let taken = try service.next(by: priya)
        XCTAssertEqual(taken.conversationID, order[2], "the first is sam's, sam is replying to the second")
        XCTAssertEqual(try fields(database, order[2]).assignee, "priya")
        XCTAssertThrowsError(try service.next(by: priya)) { XCTAssertTrue(($0 as! HeedError).message.contains("cap is 1")) }
        try service.undo(by: priya)
        XCTAssertNil(try fields(database, order[2]).assignee, "next is undone like any action")
    }

    func testReplayingTheLogGivesTheCacheAndFindsALostUpdate() throws {
        let (database, ids) = try cache()
        let service = ActionService(database: database, config: Self.config, clock: clock)
        try service.perform(.tag(add: ["billing"], remove: []), on: ids[0], by: sam)
        try service.perform(.resolve, on: ids[0], by: priya)
        try service.undo(by: sam)
        try service.perform(.assign("billing"), on: ids[1], by: sam)
        XCTAssertEqual(try database.read { db in try EventReplay.disagreements(db) }, [])
        // A write behind the log's back, as a lost update would be.
        try database.write { db in try db.execute(sql: "UPDATE conversation SET status = 'open' WHERE id = ?", arguments: [ids[0]]) }
        let problems = try database.read { db in try EventReplay.disagreements(db) }
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].hasPrefix("#\(ids[0]): the cache holds"), problems[0])
    }

    func testTheTeamAnswersOrClosesAnEscalation() throws {
        let (database, ids) = try cache()
        let service = ActionService(database: database, config: Self.config, clock: clock)
        let lee = Self.config.operators[2]
        try service.perform(.escalate(team: "billing", note: "charged twice"), on: ids[0], by: priya)
        try service.perform(.escalate(team: "billing", note: nil), on: ids[1], by: priya)
        let open = try database.read { db in try Escalation.list(db) }
        XCTAssertEqual(open.map(\.conversationID), [ids[1], ids[0]], "latest first")
        XCTAssertThrowsError(try service.answer(escalation: open[1].id, text: "refunded", by: priya)) {
            XCTAssertTrue(($0 as! HeedError).message.contains("priya is not in billing (nor a lead)"))
        }
        XCTAssertEqual(try service.answer(escalation: open[1].id, text: "refunded on the 24th", by: lee).summary,
                       "lee answered escalation \(open[1].id) (#\(ids[0]), billing)")
        try service.close(escalation: open[0].id, by: sam)
        XCTAssertThrowsError(try service.close(escalation: open[0].id, by: sam)) { XCTAssertTrue(($0 as! HeedError).message.contains("is closed already")) }
        let detail = try XCTUnwrap(try database.read { db in try ConversationDetail.fetch(db, id: ids[0]) })
        XCTAssertEqual(detail.escalations.map(\.summary), ["escalated to billing: answered by lee"])
        XCTAssertEqual(detail.escalations.first?.answer, "refunded on the 24th")
        XCTAssertEqual(try database.read { db in try Queue.counts(db).escalated }, 0)
        XCTAssertEqual(try events(database, ids[0]), ["priya escalate", "lee escalation-answer"])
    }

    func testAReplyClaimKeepsOthersFromAnsweringTwiceUntilTakenOverOnPurpose() throws {
        let (database, ids) = try cache()
        let service = ActionService(database: database, config: Self.config, clock: clock)
        let lee = Self.config.operators[2]
        XCTAssertEqual(try service.claimReply(ids[0], by: priya).summary, "priya is replying to #\(ids[0])")
        clock.advance(seconds: 30)
        XCTAssertThrowsError(try service.claimReply(ids[0], by: lee)) { error in
            XCTAssertEqual((error as! HeedError).kind, HeedError.Kind.conflict)
            XCTAssertEqual((error as! HeedError).message, "priya is replying to #\(ids[0]) (for 30s): take it over on purpose, or leave it")
        }
        XCTAssertThrowsError(try service.reply(to: ids[0], text: "me too", by: lee)) {
            XCTAssertTrue(($0 as! HeedError).message.hasPrefix("priya is replying to #\(ids[0]): not sent"))
        }
        XCTAssertThrowsError(try service.claimReply(ids[0], by: lee, takeOver: true)) {
            XCTAssertTrue(($0 as! HeedError).message.contains("only a lead may take it over"))
        }
        XCTAssertEqual(try service.claimReply(ids[0], by: sam, takeOver: true).summary, "sam is replying to #\(ids[0]) (taken over from priya)")
        XCTAssertThrowsError(try service.reply(to: ids[0], text: "priya's", by: priya), "her claim is gone")
        try service.reply(to: ids[0], text: "Sorry! DM us", by: sam)
        let claims = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM claim") }
        XCTAssertEqual(claims, 0, "sending lets the claim go")
        // A claim nobody renews runs out.
        try service.claimReply(ids[1], by: priya)
        clock.advance(seconds: Int64(Self.config.claimSeconds) + 1)
        XCTAssertNoThrow(try service.claimReply(ids[1], by: lee))
        XCTAssertEqual(try events(database, ids[0]), ["sam take-over", "sam reply"])
    }

    /// Commands racing each other (no claim, no screen): the first answer goes, another
    /// operator's answer to the same message is refused unless sent on purpose.
    func testAMessageSomeoneElseAnsweredIsNotAnsweredTwiceByAccident() throws {
        let (database, ids) = try cache()
        let service = ActionService(database: database, config: Self.config, clock: clock)
        let lee = Self.config.operators[2]
        try service.reply(to: ids[0], text: "On it, DM us", by: sam)
        XCTAssertNoThrow(try service.reply(to: ids[0], text: "PS: our DMs are open", by: sam), "a second word of one's own")
        XCTAssertThrowsError(try service.reply(to: ids[0], text: "Sorry!", by: priya)) {
            XCTAssertEqual(($0 as! HeedError).kind, .conflict)
            XCTAssertTrue(($0 as! HeedError).message.hasPrefix("sam has answered this message already (post 1, queued): not sent"), ($0 as! HeedError).message)
        }
        XCTAssertNoThrow(try service.reply(to: ids[0], text: "From billing: refunded", by: lee, anyway: true), "on purpose")
        // Eight commands at once by three operators: one operator's answers only.
        let posts = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE conversation_id = ?", arguments: [ids[1]]) }
        XCTAssertEqual(posts, 0)
        let group = DispatchGroup()
        let operators = [sam, priya, lee, sam, priya, lee, sam, priya]
        for actor in operators {
            DispatchQueue.global().async(group: group) { _ = try? service.reply(to: ids[1], text: "Sorry about this", by: actor) }
        }
        group.wait()
        let who = try database.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT operator FROM outbox WHERE conversation_id = ?", arguments: [ids[1]]) }
        XCTAssertEqual(who.count, 1, "\(who)")
    }

    func testContactsAreTaggedNotedAndMergedAcrossChannels() throws {
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let lines = [MentionLines.line(id: "x1", text: "charged twice", at: "2026-11-23T11:00:00Z", author: "d1", handle: "dana"),
                     MentionLines.line(channel: "mastodon", id: "m1", text: "still charged twice", at: "2026-11-23T11:10:00Z", author: "d2",
                                       handle: "dana@mstdn.io"),
                     MentionLines.line(channel: "mastodon", id: "m2", text: "hello", at: "2026-11-23T11:20:00Z", author: "d3", handle: "dana")]
        _ = try Ingester(database: database, config: Self.config, clock: clock).ingest(path: folder.write("in.jsonl", lines.joined(separator: "\n") + "\n"))
        let service = ActionService(database: database, config: Self.config, clock: clock)
        XCTAssertThrowsError(try service.contact("dana")) {
            XCTAssertEqual(($0 as! HeedError).message, "dana is more than one customer: say which, as x:dana or mastodon:dana")
        }
        try service.tagContact("x:dana", add: ["+vip"], remove: [], by: sam)
        try service.noteContact("@dana@mstdn.io", text: "prefers DMs", by: sam)
        XCTAssertEqual(try service.mergeContacts("x:dana", "dana@mstdn.io", by: sam).summary.hasPrefix("sam merged contact"), true)
        let conversation = try database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention WHERE source_id = 'm1'")! }
        let card = try XCTUnwrap(try database.read { db in try ContactCard.fetch(db, conversation: conversation) })
        XCTAssertEqual(card.handles.map { "\($0.channel):\($0.handle)" }, ["x:dana", "mastodon:dana@mstdn.io"])
        XCTAssertEqual(card.tags, ["vip"])
        XCTAssertEqual(card.notes, ["prefers DMs"])
        XCTAssertEqual(card.previous.count, 1, "the X conversation is theirs now too")
        XCTAssertEqual(try service.contact("#\(conversation)"), card.contactID)
        let found = try database.read { db in try Queue.count(db, try Query.parse("from:dana@mstdn.io"), now: clock.now()) }
        XCTAssertEqual(found, 2, "from: finds the person on every channel")
        XCTAssertThrowsError(try service.mergeContacts("x:dana", "#\(conversation)", by: sam)) {
            XCTAssertTrue(($0 as! HeedError).message.contains("are one contact already"))
        }
    }

    func testOnlyOperatorsTheConfigNamesMayAct() throws {
        let config = Self.config
        let admin = Identity(uid: 0, unixUser: "root", mayChangeConfig: true)
        XCTAssertEqual(try config.actingOperator(named: "priya", environment: ["HEED_OPERATOR": "sam"], identity: admin).handle, "priya", "--as first")
        XCTAssertThrowsError(try config.actingOperator(named: "mallory", environment: [:], identity: admin)) { error in
            let error = error as! HeedError
            XCTAssertEqual(error.kind, HeedError.Kind.notPermitted)
            XCTAssertTrue(error.message.contains("\"mallory\" is not an operator (operators: sam, priya, lee); add them"), error.message)
        }
        XCTAssertThrowsError(try config.actingOperator(named: nil, environment: ["USER": "sbrooks"], identity: admin)) { error in
            XCTAssertEqual(error as? HeedError, HeedError("heed does not know who you are (your login is root; the config is yours to change, "
                + "so --as HANDLE or HEED_OPERATOR may name whom you act as)", .notPermitted, hint: .identify),
                           "$USER is anyone's to set")
        }
        XCTAssertThrowsError(try config.actingOperator(named: nil, environment: [:], identity: Identity(uid: 4242, unixUser: nil, mayChangeConfig: false))) {
            XCTAssertTrue(($0 as! HeedError).message.contains("(your login is uid 4242)"), "\($0)")
        }
    }

    func testAnAgentActsOnlyAsThemselvesALeadForAnyone() throws {
        var config = Self.config
        config.operators[2].unixUser = "lpark"
        let sbrooks = Identity(uid: 1001, unixUser: "sbrooks", mayChangeConfig: false)
        XCTAssertEqual(try config.actingOperator(named: nil, environment: [:], identity: sbrooks).handle, "sam", "their own")
        XCTAssertEqual(try config.actingOperator(named: "lee", environment: [:], identity: sbrooks).handle, "lee", "a lead acts for others")
        let lpark = Identity(uid: 1003, unixUser: "lpark", mayChangeConfig: false)
        XCTAssertEqual(try config.actingOperator(named: "lee", environment: [:], identity: lpark).handle, "lee", "naming oneself is no claim")
        for (named, environment) in [("sam", [:]), (nil, ["HEED_OPERATOR": "sam"])] as [(String?, [String: String])] {
            XCTAssertThrowsError(try config.actingOperator(named: named, environment: environment, identity: lpark)) {
                XCTAssertEqual($0 as? HeedError, HeedError("lpark may act only as lee, not as sam: acting for someone else is for leads "
                    + "and whoever may change the config", .notPermitted))
            }
        }
        XCTAssertThrowsError(try config.actingOperator(named: "sam", environment: [:], identity: Identity(uid: 1009, unixUser: "mallory", mayChangeConfig: false))) {
            XCTAssertTrue(($0 as! HeedError).message.hasPrefix("mallory may act as no one (the config gives no operator the unix_user mallory)"), "\($0)")
        }
        let copied = Identity(uid: 1003, unixUser: "lpark", mayChangeConfig: false, boundConfig: "/etc/heed/config.json")
        XCTAssertThrowsError(try config.actingOperator(named: nil, environment: [:], identity: copied)) {
            XCTAssertEqual($0 as? HeedError, HeedError("the cache is bound to the config /etc/heed/config.json, which you cannot change, "
                + "and heed takes who you are from it: use --config /etc/heed/config.json", .notPermitted))
        }
    }
}
