import XCTest
@testable import HeedCore

final class JSONParserTests: XCTestCase {
    func testObjectMembersRememberTheirLines() throws {
        let root = try JSONParser.parse("{\n  \"a\": 1,\n  \"b\": {\n    \"c\": [true, null]\n  }\n}")
        XCTAssertEqual(root.line, 1)
        XCTAssertEqual(root["a"]?.line, 2)
        XCTAssertEqual(root["b"]?["c"]?.line, 4)
        XCTAssertEqual(root["a"]?.int, 1)
    }

    func testLargeIdsStayExact() throws {
        let root = try JSONParser.parse(#"{"id": 1860000000000000123}"#)
        XCTAssertEqual(root["id"]?.value, .number("1860000000000000123"))
    }

    func testEscapesAndSurrogatePairsDecode() throws {
        let root = try JSONParser.parse(#"["a\"b\\c\/d\n", "\u00e9\ud83d\ude00", "\ud800x"]"#)
        guard case .array(let items) = root.value else { return XCTFail("expected an array") }
        XCTAssertEqual(items.map(\.string), ["a\"b\\c/d\n", "é😀", "\u{FFFD}x"])
    }

    func testSyntaxErrorsNameLineAndColumn() {
        XCTAssertThrowsError(try JSONParser.parse("{\n  \"a\": 1,\n  \"b\" 2\n}")) { error in
            let e = error as! JSONSyntaxError
            XCTAssertEqual(e.line, 3)
            XCTAssertEqual(e.column, 7)
            XCTAssertTrue(e.reason.contains("':'"), e.reason)
        }
    }

    func testHostileInputIsRefusedNotCrashed() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try JSONParser.parse(deep)) { XCTAssertTrue("\($0)".contains("nesting")) }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xC3, 0x28, 0x22])) { XCTAssertTrue("\($0)".contains("UTF-8")) }
        XCTAssertThrowsError(try JSONParser.parse("\"a\u{01}b\""))
        XCTAssertThrowsError(try JSONParser.parse("{\"a\": 1} trailing"))
        XCTAssertThrowsError(try JSONParser.parse(""))
        XCTAssertThrowsError(try JSONParser.parse("[1, 2"))
        XCTAssertThrowsError(try JSONParser.parse("01"))
        XCTAssertThrowsError(try JSONParser.parse("{\"a\": tru}"))
    }

    func testWriterRoundTrips() throws {
        let text = #"{"a":[1,2.5,-3e2],"b":"q\"\n\u0001","c":{"d":null,"e":false}}"#
        XCTAssertEqual(JSONWriter.string(try JSONParser.parse(text)), text)
    }
}
