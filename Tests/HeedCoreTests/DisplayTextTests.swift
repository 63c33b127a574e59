import HeedTestSupport
import XCTest
@testable import HeedCore

/// Text from the public must never reach a terminal able to move the cursor, change the
/// terminal's state, reorder or hide text.
final class DisplayTextTests: XCTestCase {
    func testHostileStringsLoseEveryControl() {
        for text in HostileStrings.all {
            let safe = DisplayText(untrusted: text).string
            for scalar in safe.unicodeScalars {
                XCTAssertFalse(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value), "control left in \(safe.debugDescription)")
                XCTAssertFalse((0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value), "bidi left in \(safe.debugDescription)")
                XCTAssertFalse([0x200B, 0xFEFF, 0x2028, 0x2029].contains(scalar.value) || (0xE0000...0xE007F).contains(scalar.value))
                XCTAssertFalse(DisplayText.isNeutralised(scalar), "U+\(String(scalar.value, radix: 16)) left in \(safe.debugDescription)")
            }
        }
    }

    func testVisibleTextSurvivesAndControlsShowAsPlaceholders() {
        XCTAssertEqual(DisplayText(untrusted: "good\rEVIL").string, "good EVIL")
        XCTAssertEqual(DisplayText(untrusted: "a\u{1B}[31mb").string, "a\u{FFFD}[31mb")
        XCTAssertEqual(DisplayText(untrusted: "two\nlines", keepNewlines: true).string, "two\nlines")
        XCTAssertEqual(DisplayText(untrusted: "two\nlines").string, "two lines")
    }

    /// The ranges passed without a look at their category hold nothing the categories would
    /// neutralise: every scalar there is, checked.
    func testWhatIsPassedQuicklyIsWhatTheCategoriesPass() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), DisplayText.isNeutralisedByCategory(scalar) else { continue }
            XCTAssertTrue(DisplayText.isNeutralised(scalar), String(value, radix: 16))
        }
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
