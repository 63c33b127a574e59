import XCTest
import NIOCore
@testable import HeedCore

final class TableChecksumTests: XCTestCase {
    let rows: [[StoredValue]] = [
        [.integer(1), .text("card declined"), .real(-0.5), .null],
        [.integer(2), .text("card"), .real(0.25), .blob([0, 255])],
        [.integer(3), .text(""), .null, .blob([])],
    ]

    func sum(_ rows: [[StoredValue]]) -> TableChecksum {
        var checksum = TableChecksum()
        for row in rows { checksum.add(row) }
        return checksum
    }

    func testTheOrderOfRowsDoesNotMatter() {
        XCTAssertEqual(sum(rows), sum(rows.reversed()))
        XCTAssertEqual(sum(rows).rows, 3)
    }

    func testARowMissingDoubledOrChangedChangesIt() {
        let whole = sum(rows)
        XCTAssertNotEqual(sum(Array(rows.dropLast())).hex, whole.hex)
        XCTAssertNotEqual(sum(rows + [rows[0]]).hex, whole.hex)
        var changed = rows
        changed[1][1] = .text("card!")
        XCTAssertNotEqual(sum(changed).hex, whole.hex)
        // Values that print alike are still told apart: kind, boundaries between values.
        XCTAssertNotEqual(sum([[.integer(1)]]).hex, sum([[.real(1)]]).hex)
        XCTAssertNotEqual(sum([[.text("")]]).hex, sum([[.null]]).hex)
        XCTAssertNotEqual(sum([[.text("ab"), .text("c")]]).hex, sum([[.text("a"), .text("bc")]]).hex)
        XCTAssertNotEqual(sum([[.text("ab")]]).hex, sum([[.blob(Array("ab".utf8))]]).hex)
    }

    func testCopyTextEscapesWhatWouldEndAValue() {
        var buffer = ByteBuffer()
        CopyText.append([.text("a\tb\nc\\d\re"), .null, .integer(-7), .real(.infinity), .real(.nan), .blob([0x0f, 0xa0])], to: &buffer)
        XCTAssertEqual(buffer.readString(length: buffer.readableBytes), "a\\tb\\nc\\\\d\\re\t\\N\t-7\tInfinity\tNaN\t\\\\x0fa0\n")
    }
}
