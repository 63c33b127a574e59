import Foundation

/// How a report's rows are cut.
public enum ReportGrouping: String, Sendable, CaseIterable, Codable {
    case hour, day, week, channel, team
    /// Who gave the first answer (else whom the conversation is assigned to).
    case `operator`
    /// The shift the first answer was given in.
    case shift

    /// What a conversation's row is, for a grouping that does not go by time.
    var isByTime: Bool { self == .hour || self == .day || self == .week }

    func key(channel: String, team: String?, answeredBy: String?, assignee: String?, shift: String?) -> String {
        switch self {
        case .channel: channel
        case .team: team ?? "(no team)"
        case .operator: answeredBy ?? assignee ?? "(nobody)"
        case .shift: shift ?? "(no shift)"
        case .hour, .day, .week: ""
        }
    }
}

/// Hours, days and ISO weeks in the config's time zone.
final class ReportCalendar {
    private let calendar: Calendar
    private let dayFormat: DateFormatter
    private let hourFormat: DateFormatter
    /// Keys by quarter hour: every zone's offset is a whole number of quarter hours, so a quarter
    /// hour lies in one hour of the zone; a report asks for a million of them.
    private var keys: [Int64: String] = [:]

    init(timeZone: String) {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        self.calendar = calendar
        dayFormat = DateFormatter()
        dayFormat.locale = Locale(identifier: "en_US_POSIX")
        dayFormat.calendar = calendar
        dayFormat.timeZone = calendar.timeZone
        dayFormat.dateFormat = "yyyy-MM-dd"
        hourFormat = DateFormatter()
        hourFormat.locale = dayFormat.locale
        hourFormat.calendar = calendar
        hourFormat.timeZone = calendar.timeZone
        hourFormat.dateFormat = "yyyy-MM-dd HH"
    }

    func key(_ at: Int64, _ grouping: ReportGrouping) -> String {
        let quarter = at.dividedRoundingDown(by: 900_000) * 3 + (grouping == .week ? 1 : grouping == .hour ? 2 : 0)
        if let known = keys[quarter] { return known }
        let key = computeKey(at, grouping)
        keys[quarter] = key
        return key
    }

    private func computeKey(_ at: Int64, _ grouping: ReportGrouping) -> String {
        let date = Date(timeIntervalSince1970: Double(at) / 1000)
        if grouping == .week {
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? 0, parts.weekOfYear ?? 0)
        }
        return (grouping == .hour ? hourFormat : dayFormat).string(from: date)
    }

    /// The start of `day` (YYYY-MM-DD) in this time zone.
    func start(of day: String) -> Int64? {
        dayFormat.date(from: day).map { Int64($0.timeIntervalSince1970 * 1000) }
    }

    func dayAfter(_ at: Int64) -> Int64 { days(1, from: at) }

    func dayBefore(_ at: Int64) -> Int64 { days(-1, from: at) }

    private func days(_ count: Int, from at: Int64) -> Int64 {
        let date = Date(timeIntervalSince1970: Double(at) / 1000)
        return Int64((calendar.date(byAdding: .day, value: count, to: date) ?? date).timeIntervalSince1970 * 1000)
    }
}

extension Int64 {
    /// Floor division: times before 1970 fall in the quarter hour before, as after.
    func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return self % divisor < 0 ? quotient - 1 : quotient
    }
}
