import Foundation

/// Messages people labelled, read from the published CSV files of labelled tweets (Latin-1 as
/// published): the Apple set (`sentiment` 1/3/5, `text`) and the SXSW brands set
/// (`tweet_text`, `is_there_an_emotion_directed_at_a_brand_or_product`). Messages whose label
/// says nothing ("not_relevant", "I can't tell") are left out. Also heed's own set, one message
/// a line as SENTIMENT <tab> KIND <tab> TEXT after `#` comments.
public struct LabelledMessage: Sendable, Equatable {
    public enum Sentiment: String, Sendable, CaseIterable {
        case negative, neutral, positive

        /// The class heed gives a sentiment score (`MessageAnalyzer.polarityThreshold` either way).
        public init(score: Double) {
            self = score >= MessageAnalyzer.polarityThreshold ? .positive : score <= -MessageAnalyzer.polarityThreshold ? .negative : .neutral
        }
    }
    public var text: String
    public var sentiment: Sentiment
    /// heed's own set only: the kind people gave it, and its line in the file.
    public var kind: String?
    public var line: Int?

    public init(text: String, sentiment: Sentiment, kind: String? = nil, line: Int? = nil) {
        (self.text, self.sentiment, self.kind, self.line) = (text, sentiment, kind, line)
    }
}

public enum LabelledSet {
    public static func read(path: String) throws -> [LabelledMessage] {
        guard let data = FileManager.default.contents(atPath: path) else { throw HeedError("cannot read \(path)", .unreadable) }
        // Latin-1 as published; a file already in UTF-8 is read as it is.
        let text = String(data: data, encoding: .utf8) ?? String(String.UnicodeScalarView(data.map { Unicode.Scalar($0) }))
        if text.hasPrefix("#") { return try own(text, path: path) }
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("heed-labelled-\(getpid()).csv").path
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else { throw HeedError("cannot write \(temporary)") }
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let fd = open(temporary, O_RDONLY)
        guard fd >= 0 else { throw HeedError("cannot read \(temporary)", .unreadable) }
        defer { close(fd) }
        var reader = CSVRecordReader(fd: fd)
        guard let header = try reader.next()?.fields else { throw HeedError("\(path): empty", .badData) }
        let textColumn = header.firstIndex(of: "text") ?? header.firstIndex(of: "tweet_text")
        let labelColumn = header.firstIndex(of: "sentiment") ?? header.firstIndex(of: "is_there_an_emotion_directed_at_a_brand_or_product")
        guard let textColumn, let labelColumn else {
            throw HeedError("\(path): line 1: neither the Apple (text, sentiment) nor the SXSW (tweet_text, is_there_an_emotion…) header", .badData)
        }
        var messages: [LabelledMessage] = []
        while let (fields, _) = try reader.next() {
            guard fields.count > Swift.max(textColumn, labelColumn), let sentiment = label(fields[labelColumn]) else { continue }
            messages.append(LabelledMessage(text: fields[textColumn], sentiment: sentiment))
        }
        return messages
    }

    /// heed's own layout.
    private static func own(_ text: String, path: String) throws -> [LabelledMessage] {
        var messages: [LabelledMessage] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty && !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, let sentiment = LabelledMessage.Sentiment(rawValue: String(fields[0])) else {
                throw HeedError("\(path): line \(index + 1): expected SENTIMENT <tab> KIND <tab> TEXT, the sentiment negative, neutral or positive", .badData)
            }
            messages.append(LabelledMessage(text: String(fields[2]), sentiment: sentiment, kind: String(fields[1]), line: index + 1))
        }
        return messages
    }

    static func label(_ value: String) -> LabelledMessage.Sentiment? {
        switch value.trimmingCharacters(in: .whitespaces) {
        case "1", "Negative emotion": .negative
        case "3", "No emotion toward brand or product": .neutral
        case "5", "Positive emotion": .positive
        default: nil
        }
    }
}

/// Precision, recall and F1 of each class, from (labelled, predicted) pairs.
public struct ClassScores: Sendable {
    public struct Score: Sendable {
        public var precision, recall, f1: Double
        public var support: Int
    }

    public var scores: [(label: String, score: Score)]

    public init(_ pairs: [(String, String)], labels: [String]) {
        scores = labels.map { label in
            let predicted = pairs.filter { $0.1 == label }.count
            let actual = pairs.filter { $0.0 == label }.count
            let right = pairs.filter { $0.0 == label && $0.1 == label }.count
            let precision = predicted == 0 ? 0 : Double(right) / Double(predicted)
            let recall = actual == 0 ? 0 : Double(right) / Double(actual)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return (label, Score(precision: precision, recall: recall, f1: f1, support: actual))
        }
    }

    public var macroF1: Double { scores.map(\.score.f1).reduce(0, +) / Double(Swift.max(1, scores.count)) }

    public func score(_ label: String) -> Score? { scores.first { $0.label == label }?.score }
}

extension Lexicon {
    /// How negative a word of another lexicon must be to be added.
    static let addedWordsAtMost = 1.0
    /// English words that are everyday words of the other languages customers write in
    /// ("die Karte": the card; "war": was): never taken from another lexicon.
    static let falseFriends: Set<String> = ["die", "war", "mist", "fart", "slut"]

    /// VADER's lexicon (`vader_lexicon.txt`: TERM <tab> mean valence <tab> …) for comparison:
    /// its words and emoticons, with heed's boosters, negations and contrast words (VADER keeps
    /// those in its code, not in the file).
    public static func vader(path: String) throws -> Lexicon {
        guard let data = FileManager.default.contents(atPath: path) else { throw HeedError("cannot read \(path)", .unreadable) }
        return vader(String(decoding: data, as: UTF8.self), base: own)
    }

    static func vader(_ text: String, base: Lexicon) -> Lexicon {
        var lexicon = Lexicon()
        (lexicon.boosters, lexicon.phraseBoosters) = (base.boosters, base.phraseBoosters)
        (lexicon.negations, lexicon.contrasts) = (base.negations, base.contrasts)
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t")
            guard fields.count >= 2, let value = Double(fields[1]) else { continue }
            let term = String(fields[0])
            if term.unicodeScalars.allSatisfy({ CharacterSet.letters.contains($0) || $0 == "'" || $0 == "-" }) {
                lexicon.words[term] = value
            } else {
                lexicon.emoticons[term] = value
                lexicon.longestEmoticon = Swift.max(lexicon.longestEmoticon, term.utf8.count)
            }
        }
        return lexicon
    }

    /// This lexicon with `other`'s negative words it lacks (its own valences win). Only the
    /// negative: they are what heed's own lexicon misses most on real complaints, and a positive
    /// word it does not know ("urgent" is +0.8 in VADER) must not make a complaint look calmer.
    public func adding(wordsOf other: Lexicon) -> Lexicon {
        var merged = self
        for (word, value) in other.words where merged.words[word] == nil && value <= -Self.addedWordsAtMost && !Self.falseFriends.contains(word) {
            merged.words[word] = value
        }
        for (emoticon, value) in other.emoticons where merged.emoticons[emoticon] == nil && value <= -Self.addedWordsAtMost {
            merged.emoticons[emoticon] = value
            merged.longestEmoticon = Swift.max(merged.longestEmoticon, emoticon.utf8.count)
        }
        return merged
    }
}
