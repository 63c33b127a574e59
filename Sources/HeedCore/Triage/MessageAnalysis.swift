/// What a message is, as far as triage can tell from its text.
public enum MentionKind: String, Sendable, CaseIterable, Codable {
    case question, complaint, praise, idea, spam, other
}

/// An urgency keyword found in a message, with its category (money, access, …).
public struct UrgencyHit: Sendable, Equatable, Hashable {
    public var category: String
    public var term: String
}

/// The text signals of one message: sentiment, kind (and why), urgency keywords, spam cues.
public struct MessageAnalysis: Sendable, Equatable {
    public var sentiment: Double
    public var kind: MentionKind
    /// Why the kind: the cue or the sentiment that decided it.
    public var kindReason: String
    public var urgency: [UrgencyHit]
    public var spamCues: [String]
    public var hasLink: Bool
}

/// Reads messages into `MessageAnalysis`: one tokenisation per message, then the lexicon, the
/// cue phrases and the urgency keywords over the same words.
public struct MessageAnalyzer: Sendable {
    public let scorer: SentimentScorer
    let cues: TriageCues
    /// Urgency keywords by category, as phrase sets.
    let urgency: [(category: String, phrases: PhraseSet)]

    /// Sentiment at or above this is positive, at or below its negative is negative.
    public static let polarityThreshold = 0.05

    public init(keywords: [String: [String]] = TriageCues.builtIn.urgency, lexicon: Lexicon = .builtIn, cues: TriageCues = .builtIn) {
        scorer = SentimentScorer(lexicon: lexicon)
        self.cues = cues
        urgency = keywords.keys.sorted().map { ($0, PhraseSet(keywords[$0]!)) }
    }

    public func analyze(_ text: String) -> MessageAnalysis {
        let tokens = SentimentTokens(text, lexicon: scorer.lexicon)
        let sentiment = scorer.score(tokens)
        let words = tokens.words
        var hits: [UrgencyHit] = []
        for (category, phrases) in urgency {
            for term in phrases.matches(in: words) { hits.append(UrgencyHit(category: category, term: term)) }
        }
        let hasLink = text.contains("http://") || text.contains("https://") || text.contains("www.") || text.contains("bit.ly/")
        let spamCues = cues.spam.matches(in: words)
        let (kind, reason) = classify(text: text, words: words, sentiment: sentiment, spamCues: spamCues, hasLink: hasLink)
        return MessageAnalysis(sentiment: sentiment, kind: kind, kindReason: reason, urgency: hits, spamCues: spamCues, hasLink: hasLink)
    }

    /// The kind, first match wins: spam (two cues, a link counting as one), idea (a request
    /// phrase), question ("?" or opening with a question word), complaint (negative, or a
    /// complaint phrase while not positive), praise (positive, or thanks while not negative).
    private func classify(text: String, words: [String], sentiment: Double, spamCues: [String], hasLink: Bool) -> (MentionKind, String) {
        if spamCues.count + (hasLink ? 1 : 0) >= 2 {
            return (.spam, (spamCues.map { "\"\($0)\"" } + (hasLink ? ["a link"] : [])).joined(separator: ", "))
        }
        if let cue = cues.idea.matches(in: words).first { return (.idea, "\"\(cue)\"") }
        if text.contains("?") { return (.question, "asks (?)") }
        if words.count >= 3, let first = words.first, cues.questionStarts.contains(first) { return (.question, "opens with \"\(first)\"") }
        let complaint = cues.complaint.matches(in: words).first
        if sentiment <= -0.2 { return (.complaint, "negative") }
        if let complaint, sentiment < 0.3 { return (.complaint, "\"\(complaint)\"") }
        if sentiment >= 0.3 { return (.praise, "positive") }
        if let thanks = cues.praise.matches(in: words).first, sentiment >= 0 { return (.praise, "\"\(thanks)\"") }
        return (.other, "no cue")
    }
}
