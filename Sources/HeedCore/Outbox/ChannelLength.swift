import Foundation

/// A post's length as its channel counts it, and the channel's limit.
public enum ChannelLength {
    /// (used, limit) for `text` on `channel`; limit nil where the channel has none worth checking.
    public static func measure(_ text: String, channel: String) -> (used: Int, limit: Int?) {
        switch channel {
        // X: a link counts 23 whatever its length; CJK and emoji count two toward 280.
        case "x": return (weighted(text, url: 23, wide: 2), 280)
        // Mastodon: a link counts 23; every other character one, toward 500.
        case "mastodon": return (weighted(text, url: 23, wide: 1), 500)
        // Bluesky: 300 graphemes.
        case "bluesky": return (text.count, 300)
        default: return (text.count, nil)
        }
    }

    /// Why `text` cannot go to `channel`, or nil when it fits.
    public static func problem(_ text: String, channel: String) -> String? {
        let (used, limit) = measure(text, channel: channel)
        guard let limit, used > limit else { return nil }
        return "\(used) of \(limit) characters as \(channel) counts them: \(used - limit) too many"
    }

    private static func weighted(_ text: String, url: Int, wide: Int) -> Int {
        var total = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if word.hasPrefix("http://") || word.hasPrefix("https://") {
                total += url
            } else {
                total += word.reduce(0) { $0 + ($1.unicodeScalars.first.map { DisplayWidth.of($0) >= 2 } == true ? wide : 1) }
            }
        }
        return total + max(0, text.split(separator: " ", omittingEmptySubsequences: false).count - 1)
    }
}
