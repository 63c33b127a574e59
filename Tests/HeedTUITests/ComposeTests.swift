import HeedCore
import XCTest
@testable import HeedTUI

/// The reply composer: several lines, word movement and deletion, paste, and its panel.
final class ComposeTests: XCTestCase {
    let mark = ThreadMark(conversationID: 2, latestMentionID: 9, latestPostID: 0)

    func composing(_ text: String = "", height: Int = 24) -> AppState {
        var s = AppState(brand: "Northwind Bank", width: 80, height: height, now: Rows.now)
        _ = s.handle(Rows.loaded(5))
        _ = s.handle(.replyClaimed(conversation: 2, since: mark, channel: "x", draft: nil))
        for c in text { _ = s.handle(.key(.char(c))) }
        return s
    }

    func type(_ keys: [Key], into s: inout AppState) {
        for key in keys { _ = s.handle(.key(key)) }
    }

    func testLinesWordsAndDeletion() {
        var s = composing("Hi Ana,")
        type([.char("\n"), .char("\n")] + "the refund is on its way".map { .char($0) }, into: &s)
        XCTAssertEqual(s.prompt?.text, "Hi Ana,\n\nthe refund is on its way")
        type([.alt("b"), .alt("b")], into: &s)
        XCTAssertEqual(s.prompt?.cursor, "Hi Ana,\n\nthe refund is on ".count, "M-b goes back a word at a time")
        type([.alt("d")], into: &s)
        XCTAssertEqual(s.prompt?.text, "Hi Ana,\n\nthe refund is on  way")
        type([.ctrl("k")], into: &s)
        XCTAssertEqual(s.prompt?.text, "Hi Ana,\n\nthe refund is on ", "C-k to the end of the line")
        type([.alt("\u{7f}")], into: &s)
        XCTAssertEqual(s.prompt?.text, "Hi Ana,\n\nthe refund is ")
        type([.up, .up], into: &s)
        XCTAssertEqual(s.prompt?.cursor, 0, "up keeps the column, or goes to the end of a shorter line (the empty one)")
        type([.home, .alt("f")], into: &s)
        XCTAssertEqual(s.prompt?.cursor, 2)
        type([.ctrl("d"), .delete], into: &s)
        XCTAssertEqual(s.prompt?.text, "Hina,\n\nthe refund is ", "C-d and Delete delete forward")
        type([.down, .down, .end, .ctrl("u")], into: &s)
        XCTAssertEqual(s.prompt?.text, "Hina,\n\n", "C-u to the start of the line only")
        // Line breaks are only for replies: a search keeps one line.
        var search = AppState(brand: "b", width: 80, height: 24, now: Rows.now)
        type([.char("/"), .char("a"), .char("\n"), .char("b")], into: &search)
        XCTAssertEqual(search.prompt?.text, "a b")
    }

    func testTheEnterKeySendsAndAPastedLongTextStaysWhole() {
        var s = composing()
        let pasted = (1...40).map { "line \($0) of a long pasted answer with an https://example.com/very/long/link/\($0)" }.joined(separator: "\n")
        type(pasted.map { .char($0) }, into: &s)
        XCTAssertEqual(s.prompt?.text, pasted)
        XCTAssertEqual(s.handle(.key(.enter)), [], "far over 280 as X counts it: not sent")
        XCTAssertTrue(s.prompt?.error?.message.hasPrefix("too long: ") == true)
        type([.alt("\u{7f}")], into: &s)
        s.prompt?.text = "Thanks!\nWe are on it."
        XCTAssertEqual(s.handle(.key(.enter)), [.reply(since: mark, channel: "x", text: "Thanks!\nWe are on it.", anyway: false)])
    }

    func testThePanelGrowsWithTheTextAndFollowsTheCursor() {
        var s = composing("Hi Ana, sorry about the double charge. " + String(repeating: "We have asked the bank to reverse it. ", count: 3))
        var screen = RootScreen.render(s)
        XCTAssertEqual(screen.line(19), " reply to #2 (153/280)".padding(toLength: 80, withPad: " ", startingAt: 0))
        XCTAssertEqual(screen.line(20), " Hi Ana, sorry about the double charge. We have asked the bank to reverse it.   ",
                       "words wrap at the width")
        XCTAssertEqual(screen.line(21), " We have asked the bank to reverse it. We have asked the bank to reverse it.    ")
        XCTAssertEqual(screen.line(23), " " + ComposePanel.keys.padding(toLength: 79, withPad: " ", startingAt: 0))
        type((1...12).map { _ in .char("\n") } + "— Sam".map { .char($0) }, into: &s)
        screen = RootScreen.render(s)
        XCTAssertTrue(screen.line(12).hasPrefix(" reply to #2 (") && screen.line(12).contains("line 14 of 14"), screen.line(12))
        XCTAssertEqual(screen.line(22).trimmingCharacters(in: .whitespaces), "— Sam", "the cursor's line is shown")
        XCTAssertEqual(screen[6, 22].style, .selectedRow, "the cursor after the last character")
        // The first word typed offers the canned replies it begins.
        var offered = composing("mo")
        offered.cannedNames = ["move-to-dm", "outage", "more-info"]
        XCTAssertEqual(RootScreen.render(offered).line(23).trimmingCharacters(in: .whitespaces), "Tab fills canned reply: move-to-dm · more-info")
        // A stale reply says what came on the panel's last line.
        _ = s.handle(.replyStale("not sent: the thread changed since you began — @ana wrote 1m ago: \"?\"", since: mark, channel: "x", text: "ok"))
        XCTAssertTrue(RootScreen.render(s).line(23).hasPrefix(" not sent: the thread changed since you began — @ana wrote 1m ago"))
    }

