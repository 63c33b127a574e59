import Foundation

/// When a snooze ends, as an operator types it: a span from now (`90m`, `2h`, `1d`), a time of
/// day (`14:00`, `9am`, `5:30pm`: today, or tomorrow once it has passed), a day (`tomorrow`,
/// `mon` … `sun`: the next one, at 09:00) with or without a time of day, or an RFC 3339 time.
/// Days and times of day are the operator's time zone's, across changes of the clocks.
public enum SnoozeTime {
    public static let utc = TimeZone(identifier: "UTC")!

    /// The time of day a day alone means: the start of a working morning.
    static let morning = TimeOfDay("09:00", twelveHour: false)!

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
        var clock: TimeOfDay?
        if let word = rest.first {
            guard let time = TimeOfDay(word, twelveHour: true) else { return nil }
            clock = time
            rest = rest.dropFirst()
        }
        guard rest.isEmpty else { return nil }
        switch (day, clock) {
        case (nil, nil): return nil
        // A time of day alone: today's, or tomorrow's once it has passed.
        case (nil, let time?): return time.next(after: now, calendar: calendar)
        case (let day?, let time): return (time ?? morning).on(day, calendar: calendar).flatMap { $0 > now ? $0 : nil }
        }
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
}
