import Foundation

/// An intro or sign-off post from its template: `{name}` `{first_name}` `{until}` (the shift's
/// planned end, HH:MM in the operator's time zone) `{signature}` `{team}`.
enum ShiftTemplate {
    static let defaultIntro = "Hi! {first_name} here until {until}, ask us anything. {signature}"

    static func fill(_ template: String, operator member: Operator, until: Int64?, config: Config) -> String {
        let values: [String: String] = [
            "name": member.name,
            "first_name": member.firstName,
            "until": until.map { ShiftClock.string($0, timeZone: config.timeZone(for: member.handle)) } ?? "later",
            "signature": member.signature,
            "team": member.teams.first ?? config.teams.first?.name ?? "",
        ]
        var text = template
        for (variable, value) in values { text = text.replacingOccurrences(of: "{\(variable)}", with: value) }
        return text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// The next time it is `text` (HH:MM) in `timeZone` after `now`; nil when `text` is not a time.
    public static func next(_ text: String, after now: Int64, timeZone: String) -> Int64? {
        guard let time = TimeOfDay(text, twelveHour: false) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        return time.next(after: now, calendar: calendar)
    }
}

/// Times of day for shifts: HH:MM in an operator's time zone.
public enum ShiftClock {
    public static func string(_ milliseconds: Int64, timeZone: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.hour, .minute], from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// `2026-11-24 09:12 GMT`: a whole time for the command line, in the reader's zone.
    public static func stamp(_ milliseconds: Int64, timeZone: String) -> String {
        let zone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0) + string(milliseconds, timeZone: timeZone)
            + " " + abbreviation(zone, at: date)
    }

    /// Foundation calls UTC "GMT"; a reader who set UTC should see UTC.
    static func abbreviation(_ zone: TimeZone, at date: Date) -> String {
        zoneName(zone.identifier) == "UTC" ? "UTC" : zone.abbreviation(for: date) ?? zone.identifier
    }

    /// A zone as the reader names it: UTC, not GMT, for the zone without an offset.
    public static func zoneName(_ identifier: String) -> String {
        ["UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z"].contains(identifier) ? "UTC" : identifier
    }

    /// `14:30` when it is the same day as `now` there, else `Tue 24 Nov 09:00`.
    public static func string(_ milliseconds: Int64, timeZone: String, now: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        if calendar.isDate(date, inSameDayAs: Date(timeIntervalSince1970: Double(now) / 1000)) { return string(milliseconds, timeZone: timeZone) }
        let parts = calendar.dateComponents([.weekday, .day, .month], from: date)
        let weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][(parts.weekday ?? 1) - 1]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][(parts.month ?? 1) - 1]
        return "\(weekday) \(parts.day ?? 1) \(month) " + string(milliseconds, timeZone: timeZone)
    }
}
