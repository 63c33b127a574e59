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
}

/// The config's rules, compiled once (regular expressions built, words lowered).
///
/// Every condition a rule names must hold; a condition listing several values holds when any
/// of them does (`"channel": ["x", "mastodon"]`). Text conditions ignore case.
public struct RuleSet: @unchecked Sendable {
    private struct Compiled {
        var rule: Rule
        var pattern: NSRegularExpression?
        var contains: [String]
        var authors: [String]
        var tags: [String]
    }

    private let compiled: [Compiled]

    public init(_ rules: [Rule]) {
        compiled = rules.map { rule in
            Compiled(rule: rule,
                     pattern: rule.when.textMatches.flatMap { try? NSRegularExpression(pattern: $0, options: [.caseInsensitive]) },
                     contains: rule.when.textContains.map { $0.lowercased() },
                     authors: rule.when.authors.map { Self.bare($0).lowercased() },
                     tags: rule.when.hasTag.map { $0.lowercased() })
        }
    }

    public var isEmpty: Bool { compiled.isEmpty }

    /// The rules whose conditions all hold, in config order.
    public func matching(_ s: RuleSubject) -> [Rule] {
        guard !compiled.isEmpty else { return [] }
        let lowered = s.text.lowercased()
        return compiled.filter { c in
            let when = c.rule.when
            if !c.contains.isEmpty && !c.contains.contains(where: { lowered.contains($0) }) { return false }
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
