import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// A simulated day on a controllable clock: three operators on overlapping shifts.
final class ShiftTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-11-24T06:00:00Z")

    static let config: Config = {
        var config = Config()
        config.timeZone = "Europe/London"
        config.teams = [Team(name: "billing", description: nil, contact: nil)]
        config.helpAccounts = [ChannelAccount(channel: "x", account: "NorthwindHelp"), ChannelAccount(channel: "mastodon", account: "help@nw.social")]
        config.signOff = "{first_name} signing off, the team carries on. {signature}"
        config.operators = [
            Operator(handle: "sam", name: "Sam Brooks", unixUser: nil, role: .lead, signature: "^SB",
                     intro: "Morning! {first_name} here until {until} — ask us anything {signature}", teams: ["billing"], maxAssigned: nil),
            Operator(handle: "priya", name: "Priya Nair", unixUser: nil, role: .agent, signature: "^PN",
                     intro: "Hi all, {first_name} from {team} is on until {until}. {signature}", teams: ["billing"], maxAssigned: nil),
            Operator(handle: "tomas", name: "Tomás Ortega", unixUser: nil, role: .agent, signature: "^TO", intro: nil, teams: [], maxAssigned: nil),
        ]
        return config
    }()

    func member(_ handle: String) -> Operator { Self.config.operator(handle: handle)! }

    func cache() throws -> (AppDatabase, ActionService, [Int64]) {
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let lines = (0..<4).map { MentionLines.line(id: "m\($0)", text: "my card was charged twice (\($0))", at: "2026-11-24T05:0\($0):00Z", author: "c\($0)") }
        _ = try Ingester(database: database, config: Self.config, clock: clock).ingest(path: folder.write("in.jsonl", lines.joined(separator: "\n") + "\n"))
        let ids = try database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM conversation ORDER BY id") }
        return (database, ActionService(database: database, config: Self.config, clock: clock), ids)
    }

    func testASimulatedDay() throws {
        let (database, service, ids) = try cache()
        let sam = member("sam"), priya = member("priya"), tomas = member("tomas")

        // 06:00 Sam starts until 14:00: his intro, filled, queued to both help accounts.
        let samEnd = try service.plannedEnd("14:00", for: sam)
        let started = try service.startShift(by: sam, intro: service.introText(for: sam, until: samEnd), until: samEnd)
        XCTAssertEqual(started.shift.intro, "Morning! Sam here until 14:00 — ask us anything ^SB")
        let intros = try database.read { db in try Row.fetchAll(db, sql: "SELECT kind, account, text, send_after FROM outbox ORDER BY id") }
        XCTAssertEqual(intros.map { $0["account"] as String }, ["NorthwindHelp", "help@nw.social"])
        XCTAssertEqual(Set(intros.map { $0["kind"] as String }), ["intro"])
        XCTAssertEqual(intros[0]["send_after"], clock.now() + 10_000, "the undo window")
        XCTAssertThrowsError(try service.startShift(by: sam, intro: "again", until: samEnd)) {
            XCTAssertTrue(($0 as! HeedError).message.hasPrefix("sam is on shift already (shift 1, since 06:00)"))
        }

        // Team assignment goes to the one of the team on shift; a customer of Sam's writes later.
        try service.perform(.assign("billing"), on: ids[0], by: sam)
        try service.perform(.assign("sam"), on: ids[1], by: sam)
        XCTAssertEqual(try assignee(database, ids[0]), "sam", "routed to billing's member on shift")

        // 09:00 Priya starts; at 09:15 Sam has been away for 15 minutes (away after 10).
        clock.advance(seconds: 3 * 3600)
        let priyaEnd = clock.now() + 8 * 3_600_000
        _ = try service.startShift(by: priya, intro: service.introText(for: priya, until: priyaEnd), until: priyaEnd)
        XCTAssertEqual(try database.read { db in try Shift.running(db, operator: "priya")?.intro }, "Hi all, Priya from billing is on until 17:00. ^PN")
        try service.perform(.tag(add: ["callback"], remove: []), on: ids[2], by: sam)
        clock.advance(seconds: 15 * 60)
        service.touchShift("priya")
        try database.write { _ in }  // the heartbeat is written without waiting; wait for it here
        let roster = try database.read { db in try OnShift.roster(db, config: Self.config, now: clock.now()) }
        XCTAssertEqual(roster.map { "\($0.operatorHandle) \($0.active ? "active" : "away")" }, ["sam away", "priya active"])

        // 09:30 Sam ends his shift with a note; his conversations go back to the pool, his sign-off is queued.
        clock.advance(seconds: 15 * 60)
        let ended = try service.endShift(by: sam, note: "refund for #\(ids[1]) is with billing")
        let handover = try XCTUnwrap(ended.handover)
        XCTAssertEqual(Set(handover.assigned.map(\.conversation)), [ids[0], ids[1]])
        XCTAssertEqual(handover.note, "refund for #\(ids[1]) is with billing")
        XCTAssertEqual(handover.figures.handled, 3)
        XCTAssertEqual(handover.unsent.map(\.kind), ["intro", "intro"], "his intro posts, not yet delivered")
        XCTAssertNil(handover.passedTo)
        XCTAssertEqual(try assignee(database, ids[0]), nil)
        XCTAssertEqual(try database.read { db in try String.fetchAll(db, sql: "SELECT text FROM outbox WHERE kind = 'signoff'") },
                       ["Sam signing off, the team carries on. ^SB", "Sam signing off, the team carries on. ^SB"])
        XCTAssertTrue(ended.summary.hasPrefix("sam's shift 1 ended; 2 conversations released to the pool; sign-off queued"), ended.summary)
        XCTAssertTrue(handover.lines(now: clock.now(), config: Self.config, reader: "priya").contains("  note: refund for #\(ids[1]) is with billing"))

        // 09:35 Tomás starts: he is shown Sam's handover and acknowledges it.
        clock.advance(seconds: 5 * 60)
        let tomasEnd = clock.now() + 3_600_000
        let third = try service.startShift(by: tomas, intro: service.introText(for: tomas, until: tomasEnd), until: tomasEnd)
        XCTAssertEqual(third.shift.intro, "Hi! Tomás here until 10:35, ask us anything. ^TO", "the default template")
        XCTAssertEqual(third.handovers.map(\.id), [1])
        XCTAssertEqual(try service.acknowledgeHandover(1, by: tomas).summary, "tomas acknowledged sam's handover (shift 1)")
        XCTAssertThrowsError(try service.acknowledgeHandover(1, by: tomas)) { XCTAssertEqual(($0 as! HeedError).kind, HeedError.Kind.unchanged) }
        XCTAssertEqual(try database.read { db in try Shift.unacknowledgedHandovers(db, for: "tomas") }, [])

        // Routing skips the off-shift: Tomás takes what Priya left when she is gone.
        try service.perform(.assign("priya"), on: ids[3], by: priya)
        XCTAssertEqual(try service.next(by: tomas).conversationID, ids[0], "the pool first, in queue order")
        // Tomás ends his by hand; at 21:35 Priya's has run past the longest shift (12 h) and ends automatically.
        _ = try service.endShift(by: tomas, note: nil)
        clock.advance(seconds: 12 * 3600)
        let automatic = try service.endOverdueShifts()
        XCTAssertEqual(automatic.map(\.shift.operatorHandle), ["priya"])
        XCTAssertEqual(automatic.first?.handover?.automatic, true)
        XCTAssertEqual(try assignee(database, ids[3]), nil, "released by the automatic end")
        let log = try database.read { db in try ShiftLog.entries(db, since: nil, operator: "priya") }
        XCTAssertEqual(log.map(\.kind), ["shift-start", "shift-end"])
        XCTAssertEqual(log.last?.text.hasPrefix("ended automatically; handover: no note"), true)
    }

    func testACustomerWritingToAnOffShiftAssigneeGoesBackToThePool() throws {
        let (database, service, ids) = try cache()
        let sam = member("sam")
        try service.perform(.assign("priya"), on: ids[0], by: sam)
        // No shifts in use: assignments stay as they are.
        try ingest(database, "m0b", replyTo: "m0", author: "c0")
        XCTAssertEqual(try assignee(database, ids[0]), "priya")
        // Sam is on shift, Priya is not: the customer's next message returns it to the pool, with the reason.
        _ = try service.startShift(by: sam, intro: "hi", until: clock.now() + 3_600_000)
        try ingest(database, "m0c", replyTo: "m0b", author: "c0")
        XCTAssertEqual(try assignee(database, ids[0]), nil)
        let reasons = try database.read { db in try String.fetchOne(db, sql: "SELECT reasons FROM conversation_reasons WHERE conversation_id = ?", arguments: [ids[0]]) }
        XCTAssertTrue(reasons?.contains("back to the pool: priya is off shift") == true, reasons ?? "")
        let logged = try database.read { db in
            try String.fetchAll(db, sql: "SELECT operator || ' ' || kind || ' ' || subject FROM event WHERE conversation_id = ? AND kind = 'unassign'", arguments: [ids[0]])
        }
        XCTAssertEqual(logged, ["heed:triage unassign priya is off shift"])
        XCTAssertEqual(try database.read { db in try EventReplay.disagreements(db) }, [])
    }

    func testPresenceFollowsTheOperatorAcrossARestartedScreenAndTheirCommands() throws {
        let (database, service, ids) = try cache()
        let sam = member("sam")
        // The screen that started the shift is gone (a process that ran and ended).
        let gone = try ChildProcess.spawn(["true"])
        _ = gone.wait()
        _ = try service.startShift(by: sam, intro: "on", until: clock.now() + 3_600_000, processID: gone.pid)
        func active() throws -> Bool? {
            try database.read { db in try OnShift.roster(db, config: Self.config, now: clock.now()) }.first?.active
        }
        clock.advance(seconds: 60)
        XCTAssertEqual(try active(), false, "the screen they were at is gone")
        // A new screen, pressing keys: they are back, whatever the first screen was.
        service.touchShift("sam")
        try waitUntilWritten(database)
        XCTAssertEqual(try active(), true)
        // That screen goes too, and they act from the command line: still at it.
        clock.advance(seconds: 1)
        service.touchShift("sam", processID: gone.pid)
        try waitUntilWritten(database)
        XCTAssertEqual(try active(), false)
        clock.advance(seconds: 30)
        try service.perform(.tag(add: ["late"], remove: []), on: ids[0], by: sam)
        XCTAssertEqual(try active(), true, "an action from anywhere counts")
        clock.advance(seconds: 11 * 60)
        XCTAssertEqual(try active(), false, "away after ten minutes of nothing")
    }

    func testWhatWasDoneSaysUntilWhenAndWhoIsNotOnShift() throws {
        let (_, service, ids) = try cache()
        let sam = member("sam")
        _ = try service.startShift(by: sam, intro: "on", until: clock.now() + 3_600_000)
        XCTAssertEqual(try service.perform(.assign("priya"), on: ids[0], by: sam).summary,
                       "sam assigned #\(ids[0]) to priya — who is not on shift now")
        XCTAssertEqual(try service.perform(.assign("sam"), on: ids[1], by: sam).summary, "sam assigned #\(ids[1])")
        XCTAssertEqual(try service.perform(.snooze(until: clock.now() + 2 * 3_600_000), on: ids[2], by: sam).summary,
                       "sam snoozed #\(ids[2]) until 08:00", "in the team's time zone")
        XCTAssertEqual(try service.perform(.snooze(until: clock.now() + 86_400_000), on: ids[3], by: sam).summary,
                       "sam snoozed #\(ids[3]) until Wed 25 Nov 06:00")
    }

    /// The heartbeat is written without waiting: wait for it here.
    private func waitUntilWritten(_ database: AppDatabase) throws {
        let deadline = Date().addingTimeInterval(5)
        let expected = clock.now()
        while Date() < deadline {
            if try database.read({ db in try Int64.fetchOne(db, sql: "SELECT last_active_at FROM shift WHERE ended_at IS NULL") }) == expected { return }
            usleep(10_000)
        }
        XCTFail("the heartbeat was not written")
    }

    func testTimelineSplitsActiveAndAway() {
        let minute: Int64 = 60_000
        let spans = ShiftLog.spans(seen: [0, 2 * minute, 30 * minute, 31 * minute], end: 60 * minute, gap: 10 * minute)
        XCTAssertEqual(spans.map { "\($0.state) \($0.from / minute)–\($0.to / minute)" }, ["active 0–12", "away 12–30", "active 30–41", "away 41–60"])
    }

    func assignee(_ database: AppDatabase, _ id: Int64) throws -> String? {
        try database.read { db in try String.fetchOne(db, sql: "SELECT assignee FROM conversation WHERE id = ?", arguments: [id]) }
    }

    func ingest(_ database: AppDatabase, _ id: String, replyTo: String, author: String) throws {
        clock.advance(seconds: 60)
        let line = MentionLines.line(id: id, text: "any news?", at: RFC3339.string(fromMilliseconds: clock.now()), author: author, inReplyTo: replyTo)
        _ = try Ingester(database: database, config: Self.config, clock: clock).ingest(path: folder.write("\(id).jsonl", line + "\n"))
    }

    func testTheHandoverReadsWholeNoteFirstGroupedPostsInTheReadersZone() {
        var config = Self.config
        config.operators[1].timeZone = "Asia/Kolkata"
        let start = clock.now()
        let posts = (1...15).map { Handover.Post(id: Int64($0), kind: $0 <= 12 ? "reply" : "intro", state: $0 <= 10 ? "queued" : "failed", conversation: nil) }
        let handover = Handover(shift: 3, operatorHandle: "sam", startedAt: start, endedAt: start + 420_000,
                                note: "Line one is long enough to matter and goes on past where the old panel cut it: URGENT: #123 needs billing\n"
                                    + "second line\u{1b}[31m red",
                                automatic: false, assigned: [], escalations: [], unsent: posts, atRisk: [], incidents: [],
                                figures: .init(handled: 2, replied: 1, medianFirstResponseMs: nil), passedTo: nil)
        let lines = handover.lines(now: start + 600_000, config: config, reader: "priya")
        XCTAssertEqual(lines[0], "handover from sam: 11:30–11:37, ended 3m ago", "06:00Z is 11:30 in Kolkata, the reader's zone")
        XCTAssertEqual(lines[1], "  note: Line one is long enough to matter and goes on past where the old panel cut it: URGENT: #123 needs billing")
        XCTAssertEqual(lines[2], "        second line\u{FFFD}[31m red", "the note's own lines kept, the escape taken out")
        XCTAssertEqual(lines.filter { $0.contains("not sent") },
                       ["  15 posts not sent: 5 failed (intro ×3, reply ×2); 10 queued (reply ×10) — the Outbox view lists them"])
        XCTAssertEqual(handover.lines(now: start + 600_000, config: config, reader: "sam")[0], "handover from sam: 06:00–06:07, ended 3m ago",
                       "sam reads it in the team's zone (London, UTC in November)")
    }

    func testDraftsOutlastARestartGoWithTheReplyAndAreInTheHandover() throws {
        let (_, service, ids) = try cache()
        let sam = member("sam")
        let until = try service.plannedEnd("14:00", for: sam)
        _ = try service.startShift(by: sam, intro: "on", until: until)
        try service.saveDraft(ids[0], text: "Hi Chloe,\nthe refund went out this morning", by: sam)
        try service.saveDraft(ids[1], text: "Checking with billing", by: sam)
        try service.saveDraft(ids[2], text: "   ", by: sam)

        let later = ActionService(database: try AppDatabase.open(path: folder.file("cache.sqlite")), config: Self.config, clock: clock)
        XCTAssertEqual(try later.draft(ids[0], by: sam)?.text, "Hi Chloe,\nthe refund went out this morning", "kept across a restart")
        XCTAssertNil(try later.draft(ids[2], by: sam), "blank is no draft")
        XCTAssertNil(try later.draft(ids[0], by: member("priya")), "a draft is its writer's")

        try later.reply(to: ids[1], text: "Checking with billing, back within the hour", by: sam)
        XCTAssertNil(try later.draft(ids[1], by: sam), "sent: the draft is gone")

        clock.advance(seconds: 600)
        let handover = try XCTUnwrap(try later.endShift(by: sam, note: nil).handover)
        XCTAssertEqual(handover.drafts?.map(\.conversation), [ids[0]])
        let lines = handover.lines(now: clock.now(), config: Self.config, reader: "priya")
        XCTAssertTrue(lines.contains("  1 reply begun and not sent (drafts):"), lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains("    #\(ids[0]) Hi Chloe, the refund went out this morning"), lines.joined(separator: "\n"))
    }
}
