import Foundation

/// One signal's part in a priority: its points and the short text the operator sees.
public struct Reason: Sendable, Equatable, Codable {
    /// The signal's name: sentiment, kind, keyword, followers, verified, vip, advocate, detractor,
    /// repeat, first-contact, direct, channel, rule, waiting, breached, floor.
    public var signal: String
    public var points: Double
    public var text: String

    public init(signal: String, points: Double, text: String) {
        (self.signal, self.points, self.text) = (signal, points, text)
    }
}

/// Everything the priority of a conversation is computed from, apart from the clock.
public struct TriageSignals: Sendable, Equatable {
    /// The latest unanswered customer message.
    public var analysis: MessageAnalysis
    public var channel: String
    public var followers = 0
    public var verified = false
    /// The contact's tags, lower case (vip, advocate, detractor count).
    public var contactTags: Set<String> = []
    /// The contact's other conversations that began within the repeat window.
    public var recentConversations = 0
    /// The contact has never written before this conversation.
    public var firstContact = false
    /// Addressed to one of our accounts (a reply to us, or naming our handle).
    public var direct = false
    /// Rules whose conditions hold, in config order.
    public var rules: [Rule] = []

    public init(analysis: MessageAnalysis, channel: String) {
        self.analysis = analysis
        self.channel = channel
    }
}

/// The part of a priority that does not depend on the clock: stored on the conversation, so
/// that the waiting part can be added again cheaply as time passes.
public struct StaticPriority: Sendable, Equatable {
    public var points: Double
    /// The highest rule floor, if any.
    public var floor: Int?
    public var reasons: [Reason]
}

/// Priority as a pure function of the signals and the weights: reproducible, and explained by
/// its reasons (their points add up to it, before the 0–100 bounds and any floor).
public enum PriorityModel {
    public static func staticPart(_ s: TriageSignals, settings: TriageSettings) -> StaticPriority {
        let w = settings.weights
        var reasons: [Reason] = [Reason(signal: "base", points: w.base, text: "base")]
        func add(_ signal: String, _ points: Double, _ text: String) {
            if points != 0 { reasons.append(Reason(signal: signal, points: points, text: text)) }
        }
        let sentiment = s.analysis.sentiment
        if sentiment <= -MessageAnalyzer.polarityThreshold {
            add("sentiment", -sentiment * w.negative, "negative \(signed(sentiment))")
        } else if sentiment >= MessageAnalyzer.polarityThreshold {
            add("sentiment", -sentiment * w.positive, "positive \(signed(sentiment))")
        }
        add("kind", w.kinds[s.analysis.kind] ?? 0, "\(s.analysis.kind.rawValue): \(s.analysis.kindReason)")
        // Each category counts once: saying "refund" three times is not three times as urgent.
        var categories: [String] = []
        for hit in s.analysis.urgency where !categories.contains(hit.category) { categories.append(hit.category) }
        for category in categories {
            let terms = s.analysis.urgency.filter { $0.category == category }.map(\.term)
            add("keyword", w.keywords[category] ?? w.otherKeyword, "keyword: \(terms.joined(separator: ", "))")
        }
        if s.followers > 0 {
            add("followers", min(w.followersMax, w.followersPerTenfold * (log10(Double(s.followers) + 1) * 100).rounded() / 100),
                "\(Age.count(s.followers)) followers")
        }
        if s.verified { add("verified", w.verified, "verified") }
        if s.contactTags.contains("vip") { add("vip", w.vip, "VIP") }
        if s.contactTags.contains("advocate") { add("advocate", w.advocate, "advocate") }
        if s.contactTags.contains("detractor") { add("detractor", w.detractor, "detractor") }
        if s.recentConversations > 0 {
            add("repeat", min(w.repeatMax, Double(s.recentConversations) * w.repeatContact),
                "\(Ordinal.of(s.recentConversations + 1)) contact in \(settings.repeatWindowHours)h")
        }
        // "Third time asking" is not a first contact, whatever the cache has seen of them.
        if s.firstContact && !s.analysis.urgency.contains(where: { $0.category == "repeated" }) {
            add("first-contact", w.firstContact, "first contact")
        }
        if s.direct { add("direct", w.direct, "addressed to us") }
        if let points = settings.channelWeights[s.channel] { add("channel", points, "channel \(s.channel)") }
        var floor: Int?
        for rule in s.rules {
            add("rule", Double(rule.then.addPriority ?? 0), "rule: \(rule.name)")
            if rule.then.addPriority == nil { reasons.append(Reason(signal: "rule", points: 0, text: "rule: \(rule.name)")) }
            if let f = rule.then.priorityFloor { floor = max(floor ?? 0, f) }
        }
        return StaticPriority(points: reasons.reduce(0) { $0 + $1.points }, floor: floor, reasons: reasons)
    }

    /// Points for time spent waiting: a share of `weights.waiting` as the SLA target is used up,
    /// and `weights.breached` on top once it is past due.
    public static func waitingPoints(used: Double, breached: Bool, weights: TriageWeights) -> Double {
        (weights.waiting * min(1, max(0, used))).rounded() + (breached ? weights.breached : 0)
    }

    /// The final priority: the points within 0–100, then raised to the floor.
    public static func priority(staticPoints: Double, waitingPoints: Double, floor: Int?) -> Int {
        let value = Int(max(0, min(100, (staticPoints + waitingPoints).rounded())))
        return max(value, floor ?? 0)
    }

    /// One decimal, with a real minus sign: `−0.8`.
    static func signed(_ value: Double) -> String {
        (value < 0 ? "−" : "") + Self.oneDecimal(abs(value))
    }

    /// `12.78` → `12.8`, `4.0` → `4` (String(format:) costs more than the rest of scoring).
    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let whole = "\(tenths / 10)"
        return tenths % 10 == 0 ? whole : whole + ".\(abs(tenths % 10))"
    }
}

/// Ordinals for reasons: 1 → "1st", 2 → "2nd", 3 → "3rd", 11 → "11th".
enum Ordinal {
    static func of(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }
}
