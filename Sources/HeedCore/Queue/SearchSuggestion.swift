import GRDB

/// What a search that found nothing might have meant: each of its words the cache never saw,
/// replaced by the nearest word it has ("refnud" → "refund").
public enum SearchSuggestion {
    /// The search's text with its unknown words corrected, or nil when there is nothing to offer.
    public static func suggest(_ db: Database, text: String) throws -> String? {
        try suggest(CacheReader(db), text: text)
    }

    /// From the cache's index of words, or from a copy in PostgreSQL, from the vocabulary copied
    /// with it; nil from a copy made by an earlier heed, which has none.
    static func suggest(_ store: some StoreReader, text: String) throws -> String? {
        guard try hasVocabulary(store) else { return nil }
        let query = try Query.parse(text)
        var corrected = text
        var changed = false
        for term in query.groups.joined() where !term.negated {
            guard case .text(let phrase) = term.condition else { continue }
            for word in words(phrase) where try count(store, word) == 0 {
                guard let near = try nearest(store, to: word) else { continue }
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

    private static func hasVocabulary(_ store: some StoreReader) throws -> Bool {
        guard store.dialect == .postgres else { return true }
        let present = try store.rows(PostgresWords.vocabularyPresentSQL, [])
        defer { present.finish() }
        return try present.step() && present.int64(0) > 0
    }

    /// The cache's index of words (`fts5vocab`), or the copy's table of them.
    private static func vocabulary(_ store: some StoreReader) -> String {
        store.dialect == .sqlite ? "mention_words" : "mention_vocabulary"
    }

    private static func count(_ store: some StoreReader, _ word: String) throws -> Int64 {
        let rows = try store.rows("SELECT doc FROM \(vocabulary(store)) WHERE term = ?", [.text(word)])
        defer { rows.finish() }
        return try rows.step() ? rows.int64(0) : 0
    }

    /// The nearest word of about the same length and the same first letter (typos rarely hit
    /// it), the commoner on a tie; its range of the index is read, not the whole vocabulary.
    static func nearest(_ store: some StoreReader, to word: String) throws -> String? {
        guard let first = word.first else { return nil }
        let next = String(UnicodeScalar(first.unicodeScalars.first!.value + 1).map(Character.init) ?? first)
        let rows = try store.rows("""
            SELECT term, doc FROM \(vocabulary(store)) WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?
            """, [.text(String(first)), .text(next), .integer(Int64(word.count - 2)), .integer(Int64(word.count + 2))])
        defer { rows.finish() }
        let limit = max(1, min(2, word.count / 3))
        var best: (term: String, distance: Int, docs: Int64)?
        while try rows.step() {
            let term = rows.text(0) ?? ""
            let docs = rows.int64(1)
            let distance = Spelling.editDistance(word, term)
            guard distance <= limit else { continue }
            if best == nil || distance < best!.distance || (distance == best!.distance && docs > best!.docs) { best = (term, distance, docs) }
        }
        return best?.term
    }
}
