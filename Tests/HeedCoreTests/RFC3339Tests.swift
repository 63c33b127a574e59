import XCTest
@testable import HeedCore

final class RFC3339Tests: XCTestCase {
    func testParsesTheFormsSourcesWrite() {
        XCTAssertEqual(RFC3339.milliseconds(from: "1970-01-01T00:00:00Z"), 0)
        XCTAssertEqual(RFC3339.milliseconds(from: "2026-11-23T09:41:07Z"), 1_795_426_867_000)
        XCTAssertEqual(RFC3339.milliseconds(from: "2026-11-23T09:41:07.5Z"), 1_795_426_867_500)
        XCTAssertEqual(RFC3339.milliseconds(from: "2026-11-23T10:41:07.123456+01:00"), 1_795_426_867_123)
        XCTAssertEqual(RFC3339.milliseconds(from: "2026-11-23 04:41:07-05:00"), 1_795_426_867_000)
        XCTAssertEqual(RFC3339.milliseconds(from: "2024-02-29T00:00:00z"), 1_709_164_800_000)
    }

    func testRefusesWhatIsNotATime() {
        for bad in ["", "2026-11-23", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-23T25:00:00Z",
                    "2026-11-23T09:41:07", "2026-11-23T09:41:07+0100", "Tue Oct 31 22:10:47 +0000 2017", "2026-11-23T09:41:07Zjunk"] {
            XCTAssertNil(RFC3339.milliseconds(from: bad), bad)
        }
    }

    func testFormatsBack() {
        XCTAssertEqual(RFC3339.string(fromMilliseconds: 1_795_426_867_000), "2026-11-23T09:41:07Z")
        XCTAssertEqual(RFC3339.string(fromMilliseconds: 1_795_426_867_050), "2026-11-23T09:41:07.050Z")
        XCTAssertEqual(RFC3339.string(fromMilliseconds: -1000), "1969-12-31T23:59:59Z")
        for ms: Int64 in [0, 951_782_400_000, 4_102_444_800_123] {
            XCTAssertEqual(RFC3339.milliseconds(from: RFC3339.string(fromMilliseconds: ms)), ms)
        }
    }
}
