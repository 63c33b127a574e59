import Foundation

/// Counts SLA time: wall-clock minutes, or only business hours (the config's calendar, time
/// zone and holidays) when `sla.business_hours_only` is set.
public struct SLAClock: Sendable {
    private let hours: BusinessHours?
    private let calendar: Calendar

    public init(sla: SLATargets, hours: BusinessHours?) {
        self.hours = sla.businessHoursOnly ? hours : nil
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: hours?.timeZone ?? "UTC") ?? TimeZone(identifier: "UTC")!
        self.calendar = calendar
    }

    /// A year of days without one open hour ends the search: the calendar has none.
    private static let maxDays = 400

    /// When `minutes` of SLA time will have passed since `start`.
    public func due(from start: Int64, minutes: Int) -> Int64 {
        let target = Int64(minutes) * 60_000
        guard hours != nil else { return start + target }
        var left = target
        var day = dayStart(start)
        for _ in 0..<Self.maxDays {
            if let (open, close) = span(of: day) {
                let from = max(open, start)
                if close > from {
                    if close - from >= left { return from + left }
                    left -= close - from
                }
            }
            day = nextDay(day)
        }
        return start + target
    }

    /// SLA milliseconds between `start` and `end`.
    public func elapsed(from start: Int64, to end: Int64) -> Int64 {
        guard end > start else { return 0 }
        guard hours != nil else { return end - start }
        var total: Int64 = 0
        var day = dayStart(start)
        var days = 0
        while day < end && days < Self.maxDays * 10 {
            if let (open, close) = span(of: day) {
                let from = max(open, start), to = min(close, end)
                if to > from { total += to - from }
            }
            day = nextDay(day)
            days += 1
        }
        return total
    }

    /// The open span (milliseconds) of the day starting at `day`, or nil on a closed day or holiday.
    private func span(of day: Int64) -> (Int64, Int64)? {
        guard let hours else { return nil }
        let date = Date(timeIntervalSince1970: Double(day) / 1000)
        let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
        let iso = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        if hours.holidays.contains(iso) { return nil }
        // Calendar weekdays run from 1 (Sunday).
        let weekday: BusinessHours.Weekday = [.sun, .mon, .tue, .wed, .thu, .fri, .sat][parts.weekday! - 1]
        guard let open = hours.days[weekday] else { return nil }
        return (at(minutes: open.start, of: date), at(minutes: open.end, of: date))
    }

    /// The instant `minutes` after local midnight of `date`'s day (right across DST changes).
    private func at(minutes: Int, of date: Date) -> Int64 {
        let midnight = calendar.startOfDay(for: date)
        let time = minutes == 1440 ? calendar.date(byAdding: .day, value: 1, to: midnight)!
            : calendar.date(bySettingHour: minutes / 60, minute: minutes % 60, second: 0, of: midnight)!
        return Int64((time.timeIntervalSince1970 * 1000).rounded())
    }

    private func dayStart(_ ms: Int64) -> Int64 {
        Int64(calendar.startOfDay(for: Date(timeIntervalSince1970: Double(ms) / 1000)).timeIntervalSince1970 * 1000)
    }

    private func nextDay(_ day: Int64) -> Int64 {
        let date = calendar.date(byAdding: .day, value: 1, to: Date(timeIntervalSince1970: Double(day) / 1000))!
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
