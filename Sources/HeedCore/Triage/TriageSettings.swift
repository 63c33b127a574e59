/// The config's `triage` section: how much each signal counts, the urgency keywords, and the
/// windows for repeat contact, incidents and noise.
public struct TriageSettings: Sendable, Equatable {
    public var weights = TriageWeights()
    /// Urgency keywords by category: the built-in ones, extended (or replaced) by the config's.
    public var keywords: [String: [String]] = TriageCues.builtIn.urgency
    /// Points by channel (a channel the team answers first gets more).
    public var channelWeights: [String: Double] = [:]
    /// Another conversation of the same contact within this many hours is a repeat contact.
    public var repeatWindowHours = 24
    public var incidents = IncidentSettings()
    /// A conversation whose spam score reaches this goes to the spam view.
    public var spamThreshold = 0.7

    public init() {}
}

/// Points each signal adds to (or takes from) a conversation's priority. Defaults are set so
/// that an ordinary question starts near 30, an angry complaint with an urgency keyword near 70,
/// and a VIP's or a breached one near the top.
public struct TriageWeights: Sendable, Equatable {
    public var base = 10.0
    /// Times the size of a negative sentiment (−1 gives the whole weight).
    public var negative = 30.0
    /// Taken away, times the size of a positive sentiment: thanks can wait.
    public var positive = 8.0
    public var kinds: [MentionKind: Double] = [.question: 8, .complaint: 8, .praise: -6, .idea: -4, .spam: -40, .other: 0]
    /// By urgency category; a category the config adds counts `otherKeyword`.
    public var keywords: [String: Double] = ["money": 10, "access": 8, "safety": 20, "outage": 8, "legal": 15, "fraud": 35, "vulnerable": 20,
                                             "deadline": 6, "repeated": 8]
    public var otherKeyword = 8.0
    /// Per tenfold followers (10 → 3, 1,000 → 9, 100,000 → 15), up to `followersMax`.
    public var followersPerTenfold = 3.0
    public var followersMax = 15.0
    public var verified = 4.0
    public var vip = 20.0
    public var advocate = 4.0
    public var detractor = 6.0
    /// Per other conversation of the contact within the repeat window, up to `repeatMax`.
    public var repeatContact = 5.0
    public var repeatMax = 15.0
    public var firstContact = 2.0
    /// Addressed to one of our accounts rather than talking about the brand.
    public var direct = 5.0
    /// Grows with the share of the SLA target used, up to this when due.
    public var waiting = 15.0
    public var breached = 5.0

    public init() {}

    /// Every weight's name in the config, for reading and for messages.
    public static let names = ["base", "negative", "positive", "question", "complaint", "praise", "idea", "spam", "other",
                               "followers_per_tenfold", "followers_max", "verified", "vip", "advocate", "detractor",
                               "repeat_contact", "repeat_max", "first_contact", "direct", "waiting", "breached", "other_keyword"]
        + TriageCues.urgencyCategories

    public subscript(name name: String) -> Double? {
        get {
            if let kind = MentionKind(rawValue: name) { return kinds[kind] }
            if TriageCues.urgencyCategories.contains(name) { return keywords[name] }
            return Self.fields[name].map { self[keyPath: $0] }
        }
        set {
            guard let newValue else { return }
            if let kind = MentionKind(rawValue: name) { kinds[kind] = newValue } else if TriageCues.urgencyCategories.contains(name) {
                keywords[name] = newValue
            } else if let field = Self.fields[name] { self[keyPath: field] = newValue }
        }
    }

    nonisolated(unsafe) private static let fields: [String: WritableKeyPath<TriageWeights, Double>] = [
        "base": \.base, "negative": \.negative, "positive": \.positive, "followers_per_tenfold": \.followersPerTenfold,
        "followers_max": \.followersMax, "verified": \.verified, "vip": \.vip, "advocate": \.advocate, "detractor": \.detractor,
        "repeat_contact": \.repeatContact, "repeat_max": \.repeatMax, "first_contact": \.firstContact, "direct": \.direct,
        "waiting": \.waiting, "breached": \.breached, "other_keyword": \.otherKeyword,
    ]
}

/// When a burst of similar complaints becomes an incident.
public struct IncidentSettings: Sendable, Equatable {
    /// At least this many mentions sharing a term (or a pair of terms)…
    public var minMentions = 20
    /// …within this many minutes…
    public var windowMinutes = 10
    /// …at this many times the term's usual rate or more.
    public var rateFactor = 5.0
    /// An incident with no new member for this long is over; later mentions start a new one.
    public var quietMinutes = 120

    public init() {}

    /// The window and the quiet time in milliseconds, as detection compares them.
    var window: Int64 { Int64(windowMinutes) * 60_000 }
    var quiet: Int64 { Int64(quietMinutes) * 60_000 }
}
