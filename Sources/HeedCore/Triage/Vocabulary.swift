/// Every word the lexicon, the cues and the urgency keywords know, numbered: a message's words
/// are looked up once each, and everything after compares small integers. A word nothing knows
/// is `Vocabulary.unknown`.
struct Vocabulary: Sendable {
    static let unknown: Int32 = -1
    private(set) var ids: [String: Int32] = [:]
    private var words: [String] = []
    /// The same words looked up by their UTF-8 bytes, without making a String of each word of
    /// each message: open addressing over FNV-1a hashes, a slot holding an id or -1.
    private var slots: [Int32] = Array(repeating: -1, count: 64)
    private var hashes: [UInt64] = []
    private var bytes: [[UInt8]] = []

    var count: Int { ids.count }

    mutating func add(_ word: String) -> Int32 {
        if let id = ids[word] { return id }
        let id = Int32(ids.count)
        ids[word] = id
        words.append(word)
        hashes.append(Self.hash(word.utf8))
        bytes.append(Array(word.utf8))
        if hashes.count * 2 > slots.count {
            slots = Array(repeating: -1, count: slots.count * 2)
            for index in hashes.indices { place(Int32(index)) }
        } else {
            place(id)
        }
        return id
    }

    private mutating func place(_ id: Int32) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hashes[Int(id)]) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = id
    }

    func word(_ id: Int32) -> String { words.indices.contains(Int(id)) ? words[Int(id)] : "" }

    /// The id of the word whose UTF-8 bytes these are (lower case already).
    func id(bytes word: [UInt8]) -> Int32 {
        let hash = Self.hash(word)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return Self.unknown }
            if hashes[Int(id)] == hash && bytes[Int(id)] == word { return id }
            slot = (slot + 1) & mask
        }
    }

    private static func hash<C: Collection<UInt8>>(_ bytes: C) -> UInt64 { FNV1a.hash(bytes) }

    /// A phrase's words as ids, adding them.
    mutating func add(phrase: String) -> [Int32] {
        MessageTokens.words(of: phrase).map { add($0) }
    }
}

/// Phrases (each a run of word ids) found in a message, by their first word.
struct PhraseMatcher: Sendable {
    struct Phrase: Sendable {
        var ids: [Int32]
        var text: String
        /// What the phrase stands for: a valence, a booster's scale, a category's index.
        var value: Double
    }

    /// By first word id (an array, not a dictionary: it is read for every word of every
    /// message); the longest phrase first.
    private var byFirst: [[Phrase]] = []

    private func phrases(startingWith id: Int32) -> [Phrase]? {
        id >= 0 && Int(id) < byFirst.count && !byFirst[Int(id)].isEmpty ? byFirst[Int(id)] : nil
    }

    mutating func add(_ text: String, value: Double = 0, vocabulary: inout Vocabulary) {
        let ids = vocabulary.add(phrase: text)
        guard let first = ids.first.map(Int.init) else { return }
        if byFirst.count <= first { byFirst += Array(repeating: [], count: first + 1 - byFirst.count) }
        byFirst[first].append(Phrase(ids: ids, text: ids.count == 1 ? text : MessageTokens.words(of: text).joined(separator: " "), value: value))
        byFirst[first].sort { $0.ids.count > $1.ids.count }
    }

    /// The longest phrase starting at token `index`.
    func longest(at index: Int, in tokens: [MessageTokens.Token]) -> Phrase? {
        let first = tokens[index].id
        guard let candidates = phrases(startingWith: first) else { return nil }
        return candidates.first { phrase in
            index + phrase.ids.count <= tokens.count && phrase.ids.indices.allSatisfy { tokens[index + $0].id == phrase.ids[$0] }
        }
    }

    /// Every phrase found, overlapping ones included, each (text, value) once.
    func allMatches(in tokens: [MessageTokens.Token]) -> [Phrase] {
        var found: [Phrase] = []
        for index in tokens.indices where tokens[index].isWord && tokens[index].id != Vocabulary.unknown {
            for phrase in phrases(startingWith: tokens[index].id) ?? [] where index + phrase.ids.count <= tokens.count
                && phrase.ids.indices.allSatisfy({ tokens[index + $0].id == phrase.ids[$0] })
                && !found.contains(where: { $0.text == phrase.text && $0.value == phrase.value }) {
                found.append(phrase)
            }
        }
        return found
    }

    /// The phrases found in the words, each once, in the order they occur; a phrase inside a
    /// longer one found ("giveaway" in "crypto giveaway") is not counted again.
    /// `negated`: a phrase right after one of these words does not count ("no idea", "no thanks").
    func matches(in tokens: [MessageTokens.Token], negated: Set<Int32> = []) -> [Phrase] {
        var found: [Phrase] = []
        var coveredUntil = 0
        for index in tokens.indices where tokens[index].isWord {
            guard let phrase = longest(at: index, in: tokens), index + phrase.ids.count > coveredUntil else { continue }
            if index > 0, tokens[index - 1].isWord, negated.contains(tokens[index - 1].id) { continue }
            if !found.contains(where: { $0.text == phrase.text }) { found.append(phrase) }
            coveredUntil = index + phrase.ids.count
        }
        return found
    }
}
