import Foundation

/// A time of day as an operator types it, and the next time it comes round: a shift's planned
/// end (`14:00`) and a snooze's (`14:00`, `9am`, `5:30pm`).
struct TimeOfDay: Equatable {
    var hour: Int
    var minute: Int

    /// `14:00` or `9:30`; with `twelveHour`, also `9am`, `5:30pm`, `12pm` (noon), `12am`
    /// (midnight). A bare number is no time: a span missing its unit, or a typo.
    init?(_ word: String, twelveHour: Bool) {
        var text = Substring(word.lowercased())
        var half: Int?
        if twelveHour && (text.hasSuffix("am") || text.hasSuffix("pm")) {
            half = text.hasSuffix("pm") ? 12 : 0
            text = text.dropLast(2)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].count <= 2, let hour = Int(parts[0]) else { return nil }
        var minute = 0
        if parts.count == 2 {
            guard parts[1].count == 2, let m = Int(parts[1]), (0..<60).contains(m) else { return nil }
            minute = m
        } else if half == nil {
            return nil
        }
        if let half {
            guard (1...12).contains(hour) else { return nil }
            (self.hour, self.minute) = (hour % 12 + half, minute)
        } else {
            guard (0..<24).contains(hour) else { return nil }
            (self.hour, self.minute) = (hour, minute)
        }
    }

    /// The next time it is this time of day after `now`, in `calendar`'s zone (across changes
    /// of the clocks).
    func next(after now: Int64, calendar: Calendar) -> Int64? {
        calendar.nextDate(after: Date(timeIntervalSince1970: Double(now) / 1000), matching: DateComponents(hour: hour, minute: minute),
                          matchingPolicy: .nextTime).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }

    /// This time of day on the day `date` falls in.
    func on(_ date: Date, calendar: Calendar) -> Int64? {
        calendar.date(bySettingHour: hour, minute: minute, second: 0, of: date).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }
}
