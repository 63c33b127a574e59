/// The period a report covers, from the command line's words: a day (`2026-11-01`, in the
/// config's time zone; as `until` it includes that day), a time (`2026-11-01T09:00:00Z`) or a span
/// back from now (`30d`, `12h`). Without words: the last 7 days.
public struct ReportPeriod: Sendable, Equatable {
    public var since: Int64
    public var until: Int64

    public init(since: String?, until: String?, now: Int64, timeZone: String) throws {
        let calendar = ReportCalendar(timeZone: timeZone)
        func time(_ text: String, option: String, endOfDay: Bool) throws -> Int64 {
            if let day = calendar.start(of: text), text.count == 10 { return endOfDay ? calendar.dayAfter(day) : day }
            if let at = RFC3339.milliseconds(from: text) { return at }
            if let span = Query.duration(text), span > 0 { return now - span }
            throw HeedError("\(option) \(text): expected a day such as 2026-11-01, a time such as 2026-11-01T09:00:00Z or a span back from now such as 30d",
                            .refused)
        }
        self.until = try until.map { try time($0, option: "--until", endOfDay: true) } ?? now
        self.since = try since.map { try time($0, option: "--since", endOfDay: false) } ?? self.until - 7 * 86_400_000
        guard self.since < self.until else {
            throw HeedError("the period is empty: --since must come before --until", .refused)
        }
    }
}
