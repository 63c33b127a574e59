import GRDB

/// What a search that found nothing might have meant: each of its words the cache never saw,
/// replaced by the nearest word it has ("refnud" → "refund").
public enum SearchSuggestion {
    /// The search's text with its unknown words corrected, or nil when there is nothing to offer.
    public static func suggest(_ db: Database, text: String) throws -> String? {
        let query = try Query.parse(text)
        var corrected = text
        var changed = false
        for term in query.groups.joined() where !term.negated {
            guard case .text(let phrase) = term.condition else { continue }
            for word in words(phrase) where try count(db, word) == 0 {
                guard let near = try nearest(db, to: word) else { continue }
                corrected = corrected.replacingOccurrences(of: word, with: near, options: .caseInsensitive)
                changed = true
            }
        }
        return changed ? corrected : nil
    }

    /// The words as the index splits them (letters and digits), lowercased.
    static func words(_ phrase: String) -> [String] {
        phrase.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).filter { $0.count >= 3 }
    }

    private static func count(_ db: Database, _ word: String) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT doc FROM mention_words WHERE term = ?"), arguments: [word]) ?? 0
    }

    /// The nearest word of about the same length and the same first letter (typos rarely hit
    /// it), the commoner on a tie; its range of the index is read, not the whole vocabulary.
    static func nearest(_ db: Database, to word: String) throws -> String? {
        guard let first = word.first else { return nil }
        let next = String(UnicodeScalar(first.unicodeScalars.first!.value + 1).map(Character.init) ?? first)
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT term, doc FROM mention_words WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?
            """), arguments: [String(first), next, word.count - 2, word.count + 2])
        let limit = max(1, min(2, word.count / 3))
        var best: (term: String, distance: Int, docs: Int)?
        for row in rows {
            let term: String = row["term"]
            let docs: Int = row["doc"]
            let distance = Spelling.editDistance(word, term)
            guard distance <= limit else { continue }
            if best == nil || distance < best!.distance || (distance == best!.distance && docs > best!.docs) { best = (term, distance, docs) }
        }
        return best?.term
    }
}
