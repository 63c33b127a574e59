import HeedCore
import XCTest
@testable import HeedTUI

/// Shifts on the screen, as state and keys: the offer, the handovers, the Shift panel, the header.
final class ShiftScreenTests: XCTestCase {
    func state() -> AppState {
        var s = AppState(brand: "Northwind Bank", width: 100, height: 24, now: Rows.now)
        s.me = "sam"
        _ = s.handle(Rows.loaded(5))
        return s
    }

    func testTheOfferDraftsTheIntroOrIsDeclined() {
        var s = state()
        let offer = ShiftOffer(intro: "Morning! Sam here until 14:00 ^SB", until: Rows.now + 3_600_000)
        _ = s.handle(.shiftOffered(offer))
        XCTAssertTrue(RootScreen.render(s).lines.contains { $0.contains("Start your shift?") })
        XCTAssertEqual(s.handle(.key(.char("j"))), [], "the offer waits for an answer")
        XCTAssertEqual(s.selected, 0)
        _ = s.handle(.key(.enter))
        XCTAssertEqual(s.prompt?.purpose, .intro(until: offer.until))
        XCTAssertEqual(s.prompt?.text, offer.intro, "the intro, to edit")
        for c in " Ask away!" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [.startShift(intro: "Morning! Sam here until 14:00 ^SB Ask away!", until: offer.until)])
        // Refused (too long for a channel): said on the intro, which stays to be shortened.
        _ = s.handle(.promptFault("too long for x: 300 of 280 characters as x counts them: 20 too many"))
        XCTAssertEqual(s.prompt?.text, "Morning! Sam here until 14:00 ^SB Ask away!")
        XCTAssertTrue(RootScreen.render(s).line(23).contains("too long for x: 300 of 280"))
        let notice = HandoverNotice(shiftID: 4, lines: ["handover from priya: 22:00–06:00, ended 1m ago", "  note: all quiet"])
        XCTAssertEqual(s.handle(.shiftStarted("sam is on shift until 14:00 (shift 5)", handovers: [notice])), [.reload])
        XCTAssertNil(s.prompt)
        XCTAssertEqual(s.onShift, true)
        let screen = RootScreen.render(s).lines
        XCTAssertTrue(screen.contains { $0.contains("Handovers to read — Enter acknowledges it (logged)") }, screen.joined(separator: "\n"))
        XCTAssertTrue(screen.contains { $0.contains("  note: all quiet") })
        XCTAssertEqual(s.handle(.key(.enter)), [.acknowledge([4])])
        XCTAssertEqual(s.handovers, [])

