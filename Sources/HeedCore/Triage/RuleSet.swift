import Foundation

/// What a rule's conditions are checked against: the latest unanswered customer message and
/// what is known of its conversation and author.
public struct RuleSubject: Sendable {
    public var text: String
    public var channel: String
    public var authorHandle: String
    public var authorID: String
    public var followers: Int
    public var verified: Bool
    public var sentiment: Double
    public var kind: MentionKind
    public var lang: String?
    /// The conversation's and the contact's tags, lower case.
    public var tags: Set<String>
    /// `text` in lower case, as UTF-8: what the rules' words are looked for in.
    public let lowered: [UInt8]

    public init(text: String, channel: String, authorHandle: String, authorID: String, followers: Int, verified: Bool, sentiment: Double,
                kind: MentionKind, lang: String?, tags: Set<String>) {
        (self.text, self.channel, self.authorHandle, self.authorID) = (text, channel, authorHandle, authorID)
        (self.followers, self.verified, self.sentiment, self.kind, self.lang, self.tags) = (followers, verified, sentiment, kind, lang, tags)
        lowered = Bytes.lowercased(text)
    }
}

/// The config's rules, compiled once (regular expressions built, words lowered).
///
/// Every condition a rule names must hold; a condition listing several values holds when any
/// of them does (`"channel": ["x", "mastodon"]`). Text conditions ignore case.
public struct RuleSet: @unchecked Sendable {
    private struct Compiled {
        var rule: Rule
        var pattern: NSRegularExpression?
        /// The pattern when it is only a list of words (`\b(refund|charged twice)\b`): matched
        /// without the regular-expression engine, which costs more than the rest of triage.
        var words: LiteralAlternatives?
        var contains: [[UInt8]]
        var authors: [String]
        var tags: [String]
    }

    private let compiled: [Compiled]

    public init(_ rules: [Rule]) {
        compiled = rules.map { rule in
            Compiled(rule: rule,
                     pattern: rule.when.textMatches.flatMap { LiteralAlternatives($0) == nil ? try? NSRegularExpression(pattern: $0, options: [.caseInsensitive]) : nil },
                     words: rule.when.textMatches.flatMap(LiteralAlternatives.init),
                     contains: rule.when.textContains.map { Array($0.lowercased().utf8) },
                     authors: rule.when.authors.map { Self.bare($0).lowercased() },
                     tags: rule.when.hasTag.map { $0.lowercased() })
        }
    }

    public var isEmpty: Bool { compiled.isEmpty }

    /// The rules whose conditions all hold, in config order.
    public func matching(_ s: RuleSubject) -> [Rule] {
        guard !compiled.isEmpty else { return [] }
        let lowered = s.lowered
        return compiled.filter { c in
            let when = c.rule.when
            if !c.contains.isEmpty && !c.contains.contains(where: { Bytes.contains(lowered, $0) }) { return false }
            if let words = c.words, !words.matches(lowered) { return false }
            if let pattern = c.pattern,
               pattern.firstMatch(in: s.text, range: NSRange(s.text.startIndex..., in: s.text)) == nil { return false }
            if !when.channels.isEmpty && !when.channels.contains(s.channel) { return false }
            if !c.authors.isEmpty && !c.authors.contains(Self.bare(s.authorHandle).lowercased()) && !c.authors.contains(s.authorID.lowercased()) {
                return false
            }
            if let least = when.followersAtLeast, s.followers < least { return false }
            if let verified = when.verified, s.verified != verified { return false }
            if let most = when.sentimentAtMost, s.sentiment > most { return false }
            if !when.kinds.isEmpty && !when.kinds.contains(s.kind.rawValue) { return false }
            if !when.languages.isEmpty && !when.languages.contains(where: { $0.lowercased() == s.lang?.lowercased() }) { return false }
            if !c.tags.isEmpty && !c.tags.contains(where: s.tags.contains) { return false }
            return true
        }.map(\.rule)
    }

    private static func bare(_ handle: String) -> String { handle.hasPrefix("@") ? String(handle.dropFirst()) : handle }
}

/// A regular expression that is only alternatives of plain words, optionally between word
/// boundaries and with `(?i)`: `\b(refund|chargeback|charged twice)\b`. Matched on lower-case
/// bytes; anything else (a class, a quantifier, an escape) is left to the regex engine.
struct LiteralAlternatives {
    var alternatives: [[UInt8]]
    var wordBoundaries: Bool

    init?(_ pattern: String) {
        var p = Substring(pattern)
        if p.hasPrefix("(?i)") { p = p.dropFirst(4) }
        wordBoundaries = p.hasPrefix("\\b") && p.hasSuffix("\\b") && p.count > 4
        if wordBoundaries { p = p.dropFirst(2).dropLast(2) }
        if p.hasPrefix("(?:") && p.hasSuffix(")") { p = p.dropFirst(3).dropLast() } else if p.hasPrefix("(") && p.hasSuffix(")") { p = p.dropFirst().dropLast() }
        let parts = p.split(separator: "|", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ part in
            !part.isEmpty && part.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == " " || $0 == "'" }
        }) else { return nil }
        alternatives = parts.map { Array($0.lowercased().utf8) }
    }

    func matches(_ lowered: [UInt8]) -> Bool {
        alternatives.contains { word in
            guard wordBoundaries else { return Bytes.contains(lowered, word) }
            return Self.occurrences(of: word, in: lowered).contains { start in
                let end = start + word.count
                return (start == 0 || !Self.isWordByte(lowered[start - 1])) && (end == lowered.count || !Self.isWordByte(lowered[end]))
            }
        }
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b >= 0x80
    }

    private static func occurrences(of word: [UInt8], in text: [UInt8]) -> [Int] {
        guard !word.isEmpty, text.count >= word.count else { return [] }
        var starts: [Int] = []
        for i in 0...(text.count - word.count) where text[i] == word[0] && text[i..<(i + word.count)].elementsEqual(word) { starts.append(i) }
        return starts
    }
}
