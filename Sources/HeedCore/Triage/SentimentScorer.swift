/// Sentiment of one message from −1 (angry) to 1 (delighted), from the lexicon: word and phrase
/// valences, turned by negation ("not happy"), scaled by intensifiers and dampeners ("very",
/// "a bit"), weighed by contrast ("…but…": the part after counts more), raised by emphasis
/// (ALL CAPS words, "!!!"), with emoticons and emoji. The approach is VADER's (Hutto and
/// Gilbert, 2014), with a lexicon written for customer service.
public struct SentimentScorer: Sendable {
    let lexicon: Lexicon

    public init(lexicon: Lexicon = .builtIn) {
        self.lexicon = lexicon
    }

    /// Added to a sentiment word's valence, in its own direction, when it alone is in capitals.
    static let capsBoost = 0.733
    /// A negated valence is turned and weakened: "not good" is less bad than "bad".
    static let negationFactor = -0.74
    static let exclamationBoost = 0.292
    /// Sets how fast the sum approaches ±1: sum / sqrt(sum² + alpha).
    static let alpha = 15.0

    public func score(_ text: String) -> Double {
        score(SentimentTokens(text, lexicon: lexicon))
    }

    func score(_ tokens: SentimentTokens) -> Double {
        var valences: [(index: Int, value: Double)] = []
        let words = tokens.items
        let shouting = tokens.allCaps
        var index = 0
        var consumedUntil = 0
        while index < words.count {
            defer { index += 1 }
            guard index >= consumedUntil else { continue }
            let token = words[index]
            switch token.kind {
            case .stop, .contrast: continue
            case .symbol(let value):
                valences.append((index, value))
                continue
            case .word: break
            }
            var value: Double
            if let phrase = match(lexicon.phrases[token.text], at: index, in: words) {
                value = phrase.valence
                consumedUntil = index + phrase.words.count
            } else if let v = lexicon.words[token.text] {
                value = v
            } else {
                continue
            }
            if value == 0 { continue }
            if token.caps && !shouting { value += value > 0 ? Self.capsBoost : -Self.capsBoost }
            value = modified(value, before: index, in: words)
            valences.append((index, value))
        }
        guard !valences.isEmpty else { return 0 }
        // "X but Y": what comes after the last contrast word weighs more than what comes before.
        var sum = 0.0
        if let contrast = words.lastIndex(where: { $0.kind == .contrast }) {
            for (i, v) in valences { sum += i < contrast ? v * 0.5 : v * 1.5 }
        } else {
            for (_, v) in valences { sum += v }
        }
        if sum != 0 {
            let emphasis = Double(min(tokens.exclamations, 4)) * Self.exclamationBoost
            sum += sum > 0 ? emphasis : -emphasis
        }
        let normalized = sum / (sum * sum + Self.alpha).squareRoot()
        return max(-1, min(1, normalized))
    }

    /// The longest phrase of `candidates` whose words follow from `index`.
    private func match(_ candidates: [Lexicon.Phrase]?, at index: Int, in words: [SentimentTokens.Token]) -> Lexicon.Phrase? {
        guard let candidates else { return nil }
        return candidates.first { phrase in
            index + phrase.words.count <= words.count
                && phrase.words.indices.allSatisfy { k in words[index + k].kind == .word && words[index + k].text == phrase.words[k] }
        }
    }

    /// Applies the boosters and negations among the three words before `index` (not crossing
    /// the end of a clause).
    private func modified(_ valence: Double, before index: Int, in words: [SentimentTokens.Token]) -> Double {
        var value = valence
        var negated = false
        var distance = 0
        var k = index - 1
        while k >= 0 && distance < 3 {
            let word = words[k]
            if word.kind != .word { break }
            let decay = [1.0, 0.95, 0.9][distance]
            if let boost = lexicon.boosters[word.text] {
                let scaled = (word.caps ? boost * 1.5 : boost) * decay
                value += value > 0 ? scaled : -scaled
            } else if k >= 1, let boost = lexicon.phraseBoosters[words[k - 1].text]?.first(where: { $0.words.count == 2 && $0.words[1] == word.text }) {
                value += (value > 0 ? boost.valence : -boost.valence) * decay
            } else if lexicon.negations.contains(word.text) {
                negated.toggle()
            }
            distance += 1
            k -= 1
        }
        return negated ? value * Self.negationFactor : value
    }
}

