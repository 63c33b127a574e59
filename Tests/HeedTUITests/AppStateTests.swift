@testable import HeedCore
import HeedTestSupport
import XCTest
@testable import HeedTUI

final class AppStateTests: XCTestCase {
    func state(rows: Int, height: Int = 24) -> AppState {
        var s = AppState(brand: "Northwind Bank", width: 80, height: height, now: Rows.now)
        _ = s.handle(Rows.loaded(rows))
        return s
    }

    func testTeamsAndOperatorsCompleteWithTabAndATypoKeepsTheLine() {
        var s = state(rows: 3)
        s.teamNames = ["billing", "bills-abroad", "fraud"]
        s.operatorHandles = ["sam", "priya"]
        let row = s.rows[0]
        _ = s.handle(.key(.char("e")))
        for c in "billin double charge, card 4412" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [], "a team the config does not know is not sent")
        XCTAssertEqual(s.prompt?.text, "billin double charge, card 4412", "the note is kept")
        XCTAssertEqual(s.prompt?.error?.message, "no team \"billin\" — billing? (Tab completes)")
        XCTAssertTrue(RootScreen.render(s).line(22).contains("no team \"billin\" — billing?"))

        s.prompt = Prompt(.action(kind: "escalate", conversation: row.conversationID, version: row.version), text: "bil")
        _ = s.handle(.key(.tab))
        XCTAssertEqual(s.prompt?.text, "bill", "the start both share")
        XCTAssertEqual(s.prompt?.error?.message, "billing bills-abroad", "and the choices")
        _ = s.handle(.key(.char("i")))
        _ = s.handle(.key(.tab))
        XCTAssertEqual(s.prompt?.text, "billing ")
        XCTAssertNil(s.prompt?.error)
        for c in "double charge" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [.perform(.escalate(team: "billing", note: "double charge"), conversation: row.conversationID, version: row.version)])

        _ = s.handle(.key(.char("a")))
        for c in "pr" { _ = s.handle(.key(.char(c))) }
        _ = s.handle(.key(.tab))
        XCTAssertEqual(s.prompt?.text, "priya ")
        _ = s.handle(.key(.ctrl("u")))
        for c in "zed" { _ = s.handle(.key(.char(c))) }
        _ = s.handle(.key(.tab))
        XCTAssertEqual(s.prompt?.error?.message, "nothing starts with \"zed\": sam, priya, billing, bills-abroad, fraud")
    }

    func testNewArrivalsAreMarkedUntilSeenAndCounted() {
        var s = state(rows: 4)
        XCTAssertFalse(s.rows.contains(where: s.isNew), "what was there when the screen opened is not new")
        var rows = Rows.make(4)
        for i in [1, 3] { rows[i].lastCustomerAt = Rows.now + 60_000 }   // two customers wrote again
        var extra = Rows.make(6)[5]
        extra.lastCustomerAt = Rows.now + 30_000                          // and a new conversation
        _ = s.handle(.loaded(ListSnapshot(request: s.listRequest, rows: rows + [extra])))
        XCTAssertEqual(s.status, "3 new")
        XCTAssertEqual(s.rows.filter(s.isNew).map(\.conversationID), [2, 4, 6])
        let screen = RootScreen.render(s)
        XCTAssertEqual(screen.line(3).first, "•", screen.line(3))
        XCTAssertEqual(screen[30, 3].style, .unread)
        XCTAssertNotEqual(screen.line(2).first, "•")

        _ = s.handle(.key(.char("j")))
        XCTAssertEqual(s.rows.filter(s.isNew).map(\.conversationID), [4, 6], "the cursor on it is seeing it")
        _ = s.handle(.loaded(ListSnapshot(request: s.listRequest, rows: rows + [extra])))
        XCTAssertNil(s.status, "nothing newer: nothing said")
        XCTAssertEqual(s.rows.filter(s.isNew).map(\.conversationID), [4, 6], "still marked until seen")
        rows[3].lastCustomerAt = Rows.now + 120_000
        _ = s.handle(.key(.char("j")))
        _ = s.handle(.key(.char("j")))
        _ = s.handle(.loaded(ListSnapshot(request: s.listRequest, rows: rows + [extra])))
        XCTAssertEqual(s.rows.filter(s.isNew).map(\.conversationID), [6], "seen at its latest")
    }

    /// Of several incidents under way, the header names the one with the most open conversations.
    func testTheHeaderNamesTheIncidentWithTheMostOpen() {
        var s = AppState(brand: "Northwind Bank", width: 120, height: 30, now: Rows.now)
        var snapshot = ListSnapshot(request: s.listRequest, rows: Rows.make(6), counts: QueueCounts(open: 6, breached: 0, escalated: 0))
        snapshot.incidents = [
            Incident(id: 7, title: "second time", terms: [], state: .active, startedAt: Rows.now - 600_000, lastMemberAt: Rows.now - 30_000,
                     conversations: 40, open: 3),
            Incident(id: 4, title: "app down", terms: [], state: .active, startedAt: Rows.now - 900_000, lastMemberAt: Rows.now - 60_000,
                     conversations: 12, open: 9),
        ]
        _ = s.handle(.loaded(snapshot))
        XCTAssertTrue(RootScreen.render(s).line(0).contains("⚑ app down (9) +1"), RootScreen.render(s).line(0))
    }

    func testIncidentsShowInTheHeaderGroupTheirConversationsAndNameThem() {
        var s = AppState(brand: "Northwind Bank", width: 120, height: 30, now: Rows.now)
        var rows = Rows.make(6)
        for i in [1, 4] { rows[i].incidentID = 4 }
        var snapshot = ListSnapshot(request: s.listRequest, rows: rows, counts: QueueCounts(open: 6, breached: 0, escalated: 0))
        snapshot.incidents = [Incident(id: 4, title: "app down", terms: ["app", "down"], state: .active, startedAt: Rows.now - 600_000,
                                       lastMemberAt: Rows.now - 60_000, conversations: 2, open: 2)]
        _ = s.handle(.loaded(snapshot))
        XCTAssertEqual(s.rows.map(\.conversationID), [1, 2, 5, 3, 4, 6], "the members together, where the most urgent of them is")
        let screen = RootScreen.render(s)
        XCTAssertTrue(screen.line(0).contains("⚑ app down (2) · "), screen.line(0))
        XCTAssertTrue(screen.line(3).contains("⚑ app down is the app down?"), screen.line(3))
        XCTAssertTrue(screen.line(4).contains("⚑ app down evil"), screen.line(4))
        XCTAssertFalse(screen.line(2).contains("⚑"))
        _ = s.handle(.key(.char("j")))
        _ = s.handle(.conversationLoaded(ConversationPage(detail: ConversationDetail(summary: s.rows[1], mentions: [], notes: []), card: nil)))
        XCTAssertTrue(RootScreen.render(s).lines.joined().contains("⚑ incident 4: app down (2 open)"))

        // However narrow, what is wrong, who is on and the incident stay; the brand and the
        // counts (which the tabs repeat) give way first.
        snapshot.service = ServiceView(notSending: true)
        _ = s.handle(.loaded(snapshot))
        _ = s.handle(.key(.char("q")))
        s.roster = [OnShift(operatorHandle: "sam", name: "Sam Brooks", shiftID: 5, since: Rows.now - 3_600_000, until: nil, intro: nil,
                            lastActiveAt: Rows.now, active: true)]
        for (width, title) in [(120, " heed · Northwind Bank · Triage "), (80, " Triage ")] {
            s.width = width
            let header = RootScreen.render(s).line(0)
            XCTAssertTrue(header.hasPrefix(title) && header.contains("⚠ not sending: no heed run · on: sam · ⚑ app down (2)"), header)
        }
    }

    func testPipeGivesTheConversationToACommandAsTextOrJSONWithoutAShell() {
        var s = state(rows: 3)
        let row = s.rows[0]
        _ = s.handle(.key(.char("|")))
        XCTAssertEqual(s.prompt?.label, "pipe #\(row.conversationID) as text (Tab: JSON) to: ")
        XCTAssertEqual(s.handle(.key(.enter)), [], "no command, nothing run")
        XCTAssertEqual(s.prompt?.error?.message, "type a command (less, grep -i refund, jq .mentions)")
        for c in "grep -i 'charged twice'" { _ = s.handle(.key(.char(c))) }
        _ = s.handle(.key(.tab))
        XCTAssertEqual(s.prompt?.label, "pipe #\(row.conversationID) as JSON (Tab: text) to: ")
        XCTAssertEqual(s.handle(.key(.enter)), [.pipe(conversation: row.conversationID, json: true, command: ["grep", "-i", "charged twice"])])
        XCTAssertNil(s.prompt)
        _ = s.handle(.piped("grep exited with status 1"))
        XCTAssertEqual(s.status, "grep exited with status 1")
        // The last command is offered again; an open quote is marked, not run.
        _ = s.handle(.key(.char("|")))
        XCTAssertEqual(s.prompt?.text, "grep -i 'charged twice'")
        _ = s.handle(.key(.backspace))
        XCTAssertEqual(s.handle(.key(.enter)), [])
        XCTAssertEqual(s.prompt?.error, QueryError(position: 8, message: "this quote is not closed"))
    }

    func testMovingStaysInsideTheList() {
        var s = state(rows: 3)
        _ = s.handle(.key(.char("k")))
        XCTAssertEqual(s.selected, 0)
        _ = s.handle(.key(.char("j")))
        _ = s.handle(.key(.down))
        _ = s.handle(.key(.down))
        XCTAssertEqual(s.selected, 2)
        _ = s.handle(.key(.char("g")))
        XCTAssertEqual(s.selected, 0)
        _ = s.handle(.key(.char("G")))
        XCTAssertEqual(s.selected, 2)
    }

    func testPagingKeepsTheSelectionVisible() {
        var s = state(rows: 100)
        _ = s.handle(.key(.pageDown))
        XCTAssertEqual(s.selected, s.listHeight)
        XCTAssertTrue((s.top..<(s.top + s.listHeight)).contains(s.selected))
        _ = s.handle(.key(.char("G")))
        XCTAssertEqual(s.selected, 99)
        XCTAssertEqual(s.top, 100 - s.listHeight)
        _ = s.handle(.key(.ctrl("u")))
        XCTAssertEqual(s.selected, 99 - s.listHeight / 2, "C-u is half a page")
        _ = s.handle(.resized(width: 80, height: 10))
        XCTAssertTrue((s.top..<(s.top + s.listHeight)).contains(s.selected))
    }

    func testALongListLoadsAPageMoreNearItsEnd() {
        var s = state(rows: AppState.pageSize)
        XCTAssertEqual(s.handle(.key(.pageDown)), [], "far from the end")
        XCTAssertEqual(s.handle(.key(.char("G"))), [.reload], "the list filled its limit, so it likely goes on")
        XCTAssertEqual(s.listRequest.limit, 2 * AppState.pageSize)
        let chosen = s.selectedRow!.conversationID
        _ = s.handle(.loaded(ListSnapshot(request: s.listRequest, rows: Rows.make(700))))
        XCTAssertEqual(s.selectedRow?.conversationID, chosen, "the cursor stays where it was")
        XCTAssertEqual(s.handle(.key(.char("G"))), [], "700 of 1,000 asked for: that is the end")
        XCTAssertEqual(s.selected, 699)
        _ = s.handle(.key(.tab))
        XCTAssertEqual(s.listRequest.limit, AppState.pageSize, "another view starts with one page")
    }

    func testActionKeysActOnTheSelectedConversationAtTheVersionShown() {
        var s = state(rows: 5)
        _ = s.handle(.key(.char("j")))
        let row = s.selectedRow!
        XCTAssertEqual(s.handle(.key(.char("c"))), [.perform(.resolve, conversation: row.conversationID, version: row.version)])
        XCTAssertEqual(s.handle(.key(.char("!"))), [.perform(.spam, conversation: row.conversationID, version: row.version)])
        XCTAssertEqual(s.handle(.key(.char("u"))), [.undo])
        XCTAssertEqual(s.handle(.key(.ctrl("r"))), [.redo])
        XCTAssertEqual(s.handle(.key(.char("N"))), [.next])
        XCTAssertEqual(s.handle(.acted("sam took #9 (next)", open: 9)), [.reload, .openConversation(9)], "next opens what it took")

        // Tag: a prompt, then the action.
        XCTAssertEqual(s.handle(.key(.char("t"))), [])
        XCTAssertEqual(s.prompt?.label, "tag #\(row.conversationID) (+add -remove): ")
        for c in "+billing -spam" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [.perform(.tag(add: ["+billing"], remove: ["-spam"]), conversation: row.conversationID, version: row.version)])
        XCTAssertNil(s.prompt)

        // Snooze: a line it cannot read stays, with the fault.
        _ = s.handle(.key(.char("s")))
        for c in "soon" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [])
        XCTAssertTrue(s.prompt?.error?.message.hasPrefix("snooze: a span") == true)
        _ = s.handle(.key(.ctrl("u")))
        for c in "2h" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [.perform(.snooze(until: Rows.now + 7_200_000), conversation: row.conversationID, version: row.version)])
        // A day and a time of day, in the operator's time zone.
        s.timeZone = TimeZone(identifier: "America/New_York")!
        _ = s.handle(.key(.char("s")))
        XCTAssertEqual(s.prompt?.label, "snooze #\(row.conversationID) (2h, 14:00, tomorrow 9am, fri, reply): ")
        for c in "tomorrow 9am" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [.perform(.snooze(until: RFC3339.milliseconds(from: "2026-11-24T14:00:00Z")!),
                                                         conversation: row.conversationID, version: row.version)])
        _ = s.handle(.key(.char("e")))
        for c in "billing double charge" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [.perform(.escalate(team: "billing", note: "double charge"), conversation: row.conversationID, version: row.version)])
        _ = s.handle(.key(.char("a")))
        XCTAssertEqual(s.handle(.key(.escape)), [], "Esc leaves the prompt")

        // Reply: claimed first, then the line, with the length as the row's channel counts it,
        // live; too long stays on the line; Esc lets the claim go.
        let mark = ThreadMark(conversationID: row.conversationID, latestMentionID: 40, latestPostID: 0)
        XCTAssertEqual(s.handle(.key(.char("r"))), [.claimReply(conversation: row.conversationID, channel: "mastodon", takeOver: false)])
        XCTAssertNil(s.prompt, "not before the claim is had")
        _ = s.handle(.replyClaimed(conversation: row.conversationID, since: mark, channel: "mastodon", draft: nil))
        XCTAssertEqual(s.prompt?.label, "reply to #\(row.conversationID) (0/500): ", "a Mastodon conversation")
        for c in "Sorry! see https://example.com/status/of/the/outage" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.prompt?.label, "reply to #\(row.conversationID) (34/500): ", "a link counts 23")
        XCTAssertEqual(s.handle(.key(.enter)), [.reply(since: mark, channel: "mastodon",
                                                       text: "Sorry! see https://example.com/status/of/the/outage", anyway: false)])
        _ = s.handle(.replyClaimed(conversation: row.conversationID, since: mark, channel: "mastodon", draft: nil))
        for _ in 0..<501 { _ = s.handle(.key(.char("a"))) }
        XCTAssertEqual(s.handle(.key(.enter)), [])
        XCTAssertEqual(s.prompt?.error?.message, "too long: 501 of 500 characters as mastodon counts them: 1 too many")
        XCTAssertEqual(s.handle(.key(.escape)), [], "text of its own is not dropped without asking")
        XCTAssertEqual(s.handle(.key(.char("n"))), [.saveDraft(conversation: row.conversationID, text: ""), .releaseReply(conversation: row.conversationID)])

        // Tab fills the line with the canned reply whose name starts with what was typed.
        _ = s.handle(.replyClaimed(conversation: row.conversationID, since: mark, channel: "mastodon", draft: nil))
        for c in "move" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.tab)), [.canned(conversation: row.conversationID, prefix: "move")])
        _ = s.handle(.cannedFilled("Hi Lee, please send us a DM."))
        XCTAssertEqual(s.prompt?.text, "Hi Lee, please send us a DM.")
        // The safety net: a card number is said once, and Enter again sends it on purpose.
        _ = s.handle(.key(.ctrl("u")))
        for c in "your card 4111 1111 1111 1111 is blocked" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [])
        XCTAssertTrue(s.prompt?.error?.message.hasPrefix("seems to hold a card number: Enter sends it anyway") == true)
        XCTAssertEqual(s.handle(.key(.enter)), [.reply(since: mark, channel: "mastodon",
                                                       text: "your card 4111 1111 1111 1111 is blocked", anyway: true)])

        // Stale: the thread grew while writing. The line comes back with the text and what came,
        // marked from now, and Enter sends it as it is.
        let later = ThreadMark(conversationID: row.conversationID, latestMentionID: 41, latestPostID: 0)
        XCTAssertEqual(s.handle(.replyStale("not sent: the thread changed since you began — @lee wrote 1m ago: \"hello?\"", since: later,
                                            channel: "mastodon", text: "On it!")), [.reload])
        XCTAssertEqual(s.prompt?.text, "On it!")
        XCTAssertTrue(s.prompt?.error?.message.hasSuffix("@lee wrote 1m ago: \"hello?\" — Enter sends yours as it is, Esc gives it up") == true)
        XCTAssertEqual(s.handle(.key(.enter)), [.reply(since: later, channel: "mastodon", text: "On it!", anyway: true)])

        // Someone else is replying: said, and r again (at once) takes it over.
        _ = s.handle(.replyHeld("priya is replying to #2 (for 30s): take it over on purpose, or leave it", conversation: row.conversationID))
        XCTAssertEqual(s.status, "priya is replying to #2 (for 30s): take it over on purpose, or leave it — r again takes it over")
        XCTAssertEqual(s.handle(.key(.char("r"))), [.claimReply(conversation: row.conversationID, channel: "mastodon", takeOver: true)])
        _ = s.handle(.replyHeld("priya is replying to #2", conversation: row.conversationID, canTakeOver: false))
        XCTAssertEqual(s.status, "priya is replying to #2 — only a lead may take it over: leave it, or ask them", "what this operator can do")
        XCTAssertEqual(s.handle(.key(.char("r"))), [.claimReply(conversation: row.conversationID, channel: "mastodon", takeOver: false)])
        _ = s.handle(.replyHeld("priya is replying", conversation: row.conversationID))
        _ = s.handle(.key(.char("j")))
        _ = s.handle(.key(.char("k")))
        XCTAssertEqual(s.handle(.key(.char("r"))), [.claimReply(conversation: row.conversationID, channel: "mastodon", takeOver: false)],
                       "only straight after")
        XCTAssertNil(s.prompt)

        // What came of it shows on the status line, and the list is read again.
        XCTAssertEqual(s.handle(.acted("sam resolved #2")), [.reload])
        XCTAssertEqual(s.status, "sam resolved #2")
        XCTAssertEqual(s.handle(.actionFailed("#2 changed since you looked: priya resolved it 20s ago")), [.reload])
        XCTAssertEqual(s.status, "#2 changed since you looked: priya resolved it 20s ago")
    }

    func testInAConversationActionsActOnIt() {
        var s = state(rows: 5)
        _ = s.handle(.key(.char("G")))
        _ = s.handle(.conversationLoaded(Rows.page()))
        let open = s.conversation!.detail.summary
        XCTAssertNotEqual(open.conversationID, s.selectedRow?.conversationID)
        XCTAssertEqual(s.handle(.key(.char("c"))), [.perform(.resolve, conversation: open.conversationID, version: open.version)])
    }

    func testNewDataKeepsTheCursorOnTheSameConversation() {
        var s = state(rows: 5)
        _ = s.handle(.key(.char("j")))
        _ = s.handle(.key(.char("j")))
        let chosen = s.selectedRow!.conversationID
        var rows = Rows.make(5)
        rows.insert(QueueRow(conversationID: 99, channel: "x", status: .open, priority: 0, dueAt: nil, assignee: nil, mentionCount: 1,
                             text: "new", authorHandle: "n", authorName: nil, followers: 0, verified: false,
                             lastCustomerAt: Rows.now, lastAt: Rows.now, tags: []), at: 0)
        _ = s.handle(.loaded(ListSnapshot(request: s.listRequest, rows: rows)))
        XCTAssertEqual(s.selectedRow?.conversationID, chosen)
        XCTAssertEqual(s.selected, 3)
    }

    func testQuitAndReloadAreEffects() {
        var s = state(rows: 1)
        XCTAssertEqual(s.handle(.key(.char("q"))), [.quit])
        XCTAssertEqual(s.handle(.key(.ctrl("l"))), [.reload])
    }

    func testPickSeveralThenApplyOneActionToAll() {
        var s = state(rows: 6)
        XCTAssertEqual(s.handle(.key(.char(";"))), [])
        XCTAssertEqual(s.status, "nothing selected: x or Space picks conversations, then ; and an action")
        let rows = s.rows
        _ = s.handle(.key(.char("x")))
        _ = s.handle(.key(.char(" ")))
        _ = s.handle(.key(.char("j")))
        _ = s.handle(.key(.char("x")))
        _ = s.handle(.key(.char("k")))
        _ = s.handle(.key(.char("x")))
        XCTAssertEqual(s.selection, [rows[0].conversationID: rows[0].version, rows[1].conversationID: rows[1].version],
                       "x and Space pick and move on; x again on a picked one lets it go")
        XCTAssertTrue(RootScreen.render(s).line(2).hasPrefix("+"), "picked rows are marked")
        XCTAssertTrue(RootScreen.render(s).line(23).contains("2 selected"))
        _ = s.handle(.key(.char(";")))
        _ = s.handle(.key(.char("j")))
        XCTAssertEqual(s.handle(.key(.char("c"))).count, 1)
        XCTAssertFalse(s.handle(.key(.char("c"))).contains(.performAll(.resolve, conversations: s.selection)), "; lasts one key")
        _ = s.handle(.key(.char(";")))
        XCTAssertEqual(s.handle(.key(.char("c"))), [.performAll(.resolve, conversations: s.selection)])
        _ = s.handle(.key(.char(";")))
        _ = s.handle(.key(.char("t")))
        XCTAssertEqual(s.prompt?.label, "tag 2 selected: ")
        for c in "+billing" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [.performAll(.tag(add: ["+billing"], remove: []), conversations: s.selection)])
        XCTAssertEqual(s.handle(.actedOnAll("sam resolved 2 of 2 conversations")), [.reload])
        XCTAssertEqual(s.selection, [:], "done with")
        _ = s.handle(.key(.char("x")))
        XCTAssertEqual(s.handle(.key(.escape)), [])
        XCTAssertEqual(s.selection, [:], "Esc lets the picks go")
    }

    func testAMacroKeyRunsItOnTheConversationOrTheSelection() {
        var s = state(rows: 4)
        s.macros = [MacroKey(name: "refunded", key: .char("R"), steps: ["tag +refund", "resolve"])]
        let rows = s.rows
        XCTAssertEqual(s.handle(.key(.char("R"))), [.runMacro("refunded", conversations: [rows[0].conversationID: rows[0].version])])
        _ = s.handle(.key(.char("x")))
        _ = s.handle(.key(.char("x")))
        _ = s.handle(.key(.char(";")))
        XCTAssertTrue(s.picksMenu.contains("R refunded"), s.picksMenu)
        XCTAssertEqual(s.handle(.key(.char("R"))), [.runMacro("refunded", conversations: s.selection)])
        XCTAssertEqual(s.selection.count, 2)
        _ = s.handle(.key(.char("?")))
        let help = RootScreen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(help.contains("R            macro refunded: tag +ref"), help)
    }

    func testStarPicksEverythingTheViewOrSearchFinds() {
        var s = state(rows: 3)
        let request = s.listRequest
        XCTAssertEqual(s.handle(.key(.char("*"))), [.pickAll(request)])
        _ = s.handle(.key(.char("x")))
        XCTAssertEqual(s.handle(.picked([1: 1, 2: 1, 900: 4])), [])
        XCTAssertEqual(s.selection.count, 3, "merged with the picks made")
        XCTAssertEqual(s.status, "3 selected (all 3 found): ; then an action applies it to them all")
    }

    // MARK: The key table

    func testEveryKeyGoesThroughTheOneTable() {
        var s = state(rows: 5)
        _ = s.handle(.key(.char("?")))
        XCTAssertTrue(s.showingHelp)
        _ = s.handle(.key(.char("j")))
        XCTAssertFalse(s.showingHelp, "any key closes the help")
        XCTAssertEqual(s.selected, 0, "and does nothing else")
        _ = s.handle(.key(.char("?")))
        XCTAssertEqual(s.handle(.key(.char("q"))), [], "q closes the help; it does not quit in the middle of a shift")
        XCTAssertFalse(s.showingHelp)
        XCTAssertEqual(s.handle(.key(.char(":"))), [])
        XCTAssertEqual(s.status, "no key : here (? lists the keys)", "a key that does nothing says so")
        let actions = Set(KeyMap.defaults.map(\.action))
        XCTAssertEqual(actions, Set(Action.allCases), "every action has its place in the table")
        for context in KeyContext.allCases {
            let own = KeyMap.defaults.filter { $0.context == context }.flatMap(\.keys)
            let seen = own + (context.fallsBack ? KeyMap.defaults.filter { $0.context == .global }.flatMap(\.keys) : [])
            XCTAssertEqual(seen.count, Set(seen).count, "no key does two things in \(context.rawValue)")
        }
        XCTAssertTrue(Action.allCases.allSatisfy { !$0.rawValue.contains("_") }, "one spelling: kebab-case, as the events")
    }

    func testPickedThenAMenuThatKeepsThePicksOnAnUnknownKey() {
        var s = state(rows: 3)
        _ = s.handle(.key(.char(";")))
        XCTAssertEqual(s.status, "nothing selected: x or Space picks conversations, then ; and an action")
        _ = s.handle(.key(.char("x")))
        _ = s.handle(.key(.char(";")))
        XCTAssertTrue(s.applying)
        XCTAssertEqual(s.picksMenu, "1 selected: r reply  t tag  n note  a assign  e escalate  s snooze  c resolve  ! spam  (Esc: nothing)")
        XCTAssertTrue(RootScreen.render(s).lines.last?.contains("1 selected: r reply  t tag") == true, "on the status line")
        XCTAssertEqual(s.handle(.key(.char("S"))), [])
        XCTAssertEqual(s.status, "shifts is for one conversation at a time")
        XCTAssertEqual(s.selection.count, 1, "the picks stay")
        _ = s.handle(.key(.char(";")))
        _ = s.handle(.key(.char("~")))
        XCTAssertEqual(s.status, "~ does nothing to picks; they stay picked")
        _ = s.handle(.key(.char(";")))
        _ = s.handle(.key(.escape))
        XCTAssertFalse(s.applying)
        XCTAssertEqual(s.selection.count, 1, "Esc in the menu keeps them; Esc on the list lets them go")
        _ = s.handle(.key(.escape))
        XCTAssertTrue(s.selection.isEmpty)
    }

    func testTheConfigRebindsAKeyAndTakesItFromAnyOtherAction() {
        let map = KeyMap(overrides: ["snooze": "z", "next": "n", "quit": "C-q", "bogus": "b", "reply": "BackTab"])
        XCTAssertEqual(map.action(for: .char("z"), in: .queue), .snooze)
        XCTAssertNil(map.action(for: .char("s"), in: .queue), "the old key is free")
        XCTAssertEqual(map.action(for: .char("s"), in: .shiftPanel), .startShift, "other contexts keep their own")
        XCTAssertEqual(map.action(for: .char("n"), in: .conversation), .next)
        XCTAssertEqual(map.keys(for: .note, in: .queue), [], "note lost its n")
        XCTAssertFalse(map.helpLines(.queue).contains { $0.help == "internal note" }, "an action without a key is not in the help")
        XCTAssertEqual(map.action(for: .ctrl("q"), in: .queue), .quit)
        XCTAssertEqual(map.action(for: .backTab, in: .queue), .reply)
        XCTAssertEqual(map.action(for: .down, in: .queue), .down, "arrows stay")
        var s = state(rows: 1)
        s.keyMap = map
        XCTAssertTrue(StatusLine.hints(s).hasSuffix("C-q quit"), StatusLine.hints(s))
        let specs: [(String, Key?)] = [("r", .char("r")), ("C-d", .ctrl("d")), ("M-b", .alt("b")), ("F5", .function(5)), ("Enter", .enter),
                                       ("Space", .char(" ")), ("PgDn", .pageDown), ("Esc", .escape), ("Insert", nil), ("C-", nil), ("ab", nil)]
        for (spec, key) in specs {
            XCTAssertEqual(KeySpec.parse(spec), key, spec)
            if let key { XCTAssertEqual(KeySpec.parse(KeySpec.spec(key)), key, "\(spec) written back") }
        }
    }

    func testConflictingKeysAreNamedBothWays() {
        XCTAssertEqual(KeyMap.conflicts(overrides: ["snooze": "z", "tag": "z"], macros: [], views: []), ["z is given to both snooze and tag"])
        XCTAssertEqual(KeyMap.conflicts(overrides: [:], macros: [("refunded", .char("r"))], views: [("Billing", .char("8"))]),
                       ["r is both macro refunded's key and the action reply's", "8 is both view Billing's key and the action view's"])
        XCTAssertEqual(KeyMap.conflicts(overrides: ["reply": "R"], macros: [("refunded", .char("r"))], views: []), [],
                       "a rebound action frees its old key")
    }

    func testTheReadmesKeyTableIsTheTable() throws {
        let readme = try String(contentsOfFile: Paths.packageRoot + "/README.md", encoding: .utf8)
        let generated = KeyMap().markdown()
        XCTAssertTrue(readme.contains("<!-- keys: generated from the key table -->\n\n" + generated + "<!-- end of keys -->"),
                      "the README's key table differs from the code's; it should read:\n\n" + generated)
    }

    func testHelpIsDrawnFromTheTable() {
        var s = state(rows: 5)
        s.keyMap = KeyMap(overrides: ["snooze": "z"])
        _ = s.handle(.key(.char("?")))
        let text = RootScreen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Keys on the list — any key closes"), text)
        XCTAssertTrue(text.contains("j ↓          next conversation"), text)
        XCTAssertTrue(text.contains("z            snooze"), text)
        XCTAssertTrue(text.contains("N            claim the most urgent"), text)
        XCTAssertFalse(text.contains("a wider"), "80x24 shows every key in two columns")
        // The legend: every channel letter and every mark on the screen, with what it means.
        for item in ["X\u{00A0}x", "TR\u{00A0}trustpilot", "D\u{00A0}forum", "▲\u{00A0}priority\u{00A0}rose", "✎\u{00A0}someone\u{00A0}replying",
                     "◉\u{00A0}someone\u{00A0}viewing", "→\u{00A0}assigned\u{00A0}to", "+\u{00A0}picked", "•\u{00A0}new", "▪\u{00A0}note", "⚑\u{00A0}incident"] {
            XCTAssertTrue(text.contains(item), item)
        }
        // At 120 columns no description is cut; a macro's steps wider than their column go on under them.
        s.macros = [MacroKey(name: "refunded", key: .char("R"),
                             steps: ["tag +refund", "note refund confirmed by the billing team, reference in the ticket", "resolve"])]
        _ = s.handle(.resized(width: 120, height: 30))
        let wideLines = RootScreen.render(s).lines
        let wide = wideLines.joined(separator: "\n")
        for line in s.keyMap.helpLines(.queue) { XCTAssertTrue(wide.contains(line.help), line.help + "\n" + wide) }
        let macro = wideLines.firstIndex { $0.contains("R            macro refunded: tag +refund") }!
        let column = wideLines[macro].range(of: "R            macro")!.lowerBound
        let continued = wideLines[macro...].prefix(3).map { String($0[column...]).trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(continued.contains("macro refunded: tag +refund, note refund confirmed by the billing team, reference in the ticket, resolve"),
                      wide)
        _ = s.handle(.resized(width: 40, height: 12))
        XCTAssertTrue(RootScreen.render(s).lines.joined(separator: "\n").contains("… a wider or taller terminal shows all"))
    }

    // MARK: Views

    func testViewsSwitchByTabNumberAndTheirOwnKey() {
        var s = state(rows: 5)
        s.views = QueueView.all(saved: [SavedView(name: "Billing", query: "tag:billing", key: "b")])
        XCTAssertEqual(s.handle(.key(.tab)), [.reload])
        XCTAssertEqual(s.view.name, "Mine")
        XCTAssertTrue(s.rows.isEmpty, "nothing stale is shown while the view loads")
        XCTAssertEqual(s.listRequest, ListRequest(query: "is:mine", source: .triage))
        _ = s.handle(.key(.backTab))
        _ = s.handle(.key(.backTab))
        XCTAssertEqual(s.view.name, "Billing", "Shift-Tab wraps round to the last view")
        _ = s.handle(.key(.char("6")))
        XCTAssertEqual(s.listRequest, ListRequest(query: "is:resolved", source: .recent))
        _ = s.handle(.key(.char("b")))
        XCTAssertEqual(s.listRequest, ListRequest(query: "tag:billing", source: .triage))
        // A load that finishes after the operator moved on is dropped.
        _ = s.handle(Rows.loaded(5))
        XCTAssertTrue(s.rows.isEmpty)
        _ = s.handle(Rows.loaded(5, request: s.listRequest))
        XCTAssertEqual(s.rows.count, 5)
        _ = s.handle(.key(.char("8")))
        XCTAssertEqual(s.view.source, .outbox)
        XCTAssertNil(s.selectedRow)
    }

    func testAViewThatCannotBeCountedSaysWhy() {
        var s = state(rows: 3)
        _ = s.handle(.key(.char("2")))
        _ = s.handle(.searchFailed(QueryError(position: 0, message: "is:mine: heed does not know who you are (set HEED_OPERATOR)")))
        XCTAssertEqual(s.status, "Mine: is:mine: heed does not know who you are (set HEED_OPERATOR)")
        XCTAssertNil(s.prompt)
    }

    // MARK: Search

    func testASearchSaysHowManyItFoundOrWhatItMightHaveMeant() {
        var s = state(rows: 5)
        _ = s.handle(.key(.char("/")))
        for c in "tga:billing" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [])
        let screen = RootScreen.render(s)
        XCTAssertEqual(screen.line(22).trimmingCharacters(in: .whitespaces), "^", "the caret under the fault")
        XCTAssertTrue(screen.line(21).hasPrefix(" unknown field tga: — tag:? (fields: from:"), "and the reason above it, not lost: \(screen.line(21))")

        _ = s.handle(.key(.ctrl("u")))
        for c in "refnud" { _ = s.handle(.key(.char(c))) }
        _ = s.handle(.key(.enter))
        var found = ListSnapshot(request: s.listRequest, rows: [])
        found.found = 0
        found.suggestion = "refund"
        _ = s.handle(.loaded(found))
        XCTAssertEqual(s.status, "nothing found — did you mean \"refund\"? (/ to search again)")
        _ = s.handle(.key(.char("j")))
        _ = s.handle(.loaded(found))
        XCTAssertNil(s.status, "said once, not on every reload")
        XCTAssertTrue(RootScreen.render(s).line(0).contains("search: refnud (0)"))

        // A search that fills its page is drawn first and counted beside the keys.
        s.search = "refund"
        let many = ListSnapshot(request: s.listRequest, rows: Rows.make(5))
        _ = s.handle(.loaded(many))
        XCTAssertNil(s.found)
        XCTAssertTrue(RootScreen.render(s).line(0).contains("search: refund "), "no count yet")
        _ = s.handle(.searchCounted(query: "refnud", found: 9))
        XCTAssertNil(s.found, "the count of a search no longer shown is dropped")
        _ = s.handle(.searchCounted(query: "refund", found: 1_234))
        XCTAssertEqual(s.status, "1234 found")
        XCTAssertTrue(RootScreen.render(s).line(0).contains("search: refund (1234)"))
        _ = s.handle(.key(.char("j")))
        _ = s.handle(.loaded(many))
        XCTAssertEqual(s.found, 1_234, "kept through a reload until counted again")
        _ = s.handle(.searchCounted(query: "refund", found: 1_235))
        XCTAssertEqual(s.found, 1_235)
        XCTAssertNil(s.status, "said once")
    }

    func testSearchMarksAMalformedQueryAndRunsAGoodOne() {
        var s = state(rows: 5)
        XCTAssertEqual(s.handle(.key(.char("/"))), [])
        for c in "tag:billing priority:>x" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [], "a malformed query is not run")
        XCTAssertEqual(s.prompt?.error?.position, 21, "at the comparison")
        let screen = RootScreen.render(s)
        XCTAssertEqual(screen.line(23), "/tag:billing priority:>x".padding(toLength: 80, withPad: " ", startingAt: 0))
        XCTAssertEqual(screen[22, 22].text, "^", "the caret stands under the place")
        XCTAssertTrue(screen.line(22).contains("priority"), screen.line(22))
        _ = s.handle(.key(.ctrl("w")))
        XCTAssertEqual(s.prompt?.text, "tag:billing ")
        XCTAssertNil(s.prompt?.error, "editing clears the mark")
        for c in "OR is:breached" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [.reload])
        XCTAssertNil(s.prompt)
        XCTAssertEqual(s.listRequest, ListRequest(query: "tag:billing OR is:breached", source: .triage, isSearch: true))
        XCTAssertTrue(RootScreen.render(s).line(0).contains("search: tag:billing OR is:breached"))
        // The cache can still refuse it; the line comes back with the place marked.
        _ = s.handle(.searchFailed(QueryError(position: 3, message: "no")))
        XCTAssertEqual(s.prompt?.text, "tag:billing OR is:breached")
        XCTAssertEqual(s.prompt?.error?.position, 3)
        _ = s.handle(.key(.escape))
        XCTAssertNil(s.prompt)
        _ = s.handle(.key(.char("/")))
        for c in "dana" { _ = s.handle(.key(.char(c))) }
        _ = s.handle(.key(.enter))
        XCTAssertEqual(s.handle(.key(.escape)), [.reload], "Esc ends the search")
        XCTAssertNil(s.search)
        XCTAssertEqual(s.listRequest, ListRequest(query: "", source: .triage))
    }

    // MARK: The conversation

    func testOpenScrollAndGoBack() {
        var s = state(rows: 5)
        _ = s.handle(.key(.down))
        XCTAssertEqual(s.handle(.key(.enter)), [.openConversation(2)])
        _ = s.handle(.conversationLoaded(Rows.page()))
        XCTAssertEqual(s.conversation?.scrollFromEnd, 0, "it opens on the latest message")
        _ = s.handle(.resized(width: 80, height: 14))
        _ = s.handle(.key(.char("k")))
        XCTAssertEqual(s.conversation?.scrollFromEnd, 1)
        _ = s.handle(.key(.char("g")))
        let top = s.conversation?.scrollFromEnd ?? 0
        XCTAssertGreaterThan(top, 1)
        _ = s.handle(.key(.char("k")))
        XCTAssertEqual(s.conversation?.scrollFromEnd, top, "it stops at the first line")
        // New data keeps the place in the thread.
        _ = s.handle(.conversationLoaded(Rows.page()))
        XCTAssertEqual(s.conversation?.scrollFromEnd, top)
        XCTAssertEqual(s.handle(.key(.char("q"))), [], "q leaves the conversation")
        XCTAssertNil(s.conversation)
        XCTAssertEqual(s.selected, 1, "back on the same row")
        XCTAssertEqual(s.handle(.key(.char("q"))), [.quit])
    }

    func testTabInAConversationSwitchesTheView() {
        var s = state(rows: 5)
        _ = s.handle(.conversationLoaded(Rows.page()))
        XCTAssertEqual(s.handle(.key(.tab)), [.reload])
        XCTAssertNil(s.conversation)
        XCTAssertEqual(s.view.name, "Mine")
    }

    func testTooSmallThenBigAgain() {
        var s = state(rows: 30)
        _ = s.handle(.key(.char("G")))
        _ = s.handle(.resized(width: 39, height: 11))
        XCTAssertTrue(RootScreen.render(s).line(0).hasPrefix("Terminal too small: 39x11."))
        _ = s.handle(.resized(width: 40, height: 12))
        let grid = RootScreen.render(s)
        XCTAssertTrue(grid.line(0).hasPrefix(" Triage  "), "at 40 columns the view's name comes first: \(grid.line(0))")
        XCTAssertEqual(s.selected, 29)
        XCTAssertTrue((s.top..<(s.top + s.listHeight)).contains(s.selected), "the selected row is visible after the resize")
    }
}
