/// Short spans of time as the queue shows them: `45s`, `12m`, `3h`, `5d`, `8w`.
public enum Age {
    public static func short(milliseconds: Int64) -> String {
        let s = max(0, milliseconds / 1000)
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return "\(s / 60)m"
        case ..<86_400: return "\(s / 3600)h"
        case ..<(86_400 * 14): return "\(s / 86_400)d"
        default: return "\(s / (86_400 * 7))w"
        }
    }

    /// A measured span to two units, as reports give them: `45s`, `12m`, `1h10m`, `4d2h`, `8w`.
    public static func span(milliseconds: Int64) -> String {
        let s = max(0, milliseconds / 1000)
        switch s {
        case ..<3600: return short(milliseconds: milliseconds)
        case ..<86_400: return "\(s / 3600)h" + (s % 3600 / 60 == 0 ? "" : "\(s % 3600 / 60)m")
        case ..<(86_400 * 14): return "\(s / 86_400)d" + (s % 86_400 / 3600 == 0 ? "" : "\(s % 86_400 / 3600)h")
        default: return short(milliseconds: milliseconds)
        }
    }

    /// An SLA due time as the queue shows it: `due 4m`, `late 12m`; empty without one.
    public static func due(_ dueAt: Int64?, now: Int64) -> String {
        guard let dueAt else { return "" }
        return dueAt >= now ? "due " + short(milliseconds: dueAt - now) : "late " + short(milliseconds: now - dueAt)
    }

    /// Follower counts as people say them: `950`, `18k`, `1.2k`, `3.4M`.
    public static func count(_ n: Int) -> String {
        switch n {
        case ..<1000: return "\(n)"
        case ..<10_000: return trimmed(Double(n) / 1000) + "k"
        case ..<1_000_000: return "\(n / 1000)k"
        case ..<10_000_000: return trimmed(Double(n) / 1_000_000) + "M"
        default: return "\(n / 1_000_000)M"
        }
    }

    private static func trimmed(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded(.down))
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}
