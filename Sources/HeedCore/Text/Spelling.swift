/// Did-you-mean for a typo: a config key, a search field, a team's name, a word in the cache.
public enum Spelling {
    /// The candidate nearest to `word`, when it is near enough to be a useful hint (and is
    /// not `word` itself).
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = word.lowercased()
        let scored = candidates.lazy.filter { $0.lowercased() != lowered }.map { ($0, editDistance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    /// What `prefix` completes to among `candidates`: the one that starts with it, else the
    /// longest start all that do share (and them), else nothing.
    public static func complete(_ prefix: String, in candidates: [String]) -> (text: String, choices: [String]) {
        let matching = candidates.filter { $0.lowercased().hasPrefix(prefix.lowercased()) }.sorted()
        guard var common = matching.first else { return (prefix, []) }
        for other in matching.dropFirst() {
            while !other.lowercased().hasPrefix(common.lowercased()) { common.removeLast() }
        }
        return (common.count >= prefix.count ? common : prefix, matching)
    }

    /// Edits from one to the other, a swap of two neighbours counting as one ("refnud" is one
    /// from "refund").
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { current[j] = min(current[j], before[j - 2] + 1) }
            }
            (before, previous) = (previous, current)
        }
        return previous[b.count]
    }
}
