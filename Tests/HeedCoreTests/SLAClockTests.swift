import XCTest
@testable import HeedCore

/// SLA time on the wall clock and in business hours (London hours, a holiday, a DST change).
final class SLAClockTests: XCTestCase {
    func ms(_ text: String) -> Int64 { RFC3339.milliseconds(from: text)! }

    var hours: BusinessHours {
        BusinessHours(timeZone: "Europe/London",
                      days: [.mon: .init(start: 480, end: 1200), .tue: .init(start: 480, end: 1200), .wed: .init(start: 480, end: 1200),
                             .thu: .init(start: 480, end: 1200), .fri: .init(start: 480, end: 1200), .sat: .init(start: 540, end: 1020)],
                      holidays: ["2026-12-25"])
    }

    func clock(businessHoursOnly: Bool) -> SLAClock {
        var sla = SLATargets()
        sla.businessHoursOnly = businessHoursOnly
        return SLAClock(sla: sla, hours: hours)
    }

    func testWallClockCountsEveryMinute() {
        let c = clock(businessHoursOnly: false)
        XCTAssertEqual(c.due(from: ms("2026-11-23T21:50:00Z"), minutes: 30), ms("2026-11-23T22:20:00Z"))
        XCTAssertEqual(c.elapsed(from: ms("2026-11-23T21:50:00Z"), to: ms("2026-11-23T22:05:00Z")), 15 * 60_000)
    }

    func testBusinessHoursSkipNightsSundaysAndHolidays() {
        let c = clock(businessHoursOnly: true)
        // Monday 19:50 London (GMT in November): ten minutes left today, twenty on Tuesday from 08:00.
        XCTAssertEqual(c.due(from: ms("2026-11-23T19:50:00Z"), minutes: 30), ms("2026-11-24T08:20:00Z"))
        // Written at night: the clock starts at opening time.
        XCTAssertEqual(c.due(from: ms("2026-11-24T03:00:00Z"), minutes: 60), ms("2026-11-24T09:00:00Z"))
        // Saturday 16:30: half an hour on Saturday, Sunday closed, the rest on Monday.
        XCTAssertEqual(c.due(from: ms("2026-11-28T16:30:00Z"), minutes: 60), ms("2026-11-30T08:30:00Z"))
        // Christmas Day (a Friday) is a holiday; Saturday opens at 09:00.
        XCTAssertEqual(c.due(from: ms("2026-12-24T19:30:00Z"), minutes: 60), ms("2026-12-26T09:30:00Z"))
        XCTAssertEqual(c.elapsed(from: ms("2026-11-23T19:50:00Z"), to: ms("2026-11-24T08:20:00Z")), 30 * 60_000)
        XCTAssertEqual(c.elapsed(from: ms("2026-11-29T10:00:00Z"), to: ms("2026-11-29T15:00:00Z")), 0, "Sunday is closed")
    }

    func testOpeningHoursFollowLocalTimeAcrossSummerTime() {
        let c = clock(businessHoursOnly: true)
        // In June London is UTC+1: opening at 08:00 local is 07:00Z.
        XCTAssertEqual(c.due(from: ms("2026-06-16T05:00:00Z"), minutes: 30), ms("2026-06-16T07:30:00Z"))
        // Across the change on Sunday 2026-10-25: Saturday 16:45 BST, then Monday 08:00 GMT.
        XCTAssertEqual(c.due(from: ms("2026-10-24T15:45:00Z"), minutes: 30), ms("2026-10-26T08:15:00Z"))
    }

    func testACalendarWithoutOpenHoursFallsBackToTheWallClock() {
        var sla = SLATargets()
        sla.businessHoursOnly = true
        let closed = SLAClock(sla: sla, hours: BusinessHours(timeZone: "UTC", days: [:], holidays: []))
        XCTAssertEqual(closed.due(from: ms("2026-11-23T10:00:00Z"), minutes: 30), ms("2026-11-23T10:30:00Z"))
    }
}
