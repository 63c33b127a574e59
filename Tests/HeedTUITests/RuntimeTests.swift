import GRDB
@testable import HeedCore
import HeedTestSupport
import XCTest
@testable import HeedTUI

/// The real loop on an in-memory terminal and a demo cache: keys in, screens out.
final class RuntimeTests: XCTestCase {
    /// Kept for the test's length: the folder goes when it does.
    var folder = TemporaryFolder()

    let clock = FixedClock("2026-11-23T12:00:00Z")

    var sessions = 0

    func session(keys: [Key], width: Int = 80, height: Int = 24, me: String? = nil) throws -> (Runtime, GridTerminal, AppDatabase) {
        // A cache of its own each time: the one before may still be open in this process.
        sessions += 1
        let (database, _) = try DemoCache.build(path: folder.file("demo-\(sessions).sqlite"), size: 300, seed: 5, clock: clock)
        let (runtime, terminal) = try screen(on: database, keys: keys, width: width, height: height, me: me)
        return (runtime, terminal, database)
    }

    /// A screen on `database`, as another operator's process would open it.
    func screen(on database: AppDatabase, keys: [Key] = [], width: Int = 80, height: Int = 24, me: String?) throws -> (Runtime, GridTerminal) {
        let terminal = GridTerminal(width: width, height: height, keys: keys)
        var state = AppState(brand: "Northwind Bank", width: width, height: height, now: clock.now())
        state.me = me
        let runtime = try Runtime(terminal: terminal, state: state, clock: clock, data: ScreenData(database: database, me: me))
        return (runtime, terminal)
    }

    func testScriptedSessionOnADemoCache() throws {
        let (runtime, terminal, database) = try session(keys: [.char("j"), .char("j"), .pageDown, .char("G")])
        try runtime.run(untilIdle: true)
        let open = try database.read { db in try Queue.countOpen(db) }
        XCTAssertEqual(runtime.state.rows.count, open)
        XCTAssertEqual(runtime.state.selected, open - 1)
        try step(runtime) { !runtime.state.viewCounts.isEmpty }
        let screen = try XCTUnwrap(terminal.presented)
        XCTAssertTrue(screen.line(0).hasPrefix(" heed · Northwind Bank · Triage"), screen.line(0))
        XCTAssertTrue(screen.line(0).contains("\(open) open"), screen.line(0))
        XCTAssertTrue(screen.line(1).hasPrefix(" 1 Triage \(open) "), screen.line(1))
        let selectedLine = (0..<screen.height).first { screen[1, $0].style == .selectedRow }
        XCTAssertEqual(selectedLine, runtime.state.selected - runtime.state.top + 2)
    }