        var declined = state()
        _ = declined.handle(.shiftOffered(offer))
        XCTAssertEqual(declined.handle(.key(.escape)), [])
        XCTAssertEqual(declined.onShift, false)
        XCTAssertEqual(declined.status, "working without a shift: you show as not on shift (S starts one)")
        XCTAssertTrue(RootScreen.render(declined).line(0).contains("you: not on shift"))
    }

    func testThePanelShowsWhoIsOnAndEndsTheShiftWithANote() {
        var s = state()
        s.onShift = true
        s.roster = [OnShift(operatorHandle: "sam", name: "Sam Brooks", shiftID: 5, since: Rows.now - 3_600_000, until: nil, intro: "Morning!",
                            lastActiveAt: Rows.now, active: true),
                    OnShift(operatorHandle: "priya", name: "Priya Nair", shiftID: 6, since: Rows.now - 7_200_000, until: nil, intro: nil,
                            lastActiveAt: Rows.now - 900_000, active: false)]
        XCTAssertTrue(RootScreen.render(s).line(0).contains("on: sam priya·away · "), RootScreen.render(s).line(0))
        _ = s.handle(.key(.char("S")))
        let panel = RootScreen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(panel.contains("  sam (Sam Brooks) · active · since 11:00"), panel)
        XCTAssertTrue(panel.contains("  priya (Priya Nair) · away 15m · since 10:00"), panel)
        XCTAssertEqual(s.handle(.key(.char("p"))), [.postRoster])
        _ = s.handle(.key(.char("e")))
        XCTAssertEqual(s.prompt?.purpose, .handoverNote)
        for c in "#12 waits on billing" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [.endShift(note: "#12 waits on billing", passTo: nil)])
        s.prompt = Prompt(.handoverNote)
        for c in "@priya #12 waits on billing" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [.endShift(note: "#12 waits on billing", passTo: "priya")], "@handle passes them on")
        XCTAssertEqual(s.handle(.shiftEnded("sam's shift 5 ended")), [.reload])
        XCTAssertFalse(s.showingShifts)
        XCTAssertEqual(s.onShift, false)
        _ = s.handle(.key(.char("S")))
        XCTAssertEqual(s.handle(.key(.char("s"))), [.offerShift], "not on shift: s offers one")
    }

    func testHandoversWrapScrollAndSayTheirKeys() {
        var s = state()
        s.width = 72
        let note = "  note: " + String(repeating: "word ", count: 30) + "URGENT: #123 is the one to watch"
        let notice = HandoverNotice(shiftID: 4, lines: ["handover from priya: 22:00–06:00, ended 1m ago", note]
                                        + (1...30).map { "  #\($0) ▲50 due 5m thing \($0)" })
        _ = s.handle(.shiftStarted("sam is on shift", handovers: [notice]))
        var screen = RootScreen.render(s)
        XCTAssertEqual(screen.line(3).trimmingCharacters(in: .whitespaces), "handover from priya: 22:00–06:00, ended 1m ago")
        XCTAssertTrue(screen.line(4).hasPrefix("   note: word word"), screen.line(4))
        let text = screen.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("        word") && text.contains("URGENT: #123 is the one to") && screen.line(7).trimmingCharacters(in: .whitespaces) == "watch", "wrapped under the note, whole: \(text)")
        _ = s.handle(.key(.char("j")))
        screen = RootScreen.render(s)
        XCTAssertEqual(screen.line(3).trimmingCharacters(in: .whitespaces).hasPrefix("note: word"), true)
        XCTAssertEqual(screen.line(23).trimmingCharacters(in: .whitespaces), "j/k scroll (2–21 of 36)  PgDn page  Enter acknowledge  Esc later")
        _ = s.handle(.key(.char("G")))
        screen = RootScreen.render(s)
        XCTAssertTrue(screen.lines.contains { $0.contains("#30 ▲50 due 5m thing 30") }, "the end in sight")
        let bottom = s.handoversTop
        _ = s.handle(.key(.char("j")))
        XCTAssertEqual(s.handoversTop, bottom, "no scrolling past the end")
        _ = s.handle(.key(.char("k")))
        XCTAssertEqual(s.handoversTop, bottom - 1, "one k after the end moves one line")
        _ = s.handle(.key(.char("g")))
        XCTAssertEqual(s.handoversTop, 0)
        XCTAssertEqual(s.handle(.key(.char("y"))), [.acknowledge([4])])
    }

    func testTheOfferKeepsTheListInSightAndExplainsTheSignature() {
        var s = state()
        _ = s.handle(.shiftOffered(ShiftOffer(intro: "Morning! Sam here until 14:00 ^SB", until: Rows.now + 3_600_000, signature: "^SB")))
        let screen = RootScreen.render(s)
        let text = screen.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("(^SB is your signature, from the config)"), text)
        XCTAssertTrue(screen.lines[8...].contains { $0.contains("#") }, "rows of the list below the offer: \(text)")
        // Below it, not under it: the most urgent row, the one selected and previewed, is in sight.
        let rule = screen.lines.firstIndex { $0.hasPrefix("────") }!
        XCTAssertGreaterThan(rule, 2, text)
        XCTAssertTrue(screen.line(rule + 1).contains(s.rows[0].authorHandle), "the first row right below the offer: \(text)")
        XCTAssertEqual(s.selected, 0)
        XCTAssertEqual(screen.line(23).trimmingCharacters(in: .whitespaces), "Enter start the shift  Esc work without a shift")
        // At 60 columns it wraps rather than cutting what the offer says.
        _ = s.handle(.resized(width: 60, height: 24))
        let narrow = RootScreen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(narrow.contains("the undo window:"), narrow)
        XCTAssertTrue(narrow.contains("Esc:"), narrow)
    }
}
