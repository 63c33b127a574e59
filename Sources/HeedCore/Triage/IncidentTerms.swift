/// The words an incident is recognised by: a message's significant words (lower case; not
/// common words, handles, links or numbers) and each pair of neighbouring ones ("app down"),
/// each as a key for counting.
struct IncidentTerms: Sendable {
    /// Significant words in their order, each once (when asked for: detection keeps only the
    /// keys of the many complaints it counts, and reads the words of an incident's members).
    private(set) var words: [String] = []
    /// One key per significant word and per pair of neighbours, each once.
    private(set) var keys: [Int64] = []
    /// The keys that are pairs.
    private(set) var pairs: [Int64] = []

    /// Enough for a complaint's gist; a long post would otherwise count hundreds of pairs.
    static let maxWords = 16

    /// Reads the text's bytes once: words are runs of letters, digits and inner apostrophes
    /// (’ counts as one); a run of text that starts with @ or holds "://" or starts with "www."
    /// is skipped whole; emoji and punctuation separate words.
    init(_ text: String, common: Set<String>, keepWords: Bool = true) {
        var text = text
        text.withUTF8 { bytes in read(bytes, common: common, keepWords: keepWords) }
    }

    private mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, common: Set<String>, keepWords: Bool) {
        var significant = 0
        var word: [UInt8] = []
        word.reserveCapacity(32)
        var previous: (key: Int64, word: String)?
        var nonASCII = false
        func flush() {
            defer {
                word.removeAll(keepingCapacity: true)
                nonASCII = false
            }
            while word.last == UInt8(ascii: "'") { word.removeLast() }
            if word.count >= 2, word[word.count - 2] == UInt8(ascii: "'"), word[word.count - 1] == UInt8(ascii: "s") { word.removeLast(2) }
            guard word.count >= 3, word.count <= 60, !word.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return }
            var term = String(decoding: word, as: UTF8.self)
            if nonASCII { term = term.lowercased() }
            guard !common.contains(term) else { return }
            let key = Self.key(term)
            if let previous, previous.key != key {
                let pair = Self.key(Self.pair(previous.word, term))
                if !keys.contains(pair) {
                    keys.append(pair)
                    pairs.append(pair)
                }
            }
            if !keys.contains(key) {
                keys.append(key)
                significant += 1
                if keepWords { words.append(term) }
            }
            previous = (key, term)
        }
        var i = 0
        let n = bytes.count
        while i < n && significant < Self.maxWords {
            // The start of a run of text: skip handles and links whole.
            if i == 0 || Self.isSpace(bytes[i - 1]) {
                let b = bytes[i]
                if b == UInt8(ascii: "@") || Self.isLink(bytes, at: i) {
                    flush()
                    while i < n && !Self.isSpace(bytes[i]) { i += 1 }
                    continue
                }
            }
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                word.append(b)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                word.append(b | 0x20)
            case UInt8(ascii: "'") where !word.isEmpty:
                word.append(b)
            case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x99 && !word.isEmpty:
                word.append(UInt8(ascii: "'"))
                i += 3
                continue
            case 0xC0...0xDF, 0xE3...0xEF:
                // Letters of other scripts (Latin-1 to CJK); general punctuation and symbols
                // (E2) and emoji (F0…) separate words.
                let length = b >= 0xE0 ? 3 : 2
                guard i + length <= n else {
                    i = n
                    continue
                }
                word.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]))
                nonASCII = true
                i += length
                continue
            default:
                flush()
            }
            i += 1
        }
        flush()
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D }

    private static func isLink(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        var i = start
        var letters = 0
        while i < bytes.count, (bytes[i] | 0x20) >= UInt8(ascii: "a"), (bytes[i] | 0x20) <= UInt8(ascii: "z") {
            i += 1
            letters += 1
        }
        if letters == 3, i < bytes.count, bytes[i] == UInt8(ascii: "."), (bytes[start] | 0x20) == UInt8(ascii: "w"),
           (bytes[start + 1] | 0x20) == UInt8(ascii: "w"), (bytes[start + 2] | 0x20) == UInt8(ascii: "w") { return true }
        return letters > 0 && i + 2 < bytes.count && bytes[i] == UInt8(ascii: ":") && bytes[i + 1] == UInt8(ascii: "/") && bytes[i + 2] == UInt8(ascii: "/")
    }

    static func pair(_ a: String, _ b: String) -> String { a < b ? a + " " + b : b + " " + a }

    /// A term's key: FNV-1a of its text (a pair's words sorted, one space between).
    static func key(_ term: String) -> Int64 {
        let hash = FNV1a.hash(term.utf8)
        // Zero is the key of all traffic together (`IncidentDetector.allTraffic`).
        return hash == 0 ? 1 : Int64(bitPattern: hash)
    }
}
