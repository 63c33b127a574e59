import Foundation

/// When a snooze ends, as an operator types it: a span from now (`90m`, `2h`, `1d`), a time of
/// day (`14:00`, `9am`, `5:30pm`: today, or tomorrow once it has passed), a day (`tomorrow`,
/// `mon` … `sun`: the next one, at 09:00) with or without a time of day, or an RFC 3339 time.
/// Days and times of day are the operator's time zone's, across changes of the clocks.
public enum SnoozeTime {
    public static let utc = TimeZone(identifier: "UTC")!

    /// The time of day a day alone means: the start of a working morning.
    static let morning = (hour: 9, minute: 0)

    /// The forms, for prompts and messages.
    public static let forms = "a span (90m, 2h, 1d), a time of day (14:00, 9am), a day (tomorrow, fri) with or without one, or a time (2026-12-24T09:00:00Z)"

    /// The instant `text` names after `now`, or nil when it names none.
    public static func parse(_ text: String, now: Int64, timeZone: TimeZone) -> Int64? {
        let words = text.lowercased().split(separator: " ").map(String.init)
        guard let first = words.first, words.count <= 2 else { return nil }
        if words.count == 1 {
            if let at = RFC3339.milliseconds(from: text.trimmingCharacters(in: .whitespaces)) { return at > now ? at : nil }
            if let span = Query.duration(first) { return span > 0 ? now + span : nil }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: Date(timeIntervalSince1970: Double(now) / 1000))
        var rest = words[...]
        let day = days(ahead: first, from: today, calendar: calendar)
        if day != nil { rest = rest.dropFirst() }
        var clock: (hour: Int, minute: Int)?
        if let word = rest.first {
            guard let time = timeOfDay(word) else { return nil }
            clock = time
            rest = rest.dropFirst()
        }
        guard rest.isEmpty, day != nil || clock != nil else { return nil }
        let (hour, minute) = clock ?? morning
        func at(_ date: Date) -> Int64? {
            calendar.date(bySettingHour: hour, minute: minute, second: 0, of: date).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
        }
        guard let instant = at(day ?? today) else { return nil }
        if instant > now { return instant }
        // A time of day alone that has passed today means tomorrow's.
        guard day == nil, let tomorrow = calendar.date(byAdding: .day, value: 1, to: today) else { return nil }
        return at(tomorrow)
    }

    /// The day `word` names: tomorrow, or the next weekday of that name (a week on, for today's).
    private static func days(ahead word: String, from today: Date, calendar: Calendar) -> Date? {
        if word == "today" { return today }
        if word == "tomorrow" || word == "tmrw" { return calendar.date(byAdding: .day, value: 1, to: today) }
        let names = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        let long = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
        guard let index = names.firstIndex(of: word) ?? long.firstIndex(of: word) ?? (word == "tues" ? 2 : word == "thur" || word == "thurs" ? 4 : nil)
        else { return nil }
        let weekday = calendar.component(.weekday, from: today) - 1
        let ahead = (index - weekday + 7) % 7
        return calendar.date(byAdding: .day, value: ahead == 0 ? 7 : ahead, to: today)
    }

    /// `14:00`, `9:30`, `9am`, `5:30pm`, `12pm` (noon), `12am` (midnight).
    private static func timeOfDay(_ word: String) -> (hour: Int, minute: Int)? {
        var text = Substring(word)
        var half: Int?
        if text.hasSuffix("am") || text.hasSuffix("pm") {
            half = text.hasSuffix("pm") ? 12 : 0
            text = text.dropLast(2)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let hour = Int(parts[0]), parts[0].count <= 2 else { return nil }
        var minute = 0
        if parts.count == 2 {
            guard parts[1].count == 2, let m = Int(parts[1]), (0..<60).contains(m) else { return nil }
            minute = m
        } else if half == nil {
            return nil // a bare number is a span missing its unit, or a typo
        }
        if let half {
            guard (1...12).contains(hour) else { return nil }
            return (hour % 12 + half, minute)
        }
        return (0..<24).contains(hour) ? (hour, minute) : nil
    }
}
