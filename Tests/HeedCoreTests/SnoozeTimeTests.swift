import Foundation
import XCTest
@testable import HeedCore

/// Snoozes as operators type them: spans, times of day, days, in the operator's time zone.
final class SnoozeTimeTests: XCTestCase {
    /// Monday 7 December 2026, 08:30 UTC.
    let now = RFC3339.milliseconds(from: "2026-12-07T08:30:00Z")!
    let london = TimeZone(identifier: "Europe/London")!
    let newYork = TimeZone(identifier: "America/New_York")!

    func at(_ text: String, in zone: TimeZone? = nil) -> String? {
        SnoozeTime.parse(text, now: now, timeZone: zone ?? london).map { RFC3339.string(fromMilliseconds: $0) }
    }

    func testSpansTimesOfDayAndDays() {
        XCTAssertEqual(at("2h"), "2026-12-07T10:30:00Z")
        XCTAssertEqual(at("90m"), "2026-12-07T10:00:00Z")
        XCTAssertEqual(at("14:00"), "2026-12-07T14:00:00Z")
        XCTAssertEqual(at("9am"), "2026-12-07T09:00:00Z")
        XCTAssertEqual(at("5:30PM"), "2026-12-07T17:30:00Z")
        XCTAssertEqual(at("12pm"), "2026-12-07T12:00:00Z", "noon")
        XCTAssertEqual(at("8:00"), "2026-12-08T08:00:00Z", "a time of day gone by today is tomorrow's")
        XCTAssertEqual(at("12am"), "2026-12-08T00:00:00Z", "midnight")
        XCTAssertEqual(at("tomorrow"), "2026-12-08T09:00:00Z", "a day alone is its morning")
        XCTAssertEqual(at("tomorrow 2pm"), "2026-12-08T14:00:00Z")
        XCTAssertEqual(at("today 16:45"), "2026-12-07T16:45:00Z")
        XCTAssertEqual(at("fri"), "2026-12-11T09:00:00Z")
        XCTAssertEqual(at("Friday 11:15"), "2026-12-11T11:15:00Z")
        XCTAssertEqual(at("mon"), "2026-12-14T09:00:00Z", "today's weekday is a week on")
        XCTAssertEqual(at("2026-12-24T09:00:00Z"), "2026-12-24T09:00:00Z")
    }

    func testTheOperatorsZoneAndItsClockChanges() {
        XCTAssertEqual(at("tomorrow 9am", in: newYork), "2026-12-08T14:00:00Z")
        XCTAssertEqual(at("3:00", in: newYork), "2026-12-08T08:00:00Z",
                       "03:30 in New York has passed: tomorrow's 03:00")
        // London's clocks go forward on Sunday 29 March 2026: the Monday after, 09:00 is 08:00 UTC.
        let saturday = RFC3339.milliseconds(from: "2026-03-28T12:00:00Z")!
        XCTAssertEqual(SnoozeTime.parse("mon", now: saturday, timeZone: london).map { RFC3339.string(fromMilliseconds: $0) }, "2026-03-30T08:00:00Z")
    }

    func testWhatItCannotReadOrWhatHasPassedIsNil() {
        for text in ["soon", "", "25:00", "13pm", "9", "tomorrow tomorrow", "fri 9am please", "9:5", "0h", "-2h", "2026-12-01T09:00:00Z", "today 8:00"] {
            XCTAssertNil(at(text), text)
        }
    }

    func testTheActionLineReadsThemAndSaysTheForms() throws {
        XCTAssertEqual(try TriageCommand.parse(kind: "snooze", text: "tomorrow 9am", now: now, timeZone: newYork),
                       .snooze(until: RFC3339.milliseconds(from: "2026-12-08T14:00:00Z")!))
        XCTAssertEqual(try TriageCommand.parse(kind: "snooze", text: "reply", now: now), .snooze(until: nil))
        XCTAssertEqual(try TriageCommand.parse(step: "snooze fri", now: now, timeZone: london),
                       .snooze(until: RFC3339.milliseconds(from: "2026-12-11T09:00:00Z")!))
        XCTAssertThrowsError(try TriageCommand.parse(kind: "snooze", text: "next week", now: now)) { error in
            XCTAssertTrue((error as? QueryError)?.message.contains("a time of day (14:00, 9am)") == true, "\(error)")
        }
    }
}
