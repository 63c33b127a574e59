import Foundation

/// Times as the screen writes them, in the operator's time zone, without a formatter per call.
enum LocalTime {
    static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `14:05`.
    static func clock(_ milliseconds: Int64, in zone: TimeZone) -> String {
        let parts = civil(milliseconds, in: zone)
        return String(format: "%02d:%02d", parts.hour, parts.minute)
    }

    /// `Mon 23 Nov 14:05`, with the year when it is not `currentYear`'s.
    static func stamp(_ milliseconds: Int64, in zone: TimeZone, now: Int64) -> String {
        let parts = civil(milliseconds, in: zone)
        let year = parts.year == civil(now, in: zone).year ? "" : " \(parts.year)"
        return "\(weekdays[parts.weekday]) \(parts.day) \(months[parts.month - 1])\(year) " + String(format: "%02d:%02d", parts.hour, parts.minute)
    }

    /// `23 Nov 2026`.
    static func date(_ milliseconds: Int64, in zone: TimeZone) -> String {
        let parts = civil(milliseconds, in: zone)
        return "\(parts.day) \(months[parts.month - 1]) \(parts.year)"
    }

    /// The calendar date and time of an instant; weekday 0 is Thursday (1 January 1970 was one).
    static func civil(_ milliseconds: Int64, in zone: TimeZone) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, weekday: Int) {
        let seconds = milliseconds.dividedRoundingDown(by: 1000)
        let local = seconds + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        let days = local.dividedRoundingDown(by: 86_400)
        let secondOfDay = Int(local - days * 86_400)
        // Days to a proleptic Gregorian date (H. Hinnant's civil_from_days).
        let z = days + 719_468
        let era = z.dividedRoundingDown(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        let weekday = Int(((days % 7) + 7) % 7)
        return (year, month, day, secondOfDay / 3600, (secondOfDay % 3600) / 60, weekday)
    }
}

private extension Int64 {
    func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}
