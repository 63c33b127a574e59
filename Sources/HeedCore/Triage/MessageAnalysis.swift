import Foundation

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

extension MessageAnalysis {
    /// The latest message read with the customer's earlier ones in the thread: the most
    /// negative sentiment, the kind that counts most, every urgency keyword — what an earlier
    /// message established is never lowered by a later one. Spam cues, links and the
    /// fingerprint stay the latest's.
    func keeping(_ earlier: [MessageAnalysis], kindWeights: [MentionKind: Double]) -> MessageAnalysis {
        var merged = self
        for other in earlier {
            if other.sentiment < merged.sentiment && other.sentiment <= -MessageAnalyzer.polarityThreshold { merged.sentiment = other.sentiment }
            if merged.kind != .spam, (kindWeights[other.kind] ?? 0) > (kindWeights[merged.kind] ?? 0), other.kind != .spam {
                (merged.kind, merged.kindReason) = (other.kind, other.kindReason)
            }
            for hit in other.urgency where !merged.urgency.contains(hit) { merged.urgency.append(hit) }
        }
        // A thread that turned negative is not praise because its latest message thanks.
        if merged.kind == .praise && merged.sentiment <= -MessageAnalyzer.polarityThreshold { (merged.kind, merged.kindReason) = (.complaint, "negative") }
        return merged
    }
}

/// Reads messages into `MessageAnalysis`: one tokenisation per message (each word looked up
/// once, in a vocabulary of every word the lexicon, cues and keywords know), then the lexicon,
/// the cue phrases and the urgency keywords over the same word ids.
public struct MessageAnalyzer: Sendable {
    public let scorer: SentimentScorer
    private let vocabulary: Vocabulary
    private let questionStart: Set<Int32>
    /// An idea or a thanks right after one of these is not one ("no idea why", "no thanks");
    /// not "can't", which would undo "can't thank you enough".
    private let negations: Set<Int32>
    static let cueNegations = ["no", "not", "never", "without"]
    /// Spam phrases: value 2 for those that are spam on their own, 1 for the others.
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
        (idea, complaint, praise) = (matcher(cues.idea), matcher(cues.complaint), matcher(cues.praise))
        var spam = PhraseMatcher()
        for phrase in cues.spam { spam.add(phrase, value: 1, vocabulary: &vocabulary) }
        for phrase in cues.spamAlone { spam.add(phrase, value: 2, vocabulary: &vocabulary) }
        self.spam = spam
        questionStart = Set(cues.questionStarts.map { vocabulary.add($0) })
        negations = Set(Self.cueNegations.map { vocabulary.add($0) })
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
        let spamMatches = spam.matches(in: words)
        let spamCues = spamMatches.map(\.text)
        let (kind, reason) = classify(tokens, sentiment: sentiment, spamCues: spamCues, alone: spamMatches.filter { $0.value >= 2 }.count)
        return MessageAnalysis(sentiment: sentiment, kind: kind, kindReason: reason, urgency: hits, spamCues: spamCues, hasLink: tokens.hasLink,
                               fingerprint: tokens.fingerprint)
    }

    /// The kind, first match wins: spam (two cues, a link counting as one, a cue that is spam
    /// on its own as two), idea (a request
    /// phrase), question ("?" or opening with a question word), complaint (negative, or a
    /// complaint phrase while not positive), praise (positive, or thanks while not negative).
    private func classify(_ tokens: MessageTokens, sentiment: Double, spamCues: [String], alone: Int) -> (MentionKind, String) {
        let words = tokens.items
        if spamCues.count + alone + (tokens.hasLink ? 1 : 0) >= 2 {
            return (.spam, (spamCues.map { "\"\($0)\"" } + (tokens.hasLink ? ["a link"] : [])).joined(separator: ", "))
        }
        if let cue = idea.matches(in: words, negated: negations).first { return (.idea, "\"\(cue.text)\"") }
        if tokens.hasQuestionMark { return (.question, "asks (?)") }
        if tokens.wordCount >= 3, let first = words.first(where: \.isWord), questionStart.contains(first.id) {
            return (.question, "opens with \"\(vocabulary.word(first.id))\"")
        }
        if sentiment <= -Self.polarityThreshold { return (.complaint, "negative") }
        if sentiment < 0.3, let cue = complaint.matches(in: words).first { return (.complaint, "\"\(cue.text)\"") }
        if sentiment >= 0.3 { return (.praise, "positive") }
        if sentiment >= 0, let thanks = praise.matches(in: words, negated: negations).first { return (.praise, "\"\(thanks.text)\"") }
        return (.other, "no cue")
    }
}

extension MessageAnalyzer {
    private static let sharedLock = NSLock()
    nonisolated(unsafe) private static var lastShared: (keywords: [String: [String]], analyzer: MessageAnalyzer)?

    /// The built-in lexicon and cues with `keywords`, built once for as long as the keywords stay
    /// the same (a process reads one config).
    static func shared(keywords: [String: [String]]) -> MessageAnalyzer {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if let last = lastShared, last.keywords == keywords { return last.analyzer }
        let analyzer = MessageAnalyzer(keywords: keywords)
        lastShared = (keywords, analyzer)
        return analyzer
    }
}
