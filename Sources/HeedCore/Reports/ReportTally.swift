/// The running sums of one group while the conversations are walked; `measures` finishes them.
struct ReportTally {
    var measures = ReportMeasures()
    var firstResponses: [Int64] = []
    var resolutions: [Int64] = []
    var sla: [SLAKey: (conversations: Int, met: Int, late: [Int64])] = [:]
    var moodBefore = 0.0
    var moodAfter = 0.0
    var praise: [Int64: Int] = [:]
    var defenders = Set<Int64>()

    func finished(earlierPraisers: Set<Int64>) -> ReportMeasures {
        var result = measures
        result.responsiveness.firstResponse = .init(firstResponses)
        result.responsiveness.resolution = .init(resolutions)
        result.responsiveness.sla = sla.keys.sorted().map { target in
            let entry = sla[target]!
            return .init(urgency: target.urgency?.rawValue, targetMinutes: target.minutes, conversations: entry.conversations, met: entry.met,
                         breached: entry.late.count, medianLateMs: Self.median(entry.late))
        }
        result.responsiveness.breachedLateMedianMs = Self.median(sla.values.flatMap(\.late))
        if result.mood.measured > 0 {
            let count = Double(result.mood.measured)
            result.mood.before = Self.rounded(moodBefore / count)
            result.mood.after = Self.rounded(moodAfter / count)
            result.mood.shift = Self.rounded(moodAfter / count - moodBefore / count)
        }
        let advocates = praise.filter { $0.value >= 2 }.keys
        result.advocates.praisedTwice = advocates.count
        result.advocates.new = advocates.filter { !earlierPraisers.contains($0) }.count
        result.advocates.defenders = defenders.count
        return result
    }

    /// An SLA line: the urgency triage gave (nil where none) and the target in minutes, the most
    /// urgent first.
    struct SLAKey: Hashable, Comparable {
        var urgency: Urgency?
        var minutes: Int

        static func < (a: SLAKey, b: SLAKey) -> Bool {
            let rank = { (key: SLAKey) in key.urgency.flatMap { Urgency.allCases.firstIndex(of: $0) } ?? Urgency.allCases.count }
            return (rank(a), a.minutes) < (rank(b), b.minutes)
        }
    }

    static func median(_ values: [Int64]) -> Int64? {
        var values = values
        return ReportMeasures.Durations.rank(&values, 0.5)
    }

    /// Three decimals: sentiment is not known finer, and the JSON stays readable.
    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
