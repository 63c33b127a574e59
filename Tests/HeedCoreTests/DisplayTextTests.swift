import XCTest
@testable import HeedCore

/// Text from the public must never reach a terminal able to move the cursor, change the
/// terminal's state, reorder or hide text.
final class DisplayTextTests: XCTestCase {
    static let hostile: [String] = [
        "good\rEVIL",                                  // carriage return overwrites
        "back\u{8}\u{8}\u{8}\u{8}EVIL",                  // backspaces
        "title\u{1B}]0;pwned\u{7}",                     // OSC title
        "clip\u{1B}]52;c;ZXZpbA==\u{7}",                // OSC 52 clipboard
        "\u{1B}[2J\u{1B}[Hcleared",                      // CSI clear screen
        "\u{1B}P1$qm\u{1B}\\dcs",                       // DCS
        "c1\u{9B}31mred",                               // 8-bit CSI
        "nul\u{0}cut",
        "bidi \u{202E}txt.exe\u{202C}",                  // right-to-left override
        "iso \u{2067}hidden\u{2069}",
        "zero\u{200B}width\u{FEFF}",
        "tag\u{E0041}\u{E0042}",
        "del\u{7F}",
    ]

    func testHostileStringsLoseEveryControl() {
        for text in Self.hostile {
            let safe = DisplayText(untrusted: text).string
            for scalar in safe.unicodeScalars {
                XCTAssertFalse(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value), "control left in \(safe.debugDescription)")
                XCTAssertFalse((0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value), "bidi left in \(safe.debugDescription)")
                XCTAssertFalse([0x200B, 0xFEFF].contains(scalar.value) || (0xE0000...0xE007F).contains(scalar.value))
            }
        }
    }

    func testVisibleTextSurvivesAndControlsShowAsPlaceholders() {
        XCTAssertEqual(DisplayText(untrusted: "good\rEVIL").string, "good EVIL")
        XCTAssertEqual(DisplayText(untrusted: "a\u{1B}[31mb").string, "a\u{FFFD}[31mb")
        XCTAssertEqual(DisplayText(untrusted: "two\nlines", keepNewlines: true).string, "two\nlines")
        XCTAssertEqual(DisplayText(untrusted: "two\nlines").string, "two lines")
    }

    func testEmojiJoinersAndScriptsAreKept() {
        for text in ["👩‍💻 works", "❤️", "カードが二重に請求されました", "Zürich café", "नमस्ते", "مرحبا"] {
            XCTAssertEqual(DisplayText(untrusted: text).string, text)
        }
    }

    func testStacksOfCombiningMarksAreCapped() {
        let zalgo = "a" + String(repeating: "\u{0301}", count: 50)
        XCTAssertEqual(DisplayText(untrusted: zalgo).string.unicodeScalars.count, 4)
    }

    func testCSVCellsCannotBecomeFormulas() {
        XCTAssertEqual(CSVCell.escape("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"")
        XCTAssertEqual(CSVCell.escape("+1"), "'+1")
        XCTAssertEqual(CSVCell.escape("plain"), "plain")
    }

    func testWidthsCountCJKAndEmojiAsTwo() {
        XCTAssertEqual(DisplayWidth.of("abc"), 3)
        XCTAssertEqual(DisplayWidth.of("日本"), 4)
        XCTAssertEqual(DisplayWidth.of("😀"), 2)
        XCTAssertEqual(DisplayWidth.of("e\u{0301}"), 1)
        XCTAssertEqual(DisplayWidth.truncate("日本語テキスト", to: 7), "日本語…")
        XCTAssertEqual(DisplayWidth.of(DisplayWidth.fit("日本語テキスト", to: 8)), 8)
    }
}
