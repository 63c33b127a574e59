import HeedCore
import XCTest

final class CommandWordsTests: XCTestCase {
    func testWordsSplitAsAShellSplitsThemAndNothingElse() throws {
        XCTAssertEqual(try CommandWords.split("  grep  -i refund "), ["grep", "-i", "refund"])
        XCTAssertEqual(try CommandWords.split(#"grep -i 'charged twice' "a \"b\" c" it\'s"#), ["grep", "-i", "charged twice", #"a "b" c"#, "it's"])
        XCTAssertEqual(try CommandWords.split("jq ''"), ["jq", ""], "an empty quoted word is a word")
        // No shell: what a shell would expand or redirect reaches the program as it was typed.
        XCTAssertEqual(try CommandWords.split("echo $(rm -rf x) > out | tee *"), ["echo", "$(rm", "-rf", "x)", ">", "out", "|", "tee", "*"])
        XCTAssertEqual(try CommandWords.split(""), [])
        XCTAssertThrowsError(try CommandWords.split("grep 'open")) { XCTAssertEqual($0 as? QueryError, QueryError(position: 5, message: "this quote is not closed")) }
        XCTAssertThrowsError(try CommandWords.split("grep x\\")) { XCTAssertEqual(($0 as? QueryError)?.position, 6) }
    }
}
