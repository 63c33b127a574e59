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
    /// For finding copies of the text (`TextFingerprint`).
    public var fingerprint: Int64?
}

/// Reads messages into `MessageAnalysis`: one tokenisation per message (each word looked up
/// once, in a vocabulary of every word the lexicon, cues and keywords know), then the lexicon,
/// the cue phrases and the urgency keywords over the same word ids.
public struct MessageAnalyzer: Sendable {
    public let scorer: SentimentScorer
    private let vocabulary: Vocabulary
    private let questionStart: Set<Int32>
    private let idea, spam, complaint, praise, urgency: PhraseMatcher
    /// Urgency categories, by the index each keyword's phrase carries as its value.
    private let categories: [String]

    /// Sentiment at or above this is positive, at or below its negative is negative.
    public static let polarityThreshold = 0.05

    public init(keywords: [String: [String]] = TriageCues.builtIn.urgency, lexicon: Lexicon = .builtIn, cues: TriageCues = .builtIn) {
        var vocabulary = Vocabulary()
        scorer = SentimentScorer(lexicon: lexicon, vocabulary: &vocabulary)
        func matcher(_ phrases: [String]) -> PhraseMatcher {
            var matcher = PhraseMatcher()
            for phrase in phrases { matcher.add(phrase, vocabulary: &vocabulary) }
            return matcher
        }
        (idea, spam, complaint, praise) = (matcher(cues.idea), matcher(cues.spam), matcher(cues.complaint), matcher(cues.praise))
        questionStart = Set(cues.questionStarts.map { vocabulary.add($0) })
        categories = keywords.keys.sorted()
        var urgency = PhraseMatcher()
        for (index, category) in categories.enumerated() {
            for term in keywords[category]! { urgency.add(term, value: Double(index), vocabulary: &vocabulary) }
        }
        self.urgency = urgency
        self.vocabulary = vocabulary
    }

    public func analyze(_ text: String) -> MessageAnalysis {
        let tokens = MessageTokens(text, vocabulary: vocabulary, symbols: scorer.symbols)
        let sentiment = scorer.score(tokens)
        let words = tokens.items
        // Each keyword once, though it may sit in several categories ("charged twice" is money).
        let hits = urgency.allMatches(in: words).map { UrgencyHit(category: categories[Int($0.value)], term: $0.text) }
        let spamCues = spam.matches(in: words).map(\.text)
        let (kind, reason) = classify(tokens, sentiment: sentiment, spamCues: spamCues)
        return MessageAnalysis(sentiment: sentiment, kind: kind, kindReason: reason, urgency: hits, spamCues: spamCues, hasLink: tokens.hasLink,
                               fingerprint: tokens.fingerprint)
    }

    /// The kind, first match wins: spam (two cues, a link counting as one), idea (a request
    /// phrase), question ("?" or opening with a question word), complaint (negative, or a
    /// complaint phrase while not positive), praise (positive, or thanks while not negative).
    private func classify(_ tokens: MessageTokens, sentiment: Double, spamCues: [String]) -> (MentionKind, String) {
        let words = tokens.items
        if spamCues.count + (tokens.hasLink ? 1 : 0) >= 2 {
            return (.spam, (spamCues.map { "\"\($0)\"" } + (tokens.hasLink ? ["a link"] : [])).joined(separator: ", "))
        }
        if let cue = idea.matches(in: words).first { return (.idea, "\"\(cue.text)\"") }
        if tokens.hasQuestionMark { return (.question, "asks (?)") }
        if tokens.wordCount >= 3, let first = words.first(where: \.isWord), questionStart.contains(first.id) {
            return (.question, "opens with \"\(vocabulary.word(first.id))\"")
        }
        if sentiment <= -0.2 { return (.complaint, "negative") }
        if sentiment < 0.3, let cue = complaint.matches(in: words).first { return (.complaint, "\"\(cue.text)\"") }
        if sentiment >= 0.3 { return (.praise, "positive") }
        if sentiment >= 0, let thanks = praise.matches(in: words).first { return (.praise, "\"\(thanks.text)\"") }
        return (.other, "no cue")
    }
}
