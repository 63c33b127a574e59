import XCTest
@testable import HeedCore

final class BytesTests: XCTestCase {
    func testReplacingEverySlotByteForByte() {
        XCTAssertEqual(Bytes.replacing("{name}", with: "Zoë", in: "{name}, hi {name}!"), "Zoë, hi Zoë!")
        XCTAssertEqual(Bytes.replacing("^{sig}", with: "^SP", in: "Sorry — we're on it ^{sig}"), "Sorry — we're on it ^SP")
        XCTAssertEqual(Bytes.replacing("{a}", with: "", in: "{a}{a}{a}"), "")
        XCTAssertEqual(Bytes.replacing("{a}", with: "{a}{a}", in: "x{a}y"), "x{a}{a}y", "what was put in is not searched again")
        XCTAssertEqual(Bytes.replacing("aa", with: "b", in: "aaa"), "ba", "left to right, without overlapping")
        XCTAssertNil(Bytes.replacing("{name}", with: "x", in: "no slot here {nam}"))
        XCTAssertNil(Bytes.replacing("{name}", with: "x", in: ""))
        XCTAssertNil(Bytes.replacing("", with: "x", in: "text"))
    }

    func testContainsFindsANeedleAnywhere() {
        XCTAssertTrue(Bytes.contains(Array("café {x}".utf8), Array("{x}".utf8)))
        XCTAssertTrue(Bytes.contains(Array("{x}".utf8), Array("{x}".utf8)))
        XCTAssertFalse(Bytes.contains(Array("{x".utf8), Array("{x}".utf8)))
        XCTAssertFalse(Bytes.contains(Array("abc".utf8), []))
    }
}
