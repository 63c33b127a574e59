/// The headline measures the screen's Reports view draws: today and the last 7 days (today and
/// the six days before it, in the config's time zone), each day's figures for the sparklines,
/// the mentions of every hour for the chart, and each channel's over the week. All of it comes
/// from one read of the facts, and each figure equals `heed report`'s for the same period.
public struct ReportDigest: Sendable, Equatable {
    /// Unix milliseconds: the start of the first day, and what "now" was.
    public var since: Int64
    public var now: Int64
    public var timeZone: String
    /// The seven days in order, the last being today; a day with nothing in it has empty measures.
    public var days: [Report.Group]
    public var week: ReportMeasures
    /// Customers' messages written in each hour since `since`, the current hour last.
    public var hourlyMentions: [Int]
    /// Each channel's measures over the week, the busiest first.
    public var channels: [Report.Group]

    public var today: ReportMeasures { days.last?.measures ?? ReportMeasures() }

    public static let dayCount = 7

    public init(since: Int64, now: Int64, timeZone: String, days: [Report.Group], week: ReportMeasures, hourlyMentions: [Int],
                channels: [Report.Group]) {
        (self.since, self.now, self.timeZone, self.days, self.week) = (since, now, timeZone, days, week)
        (self.hourlyMentions, self.channels) = (hourlyMentions, channels)
    }

    public static func make(_ database: AppDatabase, config: Config, now: Int64) throws -> ReportDigest {
        let calendar = ReportCalendar(timeZone: config.timeZone)
        var starts = [calendar.start(of: calendar.key(now, .day)) ?? now]
        while starts.count < dayCount { starts.insert(calendar.dayBefore(starts[0]), at: 0) }
        let since = starts[0]
        return try database.read { db in
            let facts = try ReportFacts.load(CacheReader(db), since: since, until: now, now: now)
            let report = { (grouping: ReportGrouping) in Report(facts: facts, config: config, since: since, until: now, by: grouping, now: now) }
            let byDay = report(.day), byChannel = report(.channel)
            let dayMeasures = Dictionary(uniqueKeysWithValues: byDay.groups.map { ($0.key, $0.measures) })
            // Hours as they pass, so that a day of a clock change has 23 or 25 of them; counted
            // here rather than as a report by hour, which would work out every measure of each.
            var hours = Array(repeating: 0, count: Int((now - since + 3_599_999) / 3_600_000))
            for conversation in facts.conversations {
                for message in conversation.messages where !message.ours && message.at >= since && message.at < now {
                    hours[Int((message.at - since) / 3_600_000)] += 1
                }
            }
            return ReportDigest(
                since: since, now: now, timeZone: config.timeZone,
                days: starts.map { start in
                    let key = calendar.key(start, .day)
                    return Report.Group(key: key, measures: dayMeasures[key] ?? ReportMeasures())
                },
                week: byDay.total, hourlyMentions: hours,
                channels: byChannel.groups.sorted { ($0.measures.heard.mentionsIn, $1.key) > ($1.measures.heard.mentionsIn, $0.key) })
        }
    }
}
