/// How much a conversation looks like noise, from 0 to 1, and why: spam phrases and links,
/// the same text from many authors (a copy-paste campaign), throwaway accounts.
public struct SpamScore: Sendable, Equatable {
    public var value: Double
    public var reasons: [String]

    /// Other authors who wrote the same text (as `TextFingerprint` sees it) recently.
    public static func of(_ analysis: MessageAnalysis, copies: Int, followers: Int, handle: String) -> SpamScore {
        var value = 0.0
        var reasons: [String] = []
        if analysis.kind == .spam {
            value += 0.5
            reasons.append("spam: \(analysis.kindReason)")
        } else if !analysis.spamCues.isEmpty {
            value += 0.2 * Double(min(analysis.spamCues.count, 2))
            reasons.append(analysis.spamCues.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        // Many customers writing "is the app down?" is an incident, not spam: copies count when
        // the text is not a complaint or question, or carries a link or a spam phrase.
        let promotional = ![.complaint, .question].contains(analysis.kind) || analysis.hasLink || !analysis.spamCues.isEmpty
        if copies >= 2 && promotional {
            // Three authors with one text is a pattern, five a campaign; with a link, a promotion.
            value += copies >= 4 ? 0.5 : 0.3
            reasons.append("same text from \(copies + 1) authors")
            if analysis.hasLink && analysis.kind != .spam {
                value += 0.2
                reasons.append("a link")
            }
        }
        var throwaway: [String] = []
        if followers == 0 { throwaway.append("no followers") }
        if handle.reversed().prefix(while: \.isNumber).count >= 4 { throwaway.append("numbered handle") }
        if !throwaway.isEmpty {
            value += 0.1 * Double(throwaway.count)
            reasons.append(throwaway.joined(separator: ", "))
        }
        return SpamScore(value: min(1, value), reasons: reasons)
    }
}

/// A text's fingerprint for finding copies: its words, lower case, without handles, links and
/// numbers, hashed (FNV-1a). "@bank WIN a FREE iPhone!! bit.ly/x1" and "@shop win a free
/// iphone bit.ly/y2" are the same text.
public enum TextFingerprint {
    /// Texts of fewer words than this are too short to call copies ("thanks so much!").
    static let minimumWords = 6

    public static func of(_ text: String) -> Int64? {
        MessageTokens(text, vocabulary: Vocabulary(), symbols: MessageTokens.Symbols()).fingerprint
    }
}
