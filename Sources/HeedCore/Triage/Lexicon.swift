import Foundation

/// The sentiment lexicon (`Resources/sentiment-lexicon.tsv`, built into heed): word and phrase
/// valences, intensifiers, negations, contrast words, emoticons and emoji.
public struct Lexicon: Sendable {
    /// A phrase of several words, valued as one.
    struct Phrase: Sendable {
        var words: [String]
        var valence: Double
    }

    var words: [String: Double] = [:]
    /// Phrases in file order (`SentimentScorer` indexes them by first word, longest first).
    var phrases: [Phrase] = []
    /// Single-word boosters; multi-word ones ("a bit") are in `phraseBoosters`.
    var boosters: [String: Double] = [:]
    var phraseBoosters: [Phrase] = []
    var negations: Set<String> = []
    var contrasts: Set<String> = []
    var emoticons: [String: Double] = [:]
    /// By the emoji's first scalar: variation selectors and skin tones do not change it.
    var emoji: [Unicode.Scalar: Double] = [:]
    /// Longest emoticon, in bytes.
    var longestEmoticon = 0

    /// The lexicon built into heed: its own, then the words of VADER's it lacks (its own win).
    /// On labelled real tweets VADER's breadth doubles the recall of negative messages.
    public static let builtIn: Lexicon = {
        switch parse(String(decoding: PackageResources.sentiment_lexicon_tsv, as: UTF8.self)) {
        case .success(let lexicon): return lexicon.adding(wordsOf: vader(String(decoding: PackageResources.vader_lexicon_tsv, as: UTF8.self), base: lexicon))
        case .failure(let problem): fatalError("the built-in sentiment lexicon is invalid: \(problem)")
        }
    }()

    /// Heed's own lexicon alone, without VADER's words.
    static let own: Lexicon = {
        guard case .success(let lexicon) = parse(String(decoding: PackageResources.sentiment_lexicon_tsv, as: UTF8.self)) else { fatalError() }
        return lexicon
    }()

    /// Reads lexicon text; the first bad line is reported with its number.
    static func parse(_ text: String) -> Result<Lexicon, LexiconProblem> {
        var lexicon = Lexicon()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = raw.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, let value = Double(fields[2]), !fields[1].isEmpty else {
                return .failure(LexiconProblem(line: index + 1, message: "expected KIND<tab>TERM<tab>NUMBER"))
            }
            let term = fields[1]
            let words = term.split(separator: " ").map(String.init)
            switch fields[0] {
            case "word": lexicon.words[term] = value
            case "phrase": lexicon.phrases.append(Phrase(words: words, valence: value))
            case "booster":
                if words.count == 1 { lexicon.boosters[term] = value } else {
                    lexicon.phraseBoosters.append(Phrase(words: words, valence: value))
                }
            case "negation": lexicon.negations.insert(term)
            case "contrast": lexicon.contrasts.insert(term)
            case "emoticon":
                lexicon.emoticons[term] = value
                lexicon.longestEmoticon = max(lexicon.longestEmoticon, term.utf8.count)
            case "emoji": lexicon.emoji[term.unicodeScalars.first!] = value
            default: return .failure(LexiconProblem(line: index + 1, message: "unknown kind \"\(fields[0])\""))
            }
        }
        return .success(lexicon)
    }
}

struct LexiconProblem: Error, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
}
