/// A message cut into what triage looks at: words (as vocabulary ids, with whether they were
/// in capitals), emoticons and emoji with their valence, and clause ends. Reads the UTF-8 bytes
/// directly: ASCII (most of every message) needs no Unicode property lookups.
struct MessageTokens {
    struct Token: Sendable {
        enum Kind: UInt8 { case word, stop, symbol }
        var kind: Kind
        var id: Int32 = Vocabulary.unknown
        var caps = false
        /// An emoticon's or emoji's valence.
        var value = 0.0

        var isWord: Bool { kind == .word }
    }

    private(set) var items: [Token] = []
    private(set) var exclamations = 0
    private(set) var wordCount = 0
    /// Every word of two letters or more is in capitals: the message shouts, so capitals single
    /// nothing out.
    private(set) var allCaps = false
    private(set) var hasQuestionMark = false
    private(set) var hasLink = false
    /// The text's fingerprint for finding copies (see `TextFingerprint`), nil when it has too few words.
    var fingerprint: Int64? { fingerprintWords >= TextFingerprint.minimumWords ? Int64(bitPattern: fingerprintHash) : nil }
    private var fingerprintHash = FNV1a.offset
    private var fingerprintWords = 0
    /// The current run of non-space characters: its words join the fingerprint unless it turns
    /// out to be a link or path (it holds a "/") or a handle or hashtag.
    private var runBytes: [UInt8] = []
    private var runWords = 0
    private var runSkipped = false

    /// Emoticons and emoji to recognise.
    struct Symbols: Sendable {
        var emoticons: [String: Double] = [:]
        var emoji: [Unicode.Scalar: Double] = [:]
        var longestEmoticon = 0
    }

    init(_ text: String, vocabulary: Vocabulary, symbols: Symbols) {
        var text = text
        text.withUTF8 { bytes in tokenize(bytes, vocabulary: vocabulary, symbols: symbols, words: nil) }
    }

    /// A phrase's words, lower case, as the tokenizer cuts a message.
    static func words(of phrase: String) -> [String] {
        var words: [String] = []
        var text = phrase
        var tokens = MessageTokens()
        text.withUTF8 { bytes in tokens.tokenize(bytes, vocabulary: Vocabulary(), symbols: Symbols(), words: &words) }
        return words
    }

    private init() {}

    private mutating func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, vocabulary: Vocabulary, symbols: Symbols, words: UnsafeMutablePointer<[String]>?) {
        var word: [UInt8] = []
        word.reserveCapacity(32)
        var upper = 0, lower = 0, nonASCII = false
        var capsWords = 0, longWords = 0
        func flush() {
            guard !word.isEmpty else { return }
            if nonASCII || words != nil {
                // Other scripts lower-cased as Unicode says (rare); a phrase's words kept as text.
                let text = nonASCII ? String(decoding: word, as: UTF8.self).lowercased() : String(decoding: word, as: UTF8.self)
                words?.pointee.append(text)
                if nonASCII { word = Array(text.utf8) }
            }
            let caps = upper >= 2 && lower == 0
            if upper + lower >= 2 {
                longWords += 1
                if caps { capsWords += 1 }
            }
            if !word.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                runBytes.append(contentsOf: word)
                runBytes.append(0x20)
                runWords += 1
            }
            items.append(Token(kind: .word, id: vocabulary.id(bytes: word), caps: caps))
            wordCount += 1
            word.removeAll(keepingCapacity: true)
            (upper, lower, nonASCII) = (0, 0, false)
        }
        func endRun() {
            if !runSkipped {
                // Each word's bytes and a space, as the fingerprint has always been made.
                for byte in runBytes { fingerprintHash = (fingerprintHash ^ UInt64(byte)) &* FNV1a.prime }
                fingerprintWords += runWords
            }
            runBytes.removeAll(keepingCapacity: true)
            runWords = 0
            runSkipped = false
        }
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D {
                flush()
                endRun()
            } else if b == UInt8(ascii: "/") || ((b == UInt8(ascii: "@") || b == UInt8(ascii: "#")) && runWords == 0 && word.isEmpty) {
                runSkipped = true
            }
            if b < 0x80 {
                switch b {
                case UInt8(ascii: "a")...UInt8(ascii: "z"):
                    lower += 1
                    word.append(b)
                    i += 1
                    continue
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    upper += 1
                    word.append(b | 0x20)
                    i += 1
                    continue
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    word.append(b)
                    i += 1
                    continue
                case UInt8(ascii: "'") where !word.isEmpty:
                    word.append(b)
                    i += 1
                    continue
                case UInt8(ascii: ":"):
                    // A link is not words: skip it whole.
                    if i + 2 < n, bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/"),
                       word == Array("http".utf8) || word == Array("https".utf8) {
                        hasLink = true
                        word.removeAll(keepingCapacity: true)
                        (upper, lower, nonASCII) = (0, 0, false)
                        while i < n && bytes[i] != 0x20 && bytes[i] != 0x0A && bytes[i] != 0x09 { i += 1 }
                        continue
                    }
                default: break
                }
                flush()
                if let (value, length) = emoticon(at: i, in: bytes, symbols: symbols) {
                    items.append(Token(kind: .symbol, value: value))
                    i += length
                    continue
                }
                switch b {
                case UInt8(ascii: "!"):
                    exclamations += 1
                    items.append(Token(kind: .stop))
                case UInt8(ascii: "?"):
                    hasQuestionMark = true
                    items.append(Token(kind: .stop))
                case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), 0x0A:
                    items.append(Token(kind: .stop))
                default: break
                }
                i += 1
                continue
            }
            // A multi-byte character: decode one scalar.
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            guard length > 1, i + length <= n else {
                flush()
                i += 1
                continue
            }
            var value = UInt32(b) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for k in 1..<length { value = value << 6 | (UInt32(bytes[i + k]) & 0x3F) }
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
            if scalar == "\u{2019}" && !word.isEmpty {
                word.append(UInt8(ascii: "'"))
            } else if scalar.properties.isAlphabetic {
                if scalar.properties.isUppercase { upper += 1 } else { lower += 1 }
                nonASCII = true
                word.append(contentsOf: bytes[i..<(i + length)])
            } else {
                flush()
                if let valence = symbols.emoji[scalar] { items.append(Token(kind: .symbol, value: valence)) }
            }
            i += length
        }
        flush()
        endRun()
        allCaps = longWords >= 2 && capsWords == longWords
        if !hasLink {
            // "www." and shortened links without a scheme.
            hasLink = Self.contains(bytes, "www.") || Self.contains(bytes, "bit.ly/")
        }
    }

    /// An emoticon starting at `i`, at the start of the text or after a space (so that a
    /// link's colon-slash is not a frown).
    private func emoticon(at i: Int, in bytes: UnsafeBufferPointer<UInt8>, symbols: Symbols) -> (Double, Int)? {
        guard !symbols.emoticons.isEmpty, bytes[i] != 0x20, i == 0 || bytes[i - 1] == 0x20 || bytes[i - 1] == 0x0A else { return nil }
        var length = min(symbols.longestEmoticon, bytes.count - i)
        while length >= 2 {
            let next = i + length
            if next == bytes.count || !Self.isASCIILetter(bytes[next]),
               let value = symbols.emoticons[String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<next]), as: UTF8.self)] {
                return (value, length)
            }
            length -= 1
        }
        return nil
    }

    private static func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }

    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let start = needle.utf8Start
        for i in 0...(bytes.count - count) where bytes[i] == start[0] {
            var k = 1
            while k < count && bytes[i + k] == start[k] { k += 1 }
            if k == count { return true }
        }
        return false
    }
}
