/// How often a corpus says again what it said before: the share of posts whose text, its
/// addresses, handles, a repost's `RT` and punctuation set aside and case folded, came earlier.
public enum Repetition {
    public struct Measure: Sendable, Equatable {
        public var posts: Int
        public var repeated: Int
        public var distinct: Int
        /// The ten most said texts' share of all posts.
        public var topTen: Int

        public var repeatedShare: Double { posts == 0 ? 0 : Double(repeated) / Double(posts) }
        public var topTenShare: Double { posts == 0 ? 0 : Double(topTen) / Double(posts) }
    }

    public static func measure<S: Sequence<String>>(_ texts: S) -> Measure {
        var counts: [String: Int] = [:]
        var measure = Measure(posts: 0, repeated: 0, distinct: 0, topTen: 0)
        for text in texts {
            let key = normalized(text)
            measure.posts += 1
            counts[key, default: 0] += 1
            if counts[key]! > 1 { measure.repeated += 1 }
        }
        measure.distinct = counts.count
        measure.topTen = counts.values.sorted(by: >).prefix(10).reduce(0, +)
        return measure
    }

    static func normalized(_ text: String) -> String {
        var words: [Substring] = []
        for word in text.lowercased().split(whereSeparator: \.isWhitespace) {
            if word.hasPrefix("http://") || word.hasPrefix("https://") || word.hasPrefix("@") { continue }
            if words.isEmpty && word == "rt" { continue }
            let kept = word.filter { $0.isLetter || $0.isNumber || $0 == "#" }
            if !kept.isEmpty { words.append(Substring(kept)) }
        }
        return words.joined(separator: " ")
    }
}
