import XCTest
@testable import HeedCore

final class BytesTests: XCTestCase {
    func testReplacingEverySlotByteForByte() {
        XCTAssertEqual(Bytes.replacing("{name}", in: "{name}, hi {name}!") { "Zoë" }, "Zoë, hi Zoë!")
        XCTAssertEqual(Bytes.replacing("^{sig}", in: "Sorry — we're on it ^{sig}") { "^SP" }, "Sorry — we're on it ^SP")
        XCTAssertEqual(Bytes.replacing("{a}", in: "{a}{a}{a}") { "" }, "")
        XCTAssertEqual(Bytes.replacing("{a}", in: "x{a}y") { "{a}{a}" }, "x{a}{a}y", "what was put in is not searched again")
        XCTAssertEqual(Bytes.replacing("aa", in: "aaa") { "b" }, "ba", "left to right, without overlapping")
        XCTAssertNil(Bytes.replacing("{name}", in: "no slot here {nam}") { "x" })
        XCTAssertNil(Bytes.replacing("{name}", in: "") { "x" })
        XCTAssertNil(Bytes.replacing("", in: "text") { "x" })
    }

    func testTheValueIsMadeOnceAndOnlyForASlotFound() {
        var made = 0
        func value() -> String {
            made += 1
            return "v\(made)"
        }
        XCTAssertEqual(Bytes.replacing("{x}", in: "{x} and {x}", with: value), "v1 and v1")
        XCTAssertEqual(made, 1)
        XCTAssertNil(Bytes.replacing("{x}", in: "nothing", with: value))
        XCTAssertEqual(made, 1, "no slot, nothing made: the demo's random picks stay as they were")
    }

    /// Lower case as `String.lowercased()` gives it, for every character Unicode has (in runs of
    /// 64, each run also lowered as a whole) and for words whose case is special.
    func testLowercasedIsStringsLowercased() {
        var scalars: [Unicode.Scalar] = []
        func check() {
            let text = String(String.UnicodeScalarView(scalars))
            XCTAssertEqual(Bytes.lowercased(text), Array(text.lowercased().utf8), "U+\(String(scalars[0].value, radix: 16, uppercase: true))…")
            scalars.removeAll(keepingCapacity: true)
        }
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            scalars.append(scalar)
            if scalars.count == 64 { check() }
        }
        check()
        for text in ["ΟΔΟΣ ΣΟΦΟΣ", "İSTANBUL İzmir", "STRASSE Straße ẞ", "ǅemal ǄEMAL", "Ⅻ Ⓐ", "Ａｂｃ", "ΑΘΉΝΑ", "card DECLINED — “NO” 😡",
                     "Mi TARJETA fue RECHAZADA", "ÇA NE MARCHE PAS", "ÜBERWEISUNG FEHLGESCHLAGEN", "plain ascii text", ""] {
            XCTAssertEqual(Bytes.lowercased(text), Array(text.lowercased().utf8), text)
        }
    }

    func testContainsFindsANeedleAnywhere() {
        XCTAssertTrue(Bytes.contains(Array("café {x}".utf8), Array("{x}".utf8)))
        XCTAssertTrue(Bytes.contains(Array("{x}".utf8), Array("{x}".utf8)))
        XCTAssertFalse(Bytes.contains(Array("{x".utf8), Array("{x}".utf8)))
        XCTAssertFalse(Bytes.contains(Array("abc".utf8), []))
    }
}
