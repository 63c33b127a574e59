/// Sentiment of one message from −1 (angry) to 1 (delighted), from the lexicon: word and phrase
/// valences, turned by negation ("not happy"), scaled by intensifiers and dampeners ("very",
/// "a bit"), weighed by contrast ("…but…": the part after counts more), raised by emphasis
/// (ALL CAPS words, "!!!"), with emoticons and emoji. The approach is VADER's (Hutto and
/// Gilbert, 2014), with a lexicon written for customer service.
///
/// The lexicon is compiled into tables by word id (see `Vocabulary`), so that scoring looks each
/// word of a message up once.
public struct SentimentScorer: Sendable {
    private(set) var vocabulary: Vocabulary
    let symbols: MessageTokens.Symbols
    /// By word id: valence (nil-free: 0 is none), booster scale, negation, contrast.
    private var valence: [Double] = []
    private var booster: [Double] = []
    private var negation: [Bool] = []
    private var contrast: [Bool] = []
    private var phrases = PhraseMatcher()
    private var phraseBoosters = PhraseMatcher()

    /// Added to a sentiment word's valence, in its own direction, when it alone is in capitals.
    static let capsBoost = 0.733
    /// A negated valence is turned and weakened: "not good" is less bad than "bad".
    static let negationFactor = -0.74
    static let exclamationBoost = 0.292
    /// Sets how fast the sum approaches ±1: sum / sqrt(sum² + alpha).
    static let alpha = 15.0

    public init(lexicon: Lexicon = .builtIn) {
        var vocabulary = Vocabulary()
        self.init(lexicon: lexicon, vocabulary: &vocabulary)
    }

    /// Compiles the lexicon, adding its words to `vocabulary` (which the caller may have filled
    /// with words of its own, and may add to afterwards: ids beyond the tables are not sentiment).
    init(lexicon: Lexicon, vocabulary: inout Vocabulary) {
        symbols = MessageTokens.Symbols(emoticons: lexicon.emoticons, emoji: lexicon.emoji, longestEmoticon: lexicon.longestEmoticon)
        var entries: [(Int32, (inout SentimentScorer) -> Void)] = []
        for (word, value) in lexicon.words { let id = vocabulary.add(word); entries.append((id, { $0.valence[Int(id)] = value })) }
        for (word, value) in lexicon.boosters { let id = vocabulary.add(word); entries.append((id, { $0.booster[Int(id)] = value })) }
        for word in lexicon.negations { let id = vocabulary.add(word); entries.append((id, { $0.negation[Int(id)] = true })) }
        for word in lexicon.contrasts { let id = vocabulary.add(word); entries.append((id, { $0.contrast[Int(id)] = true })) }
        var phrases = PhraseMatcher(), phraseBoosters = PhraseMatcher()
        for phrase in lexicon.phrases { phrases.add(phrase.words.joined(separator: " "), value: phrase.valence, vocabulary: &vocabulary) }
        for phrase in lexicon.phraseBoosters {
            phraseBoosters.add(phrase.words.joined(separator: " "), value: phrase.valence, vocabulary: &vocabulary)
        }
        self.vocabulary = vocabulary
        self.phrases = phrases
        self.phraseBoosters = phraseBoosters
        let size = vocabulary.count
        (valence, booster, negation, contrast) = (Array(repeating: 0, count: size), Array(repeating: 0, count: size),
                                                  Array(repeating: false, count: size), Array(repeating: false, count: size))
        for (_, set) in entries { set(&self) }
    }

    public func score(_ text: String) -> Double {
        score(MessageTokens(text, vocabulary: vocabulary, symbols: symbols))
    }

    private func known(_ id: Int32) -> Int? { id >= 0 && Int(id) < valence.count ? Int(id) : nil }

    func score(_ tokens: MessageTokens) -> Double {
        let words = tokens.items
        var sum = 0.0
        var weights: [(index: Int, value: Double)] = []
        var lastContrast = -1
        var index = 0
        var consumedUntil = 0
        while index < words.count {
            defer { index += 1 }
            let token = words[index]
            if token.kind == .symbol {
                weights.append((index, token.value))
                continue
            }
            guard token.kind == .word, let id = known(token.id) else { continue }
            if contrast[id] { lastContrast = index }
            guard index >= consumedUntil else { continue }
            var value: Double
            if let phrase = phrases.longest(at: index, in: words), phrase.ids.count > 1 || valence[id] == 0 {
                value = phrase.value
                consumedUntil = index + phrase.ids.count
            } else {
                value = valence[id]
            }
            if value == 0 { continue }
            if token.caps && !tokens.allCaps { value += value > 0 ? Self.capsBoost : -Self.capsBoost }
            weights.append((index, modified(value, before: index, in: words)))
        }
        guard !weights.isEmpty else { return 0 }
        // "X but Y": what comes after the last contrast word weighs more than what comes before.
        for (i, v) in weights { sum += lastContrast < 0 ? v : i < lastContrast ? v * 0.5 : v * 1.5 }
        if sum != 0 {
            let emphasis = Double(min(tokens.exclamations, 4)) * Self.exclamationBoost
            sum += sum > 0 ? emphasis : -emphasis
        }
        let normalized = sum / (sum * sum + Self.alpha).squareRoot()
        return max(-1, min(1, normalized))
    }

    /// Applies the boosters and negations among the three words before `index` (not crossing
    /// the end of a clause).
    private func modified(_ valence: Double, before index: Int, in words: [MessageTokens.Token]) -> Double {
        var value = valence
        var negated = false
        var distance = 0
        var k = index - 1
        while k >= 0 && distance < 3 {
            let word = words[k]
            guard word.kind == .word else { break }
            let decay = [1.0, 0.95, 0.9][distance]
            if let id = known(word.id), booster[id] != 0 {
                let scaled = (word.caps ? booster[id] * 1.5 : booster[id]) * decay
                value += value > 0 ? scaled : -scaled
            } else if k >= 1, let boost = phraseBoosters.longest(at: k - 1, in: words), boost.ids.count == 2 {
                value += (value > 0 ? boost.value : -boost.value) * decay
            } else if let id = known(word.id), negation[id] {
                negated.toggle()
            }
            distance += 1
            k -= 1
        }
        return negated ? value * Self.negationFactor : value
    }
}