    func testOpenAConversationWithItsCardAndGoBack() throws {
        let (runtime, terminal, database) = try session(keys: [.char("j"), .enter], width: 120, height: 40)
        try runtime.run(untilIdle: true)
        let page = try XCTUnwrap(runtime.state.conversation)
        let second = try database.read { db in try Queue.open(db, limit: 2)[1] }
        XCTAssertEqual(page.detail.summary.conversationID, second.conversationID)
        XCTAssertNotNil(page.card)
        let text = try XCTUnwrap(terminal.presented).lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("› #\(second.conversationID)"), text)
        XCTAssertTrue(text.contains("▸ @\(second.authorHandle)"), text)
        XCTAssertTrue(text.contains("first seen"), text)
        terminal.type([.escape])
        try runtime.run(untilIdle: true)
        XCTAssertNil(runtime.state.conversation)
        XCTAssertEqual(runtime.state.selectedRow?.conversationID, second.conversationID)
    }

    func testSearchViewsAndTheirCounts() throws {
        let (runtime, terminal, database) = try session(keys: [.char("/")] + "channel:x".map { .char($0) } + [.enter])
        try runtime.run(untilIdle: true)
        let x = try database.read { db in try Queue.count(db, try Query.parse("channel:x"), now: runtime.state.now) }
        XCTAssertGreaterThan(x, 0)
        XCTAssertEqual(runtime.state.rows.count, x)
        XCTAssertTrue(runtime.state.rows.allSatisfy { $0.channel == "x" })
        terminal.type([.escape, .char("6")])
        try runtime.run(untilIdle: true)
        let resolved = try database.read { db in try Queue.count(db, try Query.parse("is:resolved"), now: runtime.state.now) }
        XCTAssertEqual(runtime.state.rows.count, min(resolved, 500))
        try step(runtime) { runtime.state.viewCounts.count == runtime.state.views.count }
        XCTAssertEqual(runtime.state.viewCounts[5], resolved)
        XCTAssertNil(runtime.state.viewCounts[1], "Mine cannot be counted without an operator")
        XCTAssertTrue(try XCTUnwrap(terminal.presented).line(1).contains(" 6 Resolved \(resolved) "))
    }

    func testAnotherProcessWritingShowsWithoutAKeyAndTheCursorStays() throws {
        let (runtime, terminal, database) = try session(keys: [.char("j"), .char("j"), .char("j")])
        try runtime.run(untilIdle: true)
        let chosen = try XCTUnwrap(runtime.state.selectedRow)
        // Someone else raises a conversation below the chosen one (one of no incident, which
        // would bring its whole group) above it.
        let fifth = try XCTUnwrap(runtime.state.rows[4...].first { $0.incidentID == nil }).conversationID
        try database.write { db in
            try db.execute(sql: "UPDATE conversation SET priority = 1000 WHERE id = ?", arguments: [fifth])
        }
        terminal.type([.char("?"), .escape])
        try runtime.run(untilIdle: true)
        XCTAssertEqual(runtime.state.rows.first?.conversationID, fifth)
        XCTAssertEqual(runtime.state.selectedRow?.conversationID, chosen.conversationID)
        XCTAssertEqual(runtime.state.selected, 4)
    }

    func testTheHeaderCountsAfterEveryChangeAndTheTabsBesideTheKeysAtMostEveryTwoSeconds() throws {
        let (runtime, _, database) = try session(keys: [])
        try runtime.start()
        let open = runtime.state.counts.open
        XCTAssertEqual(runtime.state.viewCounts, [], "the first screen is drawn before the tabs are counted")
        try step(runtime) { !runtime.state.viewCounts.isEmpty }
        XCTAssertEqual(runtime.state.viewCounts.first, open)
        let resolve = { (id: Int64) in
            try database.write { db in try db.execute(sql: "UPDATE conversation SET status = 'resolved' WHERE id = ?", arguments: [id]) }
        }
        try resolve(runtime.state.rows[0].conversationID)
        try runtime.step([], poll: true)
        XCTAssertEqual(runtime.state.counts.open, open - 1, "the header at once")
        XCTAssertEqual(runtime.state.viewCounts.first, open, "the tabs were counted less than two seconds ago")
        clock.advance(seconds: 2)
        try step(runtime) { runtime.state.viewCounts.first == open - 1 }
        try resolve(runtime.state.rows[0].conversationID)
        clock.advance(seconds: 1)
        try runtime.step([], poll: true)
        XCTAssertEqual(runtime.state.counts.open, open - 2)
        XCTAssertEqual(runtime.state.viewCounts.first, open - 1, "not within two seconds of the last count")
        clock.advance(seconds: 1)
        try step(runtime) { runtime.state.viewCounts.first == open - 2 }
        try runtime.step([.key(.char("j"))], poll: true)
        XCTAssertEqual(runtime.state.viewCounts.first, open - 2)
    }

    func testASearchThatFillsItsPageIsCountedBesideTheKeys() throws {
        let (database, _) = try DemoCache.build(path: folder.file("search-count.sqlite"), size: 300, seed: 5, clock: clock)
        let terminal = GridTerminal(width: 80, height: 24)
        var state = AppState(brand: "Northwind Bank", width: 80, height: 24, now: clock.now())
        state.search = "channel:x"
        state.listLimit = 3
        let runtime = try Runtime(terminal: terminal, state: state, clock: clock, data: ScreenData(database: database, me: nil))
        try runtime.start()
        let x = try database.read { db in try Queue.count(db, try Query.parse("channel:x"), now: clock.now()) }
        XCTAssertGreaterThan(x, 3)
        XCTAssertEqual(runtime.state.rows.count, 3)
        XCTAssertNil(runtime.state.found, "the page is drawn before the count")
        try step(runtime) { runtime.state.found != nil }
        XCTAssertEqual(runtime.state.found, x)
        XCTAssertEqual(runtime.state.status, "\(x) found")
        XCTAssertTrue(try XCTUnwrap(terminal.presented).line(0).contains("search: channel:x (\(x))"))

        // Another process resolves one: the last count stands for two seconds, then it is counted again.
        let first = runtime.state.rows[0].conversationID
        try database.write { db in try db.execute(sql: "UPDATE conversation SET status = 'resolved' WHERE id = ?", arguments: [first]) }
        try runtime.step([], poll: true)
        XCTAssertFalse(runtime.state.rows.contains { $0.conversationID == first }, "the rows at once")
        XCTAssertEqual(runtime.state.found, x, "the count not within two seconds of the last")
        clock.advance(seconds: 2)
        try step(runtime) { runtime.state.found == x - 1 }
    }

    func testOtherScreensSeeWhoIsViewingAConversation() throws {
        let (sam, _, database) = try session(keys: [], width: 120, height: 40, me: "sam")
        let (priya, priyasScreen) = try screen(on: database, width: 120, height: 40, me: "priya")
        try sam.start()
        try priya.start()
        let opened = try XCTUnwrap(sam.state.selectedRow).conversationID
        try sam.step([.key(.enter)])
        // Sam's screen writes without waiting; a write of one's own waits behind it.
        try database.write { _ in }
        try priya.step([], poll: true)
        XCTAssertEqual(priya.state.claims.viewing, [opened: ["sam"]])
        XCTAssertEqual(sam.state.claims.viewing, [:], "not oneself")
        let row = try XCTUnwrap(priya.state.rows.firstIndex { $0.conversationID == opened })
        let line = try XCTUnwrap(priyasScreen.presented).line(2 + row - priya.state.top)
        XCTAssertTrue(line.hasPrefix("◉") && line.contains("◉sam"), line)
        try priya.step([.key(.enter)])
        XCTAssertTrue(try XCTUnwrap(priyasScreen.presented).lines.contains { $0.contains("◉ sam viewing") })

        try sam.step([.key(.escape)])
        try database.write { _ in }
        try priya.step([], poll: true)
        XCTAssertEqual(priya.state.claims.viewing, [:], "Sam went back to the list")

        // Sam opens another, then his screen dies: no write tells Priya, the lease does.
        try sam.step([.key(.down), .key(.enter)])
        try database.write { _ in }
        try priya.step([], poll: true)
        XCTAssertEqual(priya.state.claims.viewing.count, 1)
        clock.advance(seconds: 2)
        try priya.step([], poll: true)
        XCTAssertEqual(priya.state.claims.viewing.count, 1, "the tabs counted again, nothing else changed since")
        clock.advance(seconds: Claims.viewingLeaseMilliseconds / 1000)
        try priya.step([], poll: true)
        XCTAssertEqual(priya.state.claims.viewing, [:], "gone once the lease ran out, with nothing else changing")
    }

    func testASnoozeThatRanOutComesBackWithTheScreenOpen() throws {
        let (runtime, _, database) = try session(keys: [])
        try runtime.start()
        let id = try XCTUnwrap(runtime.state.selectedRow).conversationID
        try database.write { db in
            try db.execute(sql: "UPDATE conversation SET status = 'snoozed', snoozed_until = ? WHERE id = ?", arguments: [clock.now() + 60_000, id])
        }
        try runtime.step([], poll: true)
        XCTAssertFalse(runtime.state.rows.contains { $0.conversationID == id })
        clock.advance(seconds: 61)
        try runtime.step([], poll: true)
        try database.write { _ in }
        try runtime.step([], poll: true)
        XCTAssertTrue(runtime.state.rows.contains { $0.conversationID == id }, "back in Triage, woken by the screen itself")
    }

    /// Sam's screen, able to act, on the demo cache.
    func actingSession(keys: [Key], macros: [MacroKey] = [], environment: [String: String] = [:]) throws -> (Runtime, GridTerminal, AppDatabase) {
        let (_, _, database) = try session(keys: [])
        var config = Config()
        config.operators = [Operator(handle: "sam", name: "Sam Brooks", unixUser: nil, role: .lead, signature: "", intro: nil, teams: [], maxAssigned: nil)]
        config.macros = macros.map { Macro(name: $0.name, steps: $0.steps) }
        let acting = ScreenData.Acting(service: ActionService(database: database, config: config, clock: clock), actor: config.operators[0])
        // Sam has no shift running: the screen offers one, which Esc declines.
        let terminal = GridTerminal(width: 100, height: 30, keys: [.escape] + keys)
        var state = AppState(brand: "Northwind Bank", width: 100, height: 30, now: clock.now())
        state.me = "sam"
        state.macros = macros
        let runtime = try Runtime(terminal: terminal, state: state, clock: clock, data: ScreenData(database: database, me: "sam", acting: .success(acting)),
                                  environment: environment)
        return (runtime, terminal, database)
    }

    /// Steps the loop until `done` holds: what runs beside it (the reports' count) has its own time.
    func step(_ runtime: Runtime, until done: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(20)
        while !done() && Date() < deadline {
            try runtime.step([], poll: true)
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTAssertTrue(done(), "not within 20 s")
    }

    func testTheReportsViewIsCountedBesideTheKeysAndAgainAfterAChange() throws {
        let (runtime, terminal, database) = try session(keys: [.char("%")])
        try runtime.run(untilIdle: true)
        XCTAssertTrue(runtime.state.showingReports)
        try step(runtime) { runtime.state.digest != nil }
        let digest = try XCTUnwrap(runtime.state.digest)
        XCTAssertEqual(digest, try ReportDigest.make(database, config: Config(), now: clock.now()), "the figures of `heed report`'s own count")
        XCTAssertGreaterThan(digest.week.heard.mentionsIn, 0)
        let screen = try XCTUnwrap(terminal.presented).lines
        XCTAssertTrue(screen[4].hasPrefix(" Mentions in") && screen[4].contains(" \(digest.week.heard.mentionsIn)  "), screen[4])

        // Someone's import: counted again once the figures are five seconds old, not before.
        let mention = IncomingMention(channel: "x", sourceID: "new-1", text: "my card was declined again", createdAt: clock.now() - 60_000,
                                      author: IncomingAuthor(id: "n1", handle: "newcomer"))
        _ = try Ingester(database: database, config: Config(), clock: clock).ingest(mentions: [mention], source: "test")
        clock.advance(seconds: 2)
        try runtime.step([], poll: true)
        try runtime.step([], poll: true)
        XCTAssertEqual(runtime.state.digest?.week.heard.mentionsIn, digest.week.heard.mentionsIn, "two seconds on: not yet")
        clock.advance(seconds: 3)
        try step(runtime) { runtime.state.digest?.week.heard.mentionsIn == digest.week.heard.mentionsIn + 1 }

        terminal.type([.escape])
        try runtime.run(untilIdle: true)
        XCTAssertFalse(runtime.state.showingReports)
        XCTAssertTrue(try XCTUnwrap(terminal.presented).line(2).contains("@"), "the list again")
    }

    func testOneActionOnSeveralPickedConversations() throws {
        let (runtime, _, database) = try actingSession(keys: [.char("x"), .char("x"), .char("x"), .char(";"), .char("c")])
        try runtime.start()
        let picked = runtime.state.rows.prefix(3).map(\.conversationID)
        try runtime.run(untilIdle: true)
        XCTAssertEqual(runtime.state.status, "sam resolved 3 of 3 conversations")
        let statuses = try database.read { db in
            try String.fetchAll(db, sql: "SELECT status FROM conversation WHERE id IN (\(picked.map(String.init).joined(separator: ",")))")
        }
        XCTAssertEqual(statuses, ["resolved", "resolved", "resolved"])
        let events = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE operator = 'sam' AND kind = 'resolve'") }
        XCTAssertEqual(events, 3, "one event a conversation")
        XCTAssertEqual(runtime.state.selection, [:])
    }

    func testStarPicksWhatTheSearchFindsAndAMacroKeyRunsOnThem() throws {
        let (runtime, _, database) = try actingSession(keys: "/channel:x is:open".map { .char($0) } + [.enter, .char("*"), .char(";"), .char("R")],
                                                       macros: [MacroKey(name: "calmed", key: .char("R"), steps: ["tag +calmed", "snooze reply"])])
        try runtime.start()
        let found = try database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation WHERE channel = 'x' AND status = 'open'")
        } ?? 0
        try runtime.run(untilIdle: true)
        XCTAssertGreaterThan(found, 1)
        XCTAssertEqual(runtime.state.status, "sam ran a macro on \(found) of \(found) conversations")
        let calmed = try database.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM conversation c JOIN conversation_tag ct ON ct.conversation_id = c.id JOIN tag t ON t.id = ct.tag_id
                WHERE c.channel = 'x' AND c.status = 'snoozed' AND t.name = 'calmed'
                """)
        }
        XCTAssertEqual(calmed, found, "every one the search found")
    }

    func testCtrlXHandsTheReplyToTheOperatorsEditor() throws {
        let editor = folder.write("editor.sh", "#!/bin/sh\nprintf ' and a second line\\nfrom the editor\\n' >> \"$1\"\n")
        chmod(editor, 0o755)
        let (runtime, terminal, _) = try actingSession(keys: [.char("r")] + "Hello".map { .char($0) } + [.ctrl("x")],
                                                       environment: ["VISUAL": editor])
        try runtime.start()
        try runtime.run(untilIdle: true)
        XCTAssertEqual(runtime.state.prompt?.text, "Hello and a second line\nfrom the editor")
        XCTAssertTrue(terminal.presented?.lines.contains { $0.hasPrefix(" Hello and a second line") } == true)

        let (failing, _, _) = try actingSession(keys: [.char("r"), .char("x"), .ctrl("x")], environment: ["EDITOR": "false"])
        try failing.start()
        try failing.run(untilIdle: true)
        XCTAssertEqual(failing.state.prompt?.text, "x", "kept as it was")
        XCTAssertEqual(failing.state.prompt?.error?.message, "the editor \"false\" exited with status 1: the reply is as it was")
    }

    func testAReplyToSeveralIsPreviewedForEachThenQueued() throws {
        let keys: [Key] = [.char("x"), .char("x"), .char("x"), .char(";"), .char("r")] + "Hi {first_name}, about {case}: fixed!".map { .char($0) } + [.enter]
        let (runtime, terminal, database) = try actingSession(keys: keys)
        try runtime.start()
        let picked = runtime.state.rows.prefix(3).map(\.conversationID).sorted()
        try runtime.run(untilIdle: true)
        let previews = try XCTUnwrap(runtime.state.replyPreview)
        XCTAssertEqual(previews.map(\.conversationID), picked)
        XCTAssertTrue(previews.allSatisfy { $0.text.hasPrefix("Hi ") && $0.text.hasSuffix("about #\($0.conversationID): fixed!") }, "\(previews)")
        let screen = try XCTUnwrap(terminal.presented).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains(" Replies to 3 conversations, as each will get it"), screen)
        XCTAssertTrue(screen.contains("#\(picked[0]) @\(previews[0].handle) · "), screen)
        XCTAssertTrue(screen.contains("   " + previews[0].text), screen)
        let queuedBefore = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") }
        XCTAssertEqual(queuedBefore, 0, "nothing before Enter")
        terminal.type([.enter])
        try runtime.run(untilIdle: true)
        XCTAssertEqual(runtime.state.status, "sam replied to 3 of 3 conversations")
        let texts = try database.read { db in try String.fetchAll(db, sql: "SELECT text FROM outbox ORDER BY conversation_id") }
        XCTAssertEqual(texts, previews.map(\.text), "as previewed")
        XCTAssertNil(runtime.state.prompt)
        XCTAssertEqual(runtime.state.selection, [:])
    }

    func testActionsFromTheKeyboardChangeTheCacheAndSayWhatHappened() throws {
        let (runtime, terminal, database) = try actingSession(keys: [.char("t")] + "+callback".map { .char($0) } + [.enter, .char("c")])
        try runtime.start()
        let first = try XCTUnwrap(runtime.state.selectedRow)
        try runtime.run(untilIdle: true)
        let after = try database.read { db in try Row.fetchOne(db, sql: "SELECT status, version FROM conversation WHERE id = ?", arguments: [first.conversationID]) }
        XCTAssertEqual(after?["status"], "resolved")
        XCTAssertEqual(runtime.state.status, "sam resolved #\(first.conversationID)")
        XCTAssertTrue(try XCTUnwrap(terminal.presented).line(29).contains("sam resolved #\(first.conversationID)"))
        XCTAssertFalse(runtime.state.rows.contains { $0.conversationID == first.conversationID }, "gone from Triage")

        // u takes it back.
        terminal.type([.char("u")])
        try runtime.run(untilIdle: true)
        XCTAssertEqual(runtime.state.status, "sam undid resolve on #\(first.conversationID)")
        XCTAssertTrue(runtime.state.rows.contains { $0.conversationID == first.conversationID }, "back in Triage")

        // Someone else changes the selected conversation after it was drawn: c is a conflict.
        let shown = try XCTUnwrap(runtime.state.selectedRow)
        try database.write { db in
            try db.execute(sql: "UPDATE conversation SET version = version + 1 WHERE id = ?", arguments: [shown.conversationID])
            try db.execute(sql: "INSERT INTO event (at, operator, kind, conversation_id) VALUES (?, 'priya', 'assign', ?)",
                           arguments: [clock.now(), shown.conversationID])
        }
        try runtime.step([.key(.char("c"))])
        XCTAssertEqual(runtime.state.status, "#\(shown.conversationID) changed since you looked: priya assigned it 0s ago")
        let status = try database.read { db in try String.fetchOne(db, sql: "SELECT status FROM conversation WHERE id = ?", arguments: [shown.conversationID]) }
        XCTAssertEqual(status, "open", "nothing overwritten")
    }

    func testQuitKeyEndsTheLoop() throws {
        let (runtime, _, _) = try session(keys: [.char("q"), .char("j")])
        try runtime.run()
        XCTAssertEqual(runtime.state.selected, 0)
    }
}

extension RuntimeTests {
    func testPipeGivesTheConversationToTheCommandAndSaysHowItEnded() throws {
        let (runtime, terminal, _) = try session(keys: [])
        try runtime.run(untilIdle: true)
        let row = try XCTUnwrap(runtime.state.selectedRow)
        let text = folder.file("piped.txt"), json = folder.file("piped.json"), marker = folder.file("expanded")
        func pipe(_ command: String, json: Bool = false) throws {
            terminal.type([.char("|"), .ctrl("u")] + command.map { .char($0) } + (json ? [.tab] : []) + [.enter])
            try runtime.run(untilIdle: true)
        }
        try pipe("dd status=none of=\(text)")
        let piped = try String(contentsOfFile: text, encoding: .utf8)
        XCTAssertTrue(piped.hasPrefix("#\(row.conversationID) · \(row.channel) · open · priority \(row.priority)"), piped)
        XCTAssertTrue(piped.contains("times in UTC\n\n2026-"), piped)
        XCTAssertEqual(runtime.state.status, "piped to dd")
        XCTAssertEqual(terminal.waits, ["[heed] piped to dd — Enter goes back to heed"])
        try pipe("dd status=none of=\(json)", json: true)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        XCTAssertEqual((object["summary"] as? [String: Any])?["id"] as? Int, Int(row.conversationID), "\(object.keys)")
        // No shell: what a shell would run is only an argument.
        try pipe("echo $(touch \(marker)) ; touch \(marker)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
        XCTAssertEqual(runtime.state.status, "piped to echo")
        // A command that reads nothing of a long thread, one that fails, one that is not there.
        try pipe("true")
        XCTAssertEqual(runtime.state.status, "piped to true")
        XCTAssertEqual(PipeCommand.run(["head", "-c", "1"], input: Data(repeating: 65, count: 4 << 20)), "piped to head", "heed outlives a closed pipe")
        try pipe("false")
        XCTAssertEqual(runtime.state.status, "false exited with status 1")
        try pipe("no-such-program-here")
        XCTAssertEqual(runtime.state.status, "no program no-such-program-here (it was run without a shell)")
    }
}

extension RuntimeTests {
    /// On the demo, bold red marks only the top band and late ones are not all alike: colour ranks.
    func testColourRanksRatherThanShouts() throws {
        let (runtime, terminal, _) = try session(keys: [.char("j")], width: 120, height: 60)
        try runtime.run(untilIdle: true)
        let screen = try XCTUnwrap(terminal.presented)
        let rows = runtime.state.rows.prefix(runtime.state.listHeight)
        var boldRed = 0, late = 0
        for (offset, row) in rows.enumerated() where offset != runtime.state.selected {
            let y = 2 + offset
            let priorityStyle = screen.cells[y * screen.width + 4].style
            XCTAssertEqual(priorityStyle == .urgencyHigh, row.priority >= 90, "row \(offset): \(row.priority)")
            if priorityStyle == .urgencyHigh { boldRed += 1 }
            if QueueScreen.timing(row, now: runtime.state.now).late {
                late += 1
                XCTAssertEqual(screen.cells[y * screen.width + 7].style, row.priority >= 70 ? .late : .urgencyMedium,
                               "late and important is red; late and lesser, yellow (row \(offset))")
            }
        }
        XCTAssertGreaterThan(late, 0, "the demo has late conversations")
        XCTAssertLessThan(boldRed, rows.count / 4, "bold red is for the few at the top")
    }
}

extension RuntimeTests {
    /// The README shows the screen as it is: the demo (seed 5, 300 conversations, at a fixed
    /// time) at 100x30, drawn by the real loop.
    func testTheReadmesScreenshotIsTheDemoScreen() throws {
        let (runtime, terminal, _) = try session(keys: [.char("j")], width: 100, height: 30)
        try runtime.run(untilIdle: true)
        try step(runtime) { !runtime.state.viewCounts.isEmpty }
        let screen = try XCTUnwrap(terminal.presented).lines.map { line -> String in
            var line = line
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
        let block = "<!-- screen: the demo at 100x30, drawn by the tests -->\n```text\n" + screen + "\n```\n<!-- end of screen -->"
        let readme = try String(contentsOfFile: Paths.packageRoot + "/README.md", encoding: .utf8)
        XCTAssertTrue(readme.contains(block), "the README's screenshot differs from the screen; it should read:\n\n" + block)
    }
}