    func testWrapCutsAtSpacesAndInsideLongWords() {
        let text = Array("aaaa bbbb cccccccccccc\nd")
        let rows = ComposePanel.wrap(text, width: 6).map { String(text[$0]) }
        XCTAssertEqual(rows, ["aaaa ", "bbbb ", "cccccc", "cccccc", "d"])
        XCTAssertEqual(ComposePanel.wrap(Array("表現表現"), width: 5).map { $0.count }, [2, 2], "CJK takes two columns")
        XCTAssertEqual(ComposePanel.wrap([], width: 5), [0..<0])
    }

    func testAReplyToSeveralIsWrittenOncePreviewedThenQueued() {
        var s = AppState(brand: "Northwind Bank", width: 80, height: 24, now: Rows.now)
        _ = s.handle(Rows.loaded(5))
        type([.char("x"), .char("x"), .char(";"), .char("r")], into: &s)
        let picked = s.selection
        XCTAssertEqual(s.prompt?.purpose, .bulkReply(conversations: picked))
        type("out".map { .char($0) }, into: &s)
        XCTAssertEqual(s.handle(.key(.tab)), [.cannedTemplate(prefix: "out")], "the canned text with its variables left for each")
        _ = s.handle(.cannedFilled("Hi {first_name}, we are on it. {signature}"))
        XCTAssertEqual(s.handle(.key(.enter)), [.previewReplies("Hi {first_name}, we are on it. {signature}", conversations: picked)])
        let previews = [ReplyPreview(conversationID: 1, handle: "ana", channel: "x", text: "Hi Ana, we are on it. ^SB"),
                        ReplyPreview(conversationID: 2, handle: "lee", channel: "x", text: String(repeating: "long ", count: 60),
                                     problem: "300 of 280 characters as x counts them: 20 too many")]
        _ = s.handle(.repliesPreviewed(previews))
        let screen = RootScreen.render(s)
        XCTAssertEqual(screen.line(2).trimmingCharacters(in: .whitespaces), "Replies to 2 conversations, as each will get it (1 cannot go)")
        XCTAssertEqual(screen.line(3).trimmingCharacters(in: .whitespaces), "#1 @ana · x")
        XCTAssertEqual(screen.line(4).trimmingCharacters(in: .whitespaces), "Hi Ana, we are on it. ^SB")
        XCTAssertTrue(screen.lines.contains { $0.hasPrefix("   cannot go: 300 of 280") })
        // Esc goes back to the text; Enter there previews again, Enter on the preview queues.
        XCTAssertEqual(s.handle(.key(.escape)), [])
        XCTAssertNil(s.replyPreview)
        XCTAssertNotNil(s.prompt)
        _ = s.handle(.repliesPreviewed(previews))
        XCTAssertEqual(s.handle(.key(.enter)), [.replyAll(previews, versions: picked)])
        XCTAssertNil(s.prompt)
    }

    func testEscAsksBeforeAReplyIsThrownAwayAndADraftComesBack() {
        var s = composing("Hi Dana, the refund of £120 went out this morning and should reach you by Friday.")
        XCTAssertEqual(s.handle(.key(.escape)), [], "86 characters are not dropped on one key")
        XCTAssertTrue(RootScreen.render(s).lines.joined().contains("keep this reply as a draft? y keeps it"))
        XCTAssertEqual(s.handle(.key(.char("q"))), [], "only y, n and Esc answer")
        XCTAssertEqual(s.prompt?.text, "Hi Dana, the refund of £120 went out this morning and should reach you by Friday.")
        XCTAssertEqual(s.handle(.key(.escape)), [], "Esc writes on")
        XCTAssertEqual(s.prompt?.leaving, false)
        type(" Thanks!".map { .char($0) }, into: &s)
        _ = s.handle(.key(.escape))
        let text = "Hi Dana, the refund of £120 went out this morning and should reach you by Friday. Thanks!"
        XCTAssertEqual(s.handle(.key(.char("y"))), [.saveDraft(conversation: 2, text: text), .releaseReply(conversation: 2)])
        XCTAssertNil(s.prompt)
        XCTAssertEqual(s.status, "the draft of #2 is kept: r on it goes on with it")

        // r again: the draft comes back; left as it was, Esc closes it without a question.
        _ = s.handle(.replyClaimed(conversation: 2, since: mark, channel: "x", draft: text))
        XCTAssertEqual(s.prompt?.text, text)
        XCTAssertEqual(s.handle(.key(.escape)), [.releaseReply(conversation: 2)])
        // Emptied on purpose, the draft goes.
        _ = s.handle(.replyClaimed(conversation: 2, since: mark, channel: "x", draft: text))
        type([.ctrl("a"), .ctrl("k")], into: &s)
        XCTAssertEqual(s.prompt?.text, "")
        XCTAssertEqual(s.handle(.key(.escape)), [.saveDraft(conversation: 2, text: ""), .releaseReply(conversation: 2)])
        // Nothing written, nothing asked.
        _ = s.handle(.replyClaimed(conversation: 2, since: mark, channel: "x", draft: nil))
        XCTAssertEqual(s.handle(.key(.escape)), [.releaseReply(conversation: 2)])
    }
}