/// A message cut into what the scorer looks at: lower-case words (with whether they were in
/// capitals), emoticons and emoji with their valence, clause ends and contrast words.
struct SentimentTokens {
    struct Token: Equatable {
        enum Kind: Equatable {
            case word, contrast, stop
            case symbol(Double)
        }
        var kind: Kind
        var text = ""
        var caps = false
    }

    private(set) var items: [Token] = []
    /// The words alone (contrast words included), for matching cue phrases.
    var words: [String] { items.compactMap { $0.kind == .word || $0.kind == .contrast ? $0.text : nil } }
    private(set) var exclamations = 0
    /// Every word of two letters or more is in capitals: the whole message shouts, so capitals
    /// single nothing out.
    private(set) var allCaps = false

    init(_ text: String, lexicon: Lexicon) {
        let scalars = Array(text.unicodeScalars)
        var word = String.UnicodeScalarView()
        var upper = 0
        var lower = 0
        var capsWords = 0
        var longWords = 0
        func flushWord() {
            guard !word.isEmpty else { return }
            var text = String(word)
            let caps = upper >= 2 && lower == 0
            if upper > 0 { text = text.lowercased() }
            if upper + lower >= 2 {
                longWords += 1
                if caps { capsWords += 1 }
            }
            items.append(Token(kind: lexicon.contrasts.contains(text) ? .contrast : .word, text: text, caps: caps))
            word = String.UnicodeScalarView()
            upper = 0
            lower = 0
        }
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if s.properties.isAlphabetic || ("0"..."9").contains(s) || ((s == "'" || s == "\u{2019}") && !word.isEmpty) {
                if s.properties.isUppercase { upper += 1 } else if s.properties.isLowercase { lower += 1 }
                word.append(s == "\u{2019}" ? "'" : s)
                i += 1
                // A link is not words: skip it whole.
                if i + 2 < scalars.count, scalars[i] == ":", scalars[i + 1] == "/", scalars[i + 2] == "/",
                   ["http", "https"].contains(String(word).lowercased()) {
                    word = String.UnicodeScalarView()
                    (upper, lower) = (0, 0)
                    while i < scalars.count && !scalars[i].properties.isWhitespace { i += 1 }
                }
                continue
            }
            flushWord()
            if let (value, length) = emoticon(at: i, in: scalars, lexicon: lexicon) {
                items.append(Token(kind: .symbol(value)))
                i += length
                continue
            }
            if let value = lexicon.emoji[s] {
                items.append(Token(kind: .symbol(value)))
            } else if s == "!" {
                exclamations += 1
                items.append(Token(kind: .stop))
            } else if s == "." || s == "," || s == ";" || s == "?" || s == ":" || s == "\n" {
                items.append(Token(kind: .stop))
            }
            i += 1
        }
        flushWord()
        allCaps = longWords >= 2 && capsWords == longWords
    }

    /// An emoticon starting at `i`, at the start of the text or after a space (so that "https://"
    /// is not a frown).
    private func emoticon(at i: Int, in scalars: [Unicode.Scalar], lexicon: Lexicon) -> (Double, Int)? {
        guard scalars[i].isASCII, !scalars[i].properties.isWhitespace, i == 0 || scalars[i - 1].properties.isWhitespace else { return nil }
        var length = min(lexicon.longestEmoticon, scalars.count - i)
        while length >= 2 {
            var candidate = ""
            candidate.unicodeScalars.append(contentsOf: scalars[i..<(i + length)])
            let next = i + length
            if let value = lexicon.emoticons[candidate],
               next == scalars.count || scalars[next].properties.isWhitespace || !scalars[next].properties.isAlphabetic {
                return (value, length)
            }
            length -= 1
        }
        return nil
    }
}
