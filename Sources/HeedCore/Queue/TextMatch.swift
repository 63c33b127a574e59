/// The words and phrases a search needs, looked for together in one message, as a mail search
/// does: `card declined` finds the conversations where one message says both. SQLite's full-text
/// index then intersects the words itself, where a word at a time made every conversation pass
/// a test for each (`card declined channel:x`, 4,000,000 open: 3.1 s).
struct TextMatch {
    /// How the conversations with a match are found, chosen from how many mentions match.
    enum Plan: Equatable {
        /// Most mentions match: each conversation is tested in queue order, and a page fills
        /// after a few of them, where gathering would read every match.
        case test
        /// Gather the matches, and walk the queue for the conversations among them.
        case gather
        /// So few match that their conversations lead: read and sorted, the queue not walked.
        case lead
    }

    /// The FTS5 expression: each group's terms joined by OR, the groups by AND.
    let expression: String
    let plan: Plan

    /// `groups` holds only positive `.text` terms. `commonHits` is the fewest matches that can
    /// count as common (nil: never, as a count wants, which reads every match anyway); `scanned`
    /// is how many conversations walking the queue would pass.
    init(_ groups: [[Query.Term]], store: some StoreReader, commonHits: Int?, scanned: Int) throws {
        guard store.dialect == .sqlite else {
            throw QueryError(position: groups.first?.first?.position ?? 0,
                             message: "words and phrases are not searched in a PostgreSQL copy yet: its conversations are found by their fields")
        }
        expression = try groups.map { group in
            let phrases = try group.map(Self.phrase)
            return phrases.count == 1 ? phrases[0] : "(" + phrases.joined(separator: " OR ") + ")"
        }.joined(separator: " AND ")
        // Measured with 10,000,000 mentions and 4,000,000 open: testing costs about 30 µs a
        // conversation and fills a page after (page / share of mentions matching) of them;
        // gathering about 1 µs a match, and walking the queue past the conversations without
        // one about 8 ns each. Testing and gathering cross near one mention in 25. Leading costs
        // about 1.2 µs a match (each conversation read for the sort), below walking the queue
        // when fewer than one in 150 of its conversations match.
        let common = try commonHits.map { max($0, Int(try store.int64("SELECT max(id) FROM mention") ?? 0) / 25) }
        let few = scanned / 150
        let hits = try Self.matches(store, expression, atMost: (common ?? few) + 1)
        if let common, hits > common {
            plan = .test
        } else {
            plan = hits <= few ? .lead : .gather
        }
    }

    /// The condition over `conversation c`, with `expression` as its one argument.
    var sql: String {
        switch plan {
        case .test:
            // CROSS JOIN fixes the order: the conversation's few mentions, each probed in the
            // index by rowid. Left to choose, SQLite 3.54 walks every match for each
            // conversation ("card" on a 1M cache: 0.3 s → minutes).
            "EXISTS (SELECT 1 FROM mention tm CROSS JOIN mention_fts tf ON tf.rowid = tm.id WHERE tm.conversation_id = c.id AND mention_fts MATCH ?)"
        case .gather, .lead:
            // Leading differs only in the status test `QuerySQL` writes (`+`, off the queue's index).
            "c.id IN (SELECT tm.conversation_id FROM mention tm WHERE tm.id IN (SELECT rowid FROM mention_fts WHERE mention_fts MATCH ?))"
        }
    }

    /// A term's word or phrase as an FTS5 string.
    static func phrase(_ term: Query.Term) throws -> String {
        guard case .text(let text) = term.condition else { preconditionFailure("only text terms are matched") }
        guard text.contains(where: { $0.isLetter || $0.isNumber }) else {
            throw QueryError(position: term.position, message: "nothing to search for in \(text)")
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// How many mentions match `expression`, counted up to `atMost`.
    static func matches(_ store: some StoreReader, _ expression: String, atMost: Int) throws -> Int {
        Int(try store.int64("SELECT count(*) FROM (SELECT 1 FROM mention_fts WHERE mention_fts MATCH ? LIMIT ?)",
                            [.text(expression), .integer(Int64(atMost))]) ?? 0)
    }
}
