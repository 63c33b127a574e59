import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// A constructed November, every measure worked out by hand from `docs/reports.md`: business
/// hours Monday to Friday 09:00–17:00 in London with a holiday on Monday the 16th, a reply across
/// midnight, a reply that asks the customer to DM, a conversation reopened, a customer's two
/// handles merged into one contact, a reply undone before it was sent, spam, an idea, a customer
/// defending us in someone else's thread, two shifts and a handover acknowledged.
final class ReportTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-11-03T08:00:00Z")
    static let minute: Int64 = 60_000

    static let config: Config = {
        var config = Config()
        config.timeZone = "Europe/London"
        config.accounts = ["x": ["NorthwindHelp"], "mastodon": ["help@nw.social"]]
        config.helpAccounts = [ChannelAccount(channel: "x", account: "NorthwindHelp")]
        config.teams = [Team(name: "product", description: nil, contact: nil)]
        config.sla.minutes = [.high: 60, .normal: 60, .low: 60]
        config.sla.businessHoursOnly = true
        let day = BusinessHours.Span(start: 9 * 60, end: 17 * 60)
        config.businessHours = BusinessHours(timeZone: "Europe/London", days: [.mon: day, .tue: day, .wed: day, .thu: day, .fri: day],
                                             holidays: ["2026-11-16"])
        config.operators = [
            Operator(handle: "sam", name: "Sam Brooks", unixUser: nil, role: .lead, signature: "^SB", intro: nil, teams: [], maxAssigned: nil),
            Operator(handle: "priya", name: "Priya Nair", unixUser: nil, role: .agent, signature: "^PN", intro: nil, teams: ["product"], maxAssigned: nil),
        ]
        return config
    }()

    var database: AppDatabase!
    var service: ActionService!
    var sam: Operator { Self.config.operator(handle: "sam")! }
    var priya: Operator { Self.config.operator(handle: "priya")! }

    override func setUpWithError() throws {
        database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        service = ActionService(database: database, config: Self.config, clock: clock)
    }

    /// Moves the clock forward to `time` (the month is written in order).
    func at(_ time: String) {
        let target = RFC3339.milliseconds(from: time)!
        precondition(target >= clock.now(), "the month goes forward: \(time)")
        clock.advance(seconds: (target - clock.now()) / 1000)
    }

    /// A customer writes at `time`; returns the conversation it landed in.
    @discardableResult
    func says(_ id: String, _ text: String, at time: String, by author: String, channel: String = "x", inReplyTo: String? = nil) throws -> Int64 {
        at(time)
        let line = MentionLines.line(channel: channel, id: id, text: text, at: time, author: author, inReplyTo: inReplyTo)
        _ = try Ingester(database: database, config: Self.config, clock: clock).ingest(path: folder.write("\(id).jsonl", line + "\n"))
        return try database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention WHERE source_id = ?", arguments: [id])! }
    }

    func month() throws -> [String: Int64] {
        var c: [String: Int64] = [:]
        at("2026-11-03T09:00:00Z")
        _ = try service.startShift(by: sam, intro: "Sam here until 17:00", until: RFC3339.milliseconds(from: "2026-11-03T17:00:00Z")!)
        c["A"] = try says("a1", "my card was declined again, this is awful", at: "2026-11-03T10:00:00Z", by: "alice")
        let defence = try says("g1", "honestly their support has always been brilliant, love them", at: "2026-11-03T10:10:00Z", by: "gina", inReplyTo: "a1")
        XCTAssertEqual(defence, c["A"], "gina writes in alice's thread")
        at("2026-11-03T10:20:00Z")
        try service.reply(to: c["A"]!, text: "Sorry Alice, we have lifted the block on your card.", by: sam)
        try says("a2", "thank you so much, that fixed it, brilliant", at: "2026-11-03T10:40:00Z", by: "alice", inReplyTo: "a1")
        at("2026-11-03T11:00:00Z")
        try service.perform(.resolve, on: c["A"]!, by: sam)
        at("2026-11-03T17:00:00Z")
        _ = try service.endShift(by: sam, note: "quiet day")
        at("2026-11-03T17:30:00Z")
        _ = try service.startShift(by: priya, intro: "Priya on until 23:00", until: RFC3339.milliseconds(from: "2026-11-03T23:00:00Z")!)
        _ = try service.acknowledgeHandover(1, by: priya)
        at("2026-11-03T23:00:00Z")
        _ = try service.endShift(by: priya, note: nil)

        // Thursday 16:50, answered Friday 09:15 (across midnight): 25 business minutes; the answer asks for a DM.
        c["B"] = try says("b1", "still no refund, this is ridiculous", at: "2026-11-05T16:50:00Z", by: "bob")
        at("2026-11-06T09:00:00Z")
        _ = try service.startShift(by: priya, intro: "Priya here", until: RFC3339.milliseconds(from: "2026-11-06T17:00:00Z")!)
        at("2026-11-06T09:15:00Z")
        try service.reply(to: c["B"]!, text: "Sorry Bob, please DM us so we can look into it.", by: priya)
        at("2026-11-06T17:00:00Z")
        _ = try service.endShift(by: priya, note: nil)

        // A reply undone before it went: the question stays unanswered.
        c["D"] = try says("d1", "how do I change my address?", at: "2026-11-09T11:00:00Z", by: "dan")
        at("2026-11-09T11:05:00Z")
        try service.reply(to: c["D"]!, text: "You can change it in the app settings.", by: priya)
        _ = try service.undo(by: priya)

        c["E"] = try says("s1", "WIN FREE CRYPTO now!!! click bit.ly/free-crypto-win dm for promo", at: "2026-11-10T12:00:00Z", by: "spammer")
        if try status(c["E"]!) != .spam { try service.perform(.spam, on: c["E"]!, by: sam) }
        c["F"] = try says("f1", "love the new app, great work", at: "2026-11-10T13:00:00Z", by: "frank")
        at("2026-11-10T13:30:00Z")
        try service.perform(.resolve, on: c["F"]!, by: sam)

        // Bob again, on Mastodon, five days later; his two handles are then made one contact.
        c["B2"] = try says("bm1", "refund still missing, awful service", at: "2026-11-11T10:00:00Z", by: "bob_m", channel: "mastodon")
        at("2026-11-11T10:05:00Z")
        try service.mergeContacts("x:bob", "mastodon:bob_m", by: sam)

        c["I"] = try says("i1", "idea: you should add a dark mode to the app", at: "2026-11-12T10:00:00Z", by: "ivy")
        at("2026-11-12T10:10:00Z")
        try service.perform(.tag(add: ["feature"], remove: []), on: c["I"]!, by: sam)
        at("2026-11-12T10:15:00Z")
        try service.perform(.escalate(team: "product", note: "dark mode"), on: c["I"]!, by: sam)
        at("2026-11-12T10:30:00Z")
        try service.reply(to: c["I"]!, text: "Thanks Ivy, we have passed it to our product team.", by: sam)
        at("2026-11-12T10:45:00Z")
        try service.perform(.resolve, on: c["I"]!, by: sam)

        // Friday 16:30, answered Tuesday 09:40 over a weekend and a holiday: 70 business minutes.
        c["C"] = try says("c1", "my app keeps crashing when I log in, useless", at: "2026-11-13T16:30:00Z", by: "carol")
        at("2026-11-17T09:40:00Z")
        try service.reply(to: c["C"]!, text: "Sorry Carol, a fix is out: please update the app.", by: sam)
        at("2026-11-17T10:00:00Z")
        try service.perform(.resolve, on: c["C"]!, by: sam)
        try says("c2", "it crashed again after the update, terrible", at: "2026-11-17T12:00:00Z", by: "carol", inReplyTo: "c1")
        XCTAssertEqual(try status(c["C"]!), .open, "the customer writing again reopens it")
        at("2026-11-17T14:00:00Z")
        try service.perform(.resolve, on: c["C"]!, by: sam)

        c["G"] = try says("f2", "great service again, love you guys", at: "2026-11-20T10:00:00Z", by: "frank")
        at("2026-11-20T10:30:00Z")
        try service.perform(.resolve, on: c["G"]!, by: sam)
        at("2026-12-01T00:00:00Z")
        XCTAssertEqual(Set(c.values).count, 9, "nine conversations")
        return c
    }

    func status(_ id: Int64) throws -> ConversationStatus {
        try database.read { db in ConversationStatus(rawValue: try String.fetchOne(db, sql: "SELECT status FROM conversation WHERE id = ?", arguments: [id])!)! }
    }

    func report(by grouping: ReportGrouping = .channel) throws -> Report {
        let period = try ReportPeriod(since: "2026-11-01", until: "2026-11-30", now: clock.now(), timeZone: "Europe/London")
        return try Report.make(database, config: Self.config, since: period.since, until: period.until, by: grouping, now: clock.now())
    }

    func testTheMonthWorkedOutByHand() throws {
        let c = try month()
        let kinds = try database.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT source_id, kind, sentiment FROM mention WHERE ours = 0").map {
                ($0["source_id"] as String, ($0["kind"] as String?, $0["sentiment"] as Double?))
            })
        }
        // The texts were chosen for these kinds; the measures below depend on them.
        XCTAssertEqual(kinds.mapValues(\.0), ["a1": "complaint", "g1": "praise", "a2": "praise", "b1": "complaint", "d1": "question",
                                              "s1": "spam", "f1": "praise", "bm1": "complaint", "i1": "idea", "c1": "complaint",
                                              "c2": "complaint", "f2": "praise"])
        let m = try report().total

        XCTAssertEqual(m.heard.mentionsIn, 12)
        XCTAssertEqual(m.heard.opened, 9)
        XCTAssertEqual(m.heard.answered, 4, "A, B, I, C; D's reply was undone")
        XCTAssertEqual(m.heard.answeredOnTheirChannel, 3, "B was asked to DM")
        XCTAssertEqual([m.heard.unansweredSpam, m.heard.unansweredResolved, m.heard.unansweredOpen], [1, 2, 2], "E; F and G; D and B2")

        let r = m.responsiveness
        XCTAssertEqual(r.firstResponse, .init([20, 25, 30, 70].map { $0 * Self.minute }))
        XCTAssertEqual([r.firstResponse.medianMs, r.firstResponse.p90Ms], [25 * Self.minute, 70 * Self.minute])
        // A 60, I 45, C 30 + 300 (to its second resolution), F 30, G 30.
        XCTAssertEqual([r.resolution.count, Int(r.resolution.medianMs! / Self.minute), Int(r.resolution.p90Ms! / Self.minute)], [5, 45, 330])
        // A, B, I met; C 10 minutes late; D and B2 never answered, late until now in business minutes
        // (D from Monday the 9th 11:00: 6 + 32 + 32 + 40 + 8 hours; B2 from Wednesday the 11th 10:00: 7 + 16 + 32 + 40 + 8).
        // Per urgency as triage judged them: normal A and B met, C 10 minutes late, B2 (103 hours less
        // the hour); low I met, D late (118 hours less the hour).
        let urgency = try database.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, urgency FROM conversation").map { ($0[0] as Int64, $0[1] as String?) })
        }
        XCTAssertEqual(["A", "B", "C", "B2", "D", "I"].map { urgency[c[$0]!] }, ["normal", "normal", "normal", "normal", "low", "low"])
        XCTAssertEqual(r.sla, [.init(urgency: "normal", targetMinutes: 60, conversations: 4, met: 2, breached: 2, medianLateMs: 10 * Self.minute),
                               .init(urgency: "low", targetMinutes: 60, conversations: 2, met: 1, breached: 1, medianLateMs: (118 * 60 - 60) * Self.minute)])
        XCTAssertEqual([r.slaMet, r.slaBreached], [3, 3])
        XCTAssertEqual(r.breachedLateMedianMs, (103 * 60 - 60) * Self.minute, "over every urgency: C, B2 and D")
        let text = try report().lines()
        let sla = try XCTUnwrap(text.firstIndex { $0.hasPrefix("SLA by urgency") })
        XCTAssertEqual(Array(text[sla...(sla + 2)]), ["SLA by urgency  target  conversations  met  breached  late by",
                                                     "normal             60m              4    2         2      10m",
                                                     "low                60m              2    1         1    4d21h"])

        XCTAssertEqual(m.dialogue, .init(twoWay: 2, closedWithThanks: 1, repeatWithin7Days: 1), "A and C wrote again; A thanked; B2 is Bob again")

        let before = (kinds["a1"]!.1! + kinds["c1"]!.1!) / 2, after = (kinds["a2"]!.1! + kinds["c2"]!.1!) / 2
        XCTAssertEqual(m.mood.measured, 2, "A and C: a message before our first answer and one after")
        XCTAssertEqual(m.mood.before!, before, accuracy: 0.001)
        XCTAssertEqual(m.mood.after!, after, accuracy: 0.001)
        XCTAssertEqual(m.mood.shift!, after - before, accuracy: 0.002)
        XCTAssertEqual([m.mood.detractors, m.mood.turned], [4, 1], "A, B, B2, C were negative; Alice turned")

        XCTAssertEqual(m.advocates, .init(praisedTwice: 1, new: 1, defenders: 1), "Frank praised twice; Gina defended us in Alice's thread")
        XCTAssertEqual(m.ideas, .init(received: 1, tagged: 1, passedToTeam: 1, closedWithAnswer: 1))
    }

    func testTheTeamAndAdvocatesOfTheMonth() throws {
        _ = try month()
        let report = try report()
        XCTAssertEqual(report.shifts.map(\.operator), ["sam", "priya", "priya"])
        let first = report.shifts[0]
        XCTAssertEqual([first.handled, first.replied], [1, 1])
        XCTAssertEqual(first.medianFirstResponseMs, 20 * Self.minute)
        XCTAssertEqual(first.handoverAcknowledgedAfterMs, 30 * Self.minute)
        XCTAssertTrue(first.introPosted)
        XCTAssertNil(report.shifts[1].handoverAcknowledgedAfterMs)
        XCTAssertEqual(report.shifts[2].medianFirstResponseMs, (16 * 60 + 25) * Self.minute, "the shift's own figure is the handover's: wall clock")
        XCTAssertEqual(report.suggestedAdvocates.map(\.handle), ["x:frank"])
        try service.tagContact("x:frank", add: ["advocate"], remove: [], by: sam)
        XCTAssertEqual(try self.report().suggestedAdvocates, [], "tagged already")
        XCTAssertTrue(report.incidents.isEmpty)
    }

    /// The demo's outage, with our first post about it in the middle of the burst.
    func testAnIncidentAndOurFirstPostAboutIt() throws {
        let demoClock = FixedClock("2026-11-20T12:00:00Z")
        let (demo, _) = try DemoCache.build(path: folder.file("demo.sqlite"), size: 3_000, seed: 7, clock: demoClock)
        let config = try ExampleConfig.load()
        let incident = try XCTUnwrap(try demo.read { db in try Row.fetchOne(db, sql: "SELECT id, started_at FROM incident ORDER BY id LIMIT 1") })
        let complaints = try demo.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT m.created_at FROM mention m JOIN conversation c ON c.id = m.conversation_id
                WHERE c.incident_id = ? AND m.ours = 0 AND m.kind = 'complaint' ORDER BY m.created_at
                """, arguments: [incident["id"] as Int64])
        }
        XCTAssertGreaterThan(complaints.count, 10)
        let postAt = complaints[complaints.count / 2]
        let service = ActionService(database: demo, config: config, clock: FixedClock(postAt))
        _ = try service.broadcast(incident: incident["id"], text: "We know the app is down for some of you; we are on it.", by: config.operators[0])

        let report = try Report.make(demo, config: config, since: demoClock.now() - 30 * 86_400_000, until: demoClock.now(), by: .channel, now: demoClock.now())
        let line = try XCTUnwrap(report.incidents.first)
        XCTAssertEqual(line.complaints, complaints.count)
        XCTAssertEqual(line.firstPostAfterMs, postAt - (incident["started_at"] as Int64))
        XCTAssertEqual(line.complaintsAfterPost, complaints.filter { $0 > postAt }.count)
        XCTAssertTrue(report.lines(width: 200).contains { $0.hasPrefix("  \(line.id) \(line.title) from ") && $0.contains("complaints after it") })
    }

    func testGroupings() throws {
        _ = try month()
        let byOperator = try report(by: .operator)
        XCTAssertEqual(byOperator.groups.map(\.key), ["(nobody)", "priya", "sam"])
        XCTAssertEqual(byOperator.groups.map(\.measures.heard.answered), [0, 1, 3])
        XCTAssertEqual(byOperator.groups.map(\.measures.heard.opened).reduce(0, +), 9, "each conversation in one row")

        let byDay = try report(by: .day)
        let day = Dictionary(uniqueKeysWithValues: byDay.groups.map { ($0.key, $0.measures.heard) })
        // D alone opened on the 9th, never answered: late from 11:00 that Monday to now, in
        // business hours (6 + 32 + 32 + 40 + 8 hours) less its 60 minutes.
        XCTAssertEqual(byDay.groups.first { $0.key == "2026-11-09" }?.measures.responsiveness.breachedLateMedianMs, (118 * 60 - 60) * Self.minute)
        XCTAssertEqual([day["2026-11-03"]?.mentionsIn, day["2026-11-03"]?.opened], [3, 1])
        XCTAssertEqual([day["2026-11-17"]?.mentionsIn, day["2026-11-17"]?.opened], [1, 0], "Carol wrote again that day; nothing opened")

        let byHour = try report(by: .hour)
        XCTAssertEqual(byHour.groups.first?.key, "2026-11-03 10")
        XCTAssertEqual(byHour.groups.first?.measures.heard.mentionsIn, 3, "alice twice and gina, between 10:00 and 11:00")

        let byWeek = try report(by: .week)
        XCTAssertEqual(byWeek.groups.map(\.key), ["2026-W45", "2026-W46", "2026-W47"])
        XCTAssertEqual(byWeek.groups.map(\.measures.heard.mentionsIn), [4, 6, 2])

        let byShift = try report(by: .shift)
        XCTAssertEqual(byShift.groups.map(\.key), ["(no shift)", "shift 1 (sam)", "shift 3 (priya)"])
        XCTAssertEqual(byShift.groups.map(\.measures.heard.answered), [2, 1, 1], "I and C were answered off shift")

        let byChannel = try report(by: .channel)
        XCTAssertEqual(byChannel.groups.map(\.key), ["mastodon", "x"])
        XCTAssertEqual(byChannel.total, try report(by: .team).total, "the total does not depend on the cut")
    }

    /// The idea shipped: Ivy, who suggested it, is told in a reply of her own (her answered
    /// message notwithstanding), once; Alice's conversation, tagged the same but a complaint, is not.
    func testEveryoneWhoSuggestedAnIdeaIsToldWhenItShips() throws {
        let c = try month()
        try service.perform(.tag(add: ["feature"], remove: []), on: c["A"]!, by: sam)
        let text = "Hi {first_name}, dark mode is out today: thank you for the idea!"
        let preview = try service.ideaFollowUps(tag: "feature", text: text, by: sam)
        XCTAssertEqual(preview.map(\.preview.conversationID), [c["I"]!])
        XCTAssertFalse(preview[0].told)

        let done = try service.ideaDone(tag: "feature", text: text, by: sam)
        XCTAssertEqual(done.done.map(\.conversationID), [c["I"]!])
        let queued = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT conversation_id, text, state FROM outbox WHERE kind = 'reply' AND text LIKE '%dark mode is out%'")
        }
        XCTAssertEqual(queued.map { $0["conversation_id"] as Int64 }, [c["I"]!])
        XCTAssertEqual(queued.first?["text"] as String?, preview[0].preview.text)
        XCTAssertTrue((queued.first?["text"] as String? ?? "").hasSuffix(" ^SB"), "signed")

        let again = try service.ideaDone(tag: "feature", text: text, by: sam)
        XCTAssertEqual([again.done.count, again.unchanged.count], [0, 1], "told already")
        _ = try service.undo(by: sam)
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT state FROM outbox WHERE text LIKE '%dark mode is out%'") }, "cancelled")
        XCTAssertFalse(try service.ideaFollowUps(tag: "feature", text: text, by: sam)[0].told, "withdrawn, so not told")
    }

    /// Each handover says how its operator's first answers landed: the report's measures of them.
    func testTheHandoverGivesTheShiftsOwnMeasures() throws {
        _ = try month()
        let handovers = try database.read { db in
            try CacheReader(db).all("SELECT \(Shift.columns) FROM shift ORDER BY id", [], Shift.init).map(\.handover)
        }
        // Sam's shift answered Alice within 20 minutes; she wrote again, thanked us and was resolved.
        let sam = try XCTUnwrap(handovers[0]?.measures)
        XCTAssertEqual([sam.heard.answered, sam.heard.answeredOnTheirChannel, sam.responsiveness.slaMet, sam.responsiveness.slaBreached,
                        sam.dialogue.twoWay, sam.responsiveness.resolution.count], [1, 1, 1, 0, 1, 1])
        XCTAssertLessThan(try XCTUnwrap(sam.mood.before), 0)
        XCTAssertGreaterThan(try XCTUnwrap(sam.mood.after), 0)
        let samLines = try XCTUnwrap(handovers[0]).lines(now: clock.now(), config: Self.config, reader: "priya")
        XCTAssertTrue(samLines.contains { $0.hasPrefix("  their first answers (1): on the customer's channel 1, SLA met 1 of 1, two-way 1, resolved 1, "
            + "customers' mood -") && $0.contains(" → +") }, samLines.joined(separator: "\n"))
        // Priya's evening shift answered nobody; on the Friday she asked Bob to DM us, in 25 business minutes.
        XCTAssertEqual(handovers[1]?.measures?.heard.answered, 0)
        XCTAssertFalse(try XCTUnwrap(handovers[1]).lines(now: clock.now(), config: Self.config, reader: "sam").contains { $0.contains("first answers") })
        let priya = try XCTUnwrap(handovers[2]?.measures)
        XCTAssertEqual([priya.heard.answered, priya.heard.answeredOnTheirChannel, priya.responsiveness.slaMet, priya.dialogue.twoWay], [1, 0, 1, 0])
        XCTAssertEqual(priya.responsiveness.firstResponse.medianMs, 25 * Self.minute)
    }

    /// The screen's Reports view: today and the six days before it, each the report's own figures.
    func testTheScreensDigestIsTheReportOfTodayAndTheWeekBefore() throws {
        _ = try month()
        let now = RFC3339.milliseconds(from: "2026-11-20T12:30:00Z")!
        let digest = try ReportDigest.make(database, config: Self.config, now: now)
        XCTAssertEqual(digest.days.map(\.key), (14...20).map { "2026-11-\($0)" })
        let weekStart = RFC3339.milliseconds(from: "2026-11-14T00:00:00Z")!
        let week = try Report.make(database, config: Self.config, since: weekStart, until: now, by: .channel, now: now)
        XCTAssertEqual(digest.week, week.total)
        XCTAssertEqual(digest.channels.map(\.key), week.groups.map(\.key))
        let today = try Report.make(database, config: Self.config, since: RFC3339.milliseconds(from: "2026-11-20T00:00:00Z")!, until: now, by: .day, now: now).total
        XCTAssertEqual([digest.today.heard, digest.week.heard].map(\.mentionsIn), [1, 2], "frank today; carol on the 17th")
        XCTAssertEqual(digest.today.heard, today.heard)
        XCTAssertEqual(digest.today.responsiveness, today.responsiveness)
        XCTAssertEqual(digest.today.dialogue, today.dialogue)
        XCTAssertEqual(digest.today.mood, today.mood)
        XCTAssertEqual(digest.days[3].measures.heard.mentionsIn, 1, "carol wrote again on the 17th")
        XCTAssertEqual(digest.hourlyMentions.count, 6 * 24 + 13, "every hour begun, the current one last")
        XCTAssertEqual(digest.hourlyMentions.indices.filter { digest.hourlyMentions[$0] > 0 }, [3 * 24 + 12, 6 * 24 + 10])
        XCTAssertEqual(digest.hourlyMentions.reduce(0, +), digest.week.heard.mentionsIn)
    }

    /// The messages read straight through the table or conversation by conversation: the same report.
    func testBothWaysOfReadingGiveTheSameReport() throws {
        _ = try month()
        for (since, until) in [("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"), ("2026-11-17T00:00:00Z", "2026-11-18T00:00:00Z"),
                               ("2026-11-15T00:00:00Z", "2026-12-01T00:00:00Z")] {
            let (from, to) = (RFC3339.milliseconds(from: since)!, RFC3339.milliseconds(from: until)!)
            let facts = try [ReportFacts.MessageRead.straight, .byConversation].map { read in
                try database.read { db in try ReportFacts.load(CacheReader(db), since: from, until: to, now: clock.now(), read: read) }
            }
            let reports = facts.map { Report(facts: $0, config: Self.config, since: from, until: to, by: .day, now: clock.now()) }
            XCTAssertEqual(reports[0], reports[1], since)
            XCTAssertGreaterThan(reports[0].total.heard.mentionsIn, 0)
            XCTAssertEqual(facts[0].earlierPraisers, facts[1].earlierPraisers, since)
        }
        let fromThe15th = try database.read { db in
            try ReportFacts.load(CacheReader(db), since: RFC3339.milliseconds(from: "2026-11-15T00:00:00Z")!, until: RFC3339.milliseconds(from: "2026-12-01T00:00:00Z")!,
                                 now: clock.now(), read: .straight)
        }
        XCTAssertEqual(fromThe15th.earlierPraisers.count, 1, "frank praised on the 10th, before the period, and again in it")
    }

    /// Each message finds its conversation by id: through an array when the ids are dense, a
    /// dictionary when they are spread out; both answer alike, and nothing for an id not read.
    func testConversationsAreFoundByIdDenseOrSpread() {
        for ids: [Int64] in [[3, 4, 6, 7, 9], [2, 1_000, 50_000, 7_000_000]] {
            let position = ReportFacts.PositionOfID(ids)
            XCTAssertEqual(ids.map { position[$0] }, Array(ids.indices), "\(ids)")
            XCTAssertEqual([0, 5, 8, 10, 999, 4_000_000_000].map { position[$0] }, [nil, nil, nil, nil, nil, nil], "\(ids)")
        }
        XCTAssertNil(ReportFacts.PositionOfID([])[0])
    }

    /// Messages read in the table's order come out grouped by conversation, each in time order,
    /// ties in the order read — whether each conversation's row counted its messages right, too
    /// few or too many.
    func testMessagesAreGroupedByConversationInTimeOrder() {
        func message(_ at: Int64, _ handle: Int64) -> ReportFacts.Message { .init(at: at, handle: handle, ours: false) }
        let read = [(1, message(30, 1)), (0, message(10, 2)), (1, message(20, 3)), (1, message(10, 4)), (2, message(5, 5)), (1, message(10, 6))]
        for expected in [[1, 4, 1, 0], [0, 2, 1, 0], [3, 6, 0, 2]] {
            var list = ReportFacts.MessageList(expected: expected)
            for (owner, message) in read { list.append(message, to: owner) }
            list.finish()
            XCTAssertEqual((0..<4).map { list.rows[list.range($0)].map(\.handle) }, [[2], [4, 6, 3, 1], [5], []], "\(expected)")
            XCTAssertEqual(list.rows.count, 6, "\(expected)")
        }
    }

    /// The first answer is whichever came first of a reply queued in heed and one of ours on the
    /// network; a delivered reply is both, at the same time or later, and counts as queued (by
    /// its operator). Whether an answer sent the customer elsewhere looks at both.
    func testTheFirstAnswerIsQueuedOrImportedWhicheverCameFirst() {
        func ours(_ at: Int64, movesAway: Bool = false) -> ReportFacts.Message { .init(at: at, handle: 9, ours: true, movesAway: movesAway) }
        var conversation = ReportFacts.Conversation(id: 1, channel: "x", team: nil, assignee: nil, status: .open, kind: .question, contact: 1,
                                                    slaMinutes: 60, urgency: .normal)
        conversation.messages = [.init(at: 10, handle: 1, ours: false), ours(40), ours(100, movesAway: true)]
        conversation.queued = [.init(at: 100, operatorHandle: "sam", movesAway: false), .init(at: 70, operatorHandle: "ana", movesAway: false)]
        XCTAssertEqual(conversation.firstAnswer(from: 10).map { [$0.at] }, [40], "ours on the network first")
        XCTAssertEqual(conversation.firstAnswer(from: 41)?.operatorHandle, "ana", "queued at 70, before ours at 100")
        XCTAssertEqual(conversation.firstAnswer(from: 71)?.operatorHandle, "sam", "queued and delivered at the same time: as queued")
        XCTAssertNil(conversation.firstAnswer(from: 101))
        XCTAssertTrue(conversation.answerMovesAway(from: 100))
        XCTAssertFalse(conversation.answerMovesAway(from: 101))
        conversation.queued = [.init(at: 120, operatorHandle: "ana", movesAway: true)]
        XCTAssertTrue(conversation.answerMovesAway(from: 101))
        XCTAssertEqual(conversation.firstAnswer(from: 101)?.operatorHandle, "ana")
    }

    /// Medians and the 90th percentile are found by selection: the same nearest rank a sort gives,
    /// with ties, runs and one value.
    func testRanksBySelectionEqualRanksBySorting() {
        var random = SystemRandomNumberGenerator()
        for size in [1, 2, 3, 10, 11, 100, 1_001] {
            for spread in [1, 5, 1_000_000] {
                let values = (0..<size).map { _ in Int64.random(in: 0..<Int64(spread), using: &random) }
                for p in [0.5, 0.9, 0.01, 1] {
                    var copy = values
                    let sorted = values.sorted()
                    XCTAssertEqual(ReportMeasures.Durations.rank(&copy, p), sorted[max(0, Int((p * Double(size)).rounded(.up)) - 1)], "\(size) \(spread) \(p)")
                }
            }
        }
        var empty: [Int64] = []
        XCTAssertNil(ReportMeasures.Durations.rank(&empty, 0.5))
        let durations = ReportMeasures.Durations([5, 1, 4, 2, 3, 9, 8, 7, 6, 10])
        XCTAssertEqual(durations.count, 10)
        XCTAssertEqual([durations.medianMs, durations.p90Ms], [5, 9])
    }

    func testJSONAndCSVCarryTheSameFigures() throws {
        _ = try month()
        let report = try report(by: .operator)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        XCTAssertEqual(try decoder.decode(Report.self, from: Data(report.json.utf8)), report)
        XCTAssertTrue(report.json.contains("\"first_response\":{\"count\":4,\"median_ms\":1500000,\"p90_ms\":4200000}"), report.json)

        let rows = report.csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = rows[0]
        XCTAssertEqual(rows.map { $0.count }, Array(repeating: header.count, count: rows.count))
        XCTAssertEqual(rows.map(\.first), ["group", "(nobody)", "priya", "sam", "total"])
        let total = Dictionary(uniqueKeysWithValues: zip(header, rows.last!))
        XCTAssertEqual(total["heard.opened"], "9")
        XCTAssertEqual(total["responsiveness.first_response_median_s"], "1500")
        XCTAssertEqual(total["mood.shift"], String(format: "%.3f", report.total.mood.shift!))
    }

    func testCSVCellsASpreadsheetWouldRunAreQuoted() throws {
        var measures = ReportMeasures()
        measures.mood.shift = -0.25
        var report = try report()
        report.groups = [.init(key: "=HYPERLINK(\"http://x\")", measures: measures), .init(key: "@team", measures: measures),
                         .init(key: "+1", measures: measures), .init(key: "-2", measures: measures)]
        let keys = report.csv.split(separator: "\n").dropFirst().map { $0.prefix { $0 != "," } }
        XCTAssertEqual(keys.prefix(2).map(String.init), ["\"'=HYPERLINK(\"\"http://x\"\")\"", "'@team"])
        XCTAssertEqual(keys.dropFirst(2).prefix(2).map(String.init), ["'+1", "'-2"])
        XCTAssertTrue(report.csv.contains(",-0.250,"), "numbers stay numbers:\n\(report.csv)")
    }

    func testTextTablesFitTheTerminal() throws {
        _ = try month()
        let lines = try report(by: .operator).lines(width: 80)
        XCTAssertEqual(lines.prefix(2), ["report 2026-11-01 00:00 GMT – 2026-12-01 00:00 GMT, by operator", "times count business hours only, as the SLA does"])
        XCTAssertTrue(lines.allSatisfy { DisplayWidth.of($0) <= 80 }, lines.joined(separator: "\n"))
        let heard = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("Heard ") })
        XCTAssertEqual(Array(lines[heard...].prefix(5)), [
            "Heard     in  opened  answered  their channel  spam  resolved  open",
            "(nobody)   5       5      0 0%              0     1         2     2",
            "priya      1       1    1 100%           0 0%     0         0     0",
            "sam        6       3    3 100%         3 100%     0         0     0",
            "total     12       9     4 44%          3 75%     1         2     2",
        ])
        let shift = try XCTUnwrap(lines.firstIndex(of: "  1 sam 2026-11-03 09:00 GMT – 2026-11-03 17:00 GMT, intro posted"), lines.joined(separator: "\n"))
        XCTAssertEqual(lines[shift + 1], "    handled 1, replied 1, 1st reply 20m, handover acknowledged in 30m")
        XCTAssertEqual(lines.last, "Advocates to tag (heed contact tag CHANNEL:HANDLE +advocate): x:frank (2)")
    }

    func testAnAnswerThatMovesTheCustomerAway() {
        for text in ["Please DM us your details", "DMs are open", "send us a PM", "could you e-mail us at help@nw.example", "Give us a call on 0800 000",
                     "Send us a Direct Message", "pop into a branch with ID"] {
            XCTAssertTrue(MovingAway.asks(text), text)
        }
        for text in ["Our admin team fixed it", "Dmitri from billing will look", "we will call you back at 2pm", "the PM2.5 alert", "we called usually", ""] {
            XCTAssertFalse(MovingAway.asks(text), text)
        }
    }

    func testThePeriodFromTheCommandLine() throws {
        let now = RFC3339.milliseconds(from: "2026-12-04T12:00:00Z")!
        let november = try ReportPeriod(since: "2026-11-01", until: "2026-11-30", now: now, timeZone: "Europe/London")
        XCTAssertEqual([november.since, november.until], [RFC3339.milliseconds(from: "2026-11-01T00:00:00Z")!, RFC3339.milliseconds(from: "2026-12-01T00:00:00Z")!])
        let july = try ReportPeriod(since: "2026-07-01", until: nil, now: now, timeZone: "Europe/London")
        XCTAssertEqual(july.since, RFC3339.milliseconds(from: "2026-06-30T23:00:00Z")!, "a day starts at midnight in the config's zone")
        XCTAssertEqual(july.until, now)
        let week = try ReportPeriod(since: nil, until: nil, now: now, timeZone: "UTC")
        XCTAssertEqual(week.until - week.since, 7 * 86_400_000)
        XCTAssertEqual(try ReportPeriod(since: "30d", until: nil, now: now, timeZone: "UTC").since, now - 30 * 86_400_000)
        XCTAssertThrowsError(try ReportPeriod(since: "last tuesday", until: nil, now: now, timeZone: "UTC")) {
            XCTAssertTrue(($0 as! HeedError).message.hasPrefix("--since last tuesday: expected a day such as 2026-11-01"), "\($0)")
        }
        XCTAssertThrowsError(try ReportPeriod(since: "2026-12-01", until: "2026-11-01", now: now, timeZone: "UTC")) {
            XCTAssertEqual(($0 as! HeedError).message, "the period is empty: --since must come before --until")
        }
    }
}
