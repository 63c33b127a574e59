import HeedCore

/// Colour that ranks rather than shouts: bold red only for the top band, so that on a queue
/// where most conversations are late the few that matter most still stand out.
enum UrgencyColour {
    static let topBand = 90
    static let highBand = 70
    /// A due time this close is about to be missed.
    static let soonMilliseconds: Int64 = 10 * 60_000

    /// The priority number: bold red from 90, yellow from 70, plain below.
    static func priority(_ priority: Int) -> Style {
        priority >= topBand ? .urgencyHigh : (priority >= highBand ? .urgencyMedium : .normal)
    }

    /// The timing: red when a conversation that matters (70 and up) is late, yellow when a
    /// lesser one is, or when one is due within ten minutes; dim otherwise.
    static func timing(_ row: QueueRow, late: Bool, now: Int64) -> Style {
        if late { return row.priority >= highBand ? .late : .urgencyMedium }
        if row.status == .open, let due = row.dueAt, due - now <= soonMilliseconds { return .urgencyMedium }
        return .dim
    }
}
