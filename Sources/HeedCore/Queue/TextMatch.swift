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

    /// What the match binds: the FTS5 expression (each group's terms joined by OR, the groups by
    /// AND) on the cache; each word or phrase on PostgreSQL, whose SQL joins them (`PostgresWords`).
    let values: [StoreValue]
    let plan: Plan
    private let dialect: StoreDialect
    /// The test that a mention `tm` matches, with `values` as its arguments.
    private let match: String

    /// `groups` holds only positive `.text` terms. `commonHits` is the fewest matches that can
    /// count as common (nil: never, as a count wants, which reads every match anyway); `scanned`
    /// is how many conversations walking the queue would pass.
    init(_ groups: [[Query.Term]], store: some StoreReader, commonHits: Int?, scanned: Int) throws {
        dialect = store.dialect
        switch dialect {
        case .sqlite:
            let expression = try groups.map { group in
                let phrases = try group.map { "\"" + (try Self.words($0)).replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
                return phrases.count == 1 ? phrases[0] : "(" + phrases.joined(separator: " OR ") + ")"
            }.joined(separator: " AND ")
            values = [.text(expression)]
            match = "tm.id IN (SELECT rowid FROM mention_fts WHERE mention_fts MATCH ?)"
        case .postgres:
            values = try groups.joined().map { .text(try Self.words($0)) }
            guard try store.int64(PostgresWords.presentSQL) == 1 else {
                throw QueryError(position: groups.first?.first?.position ?? 0,
                                 message: "this copy was made by an earlier heed, without an index of its words: copy the cache again to search them")
            }
            match = PostgresWords.matchSQL(groups.map(\.count))
        }
        // Measured with 10,000,000 mentions and 4,000,000 open: testing costs about 30 µs a
        // conversation and fills a page after (page / share of mentions matching) of them;
        // gathering about 1 µs a match, and walking the queue past the conversations without
        // one about 8 ns each. Testing and gathering cross near one mention in 25. Leading costs
        // about 1.2 µs a match (each conversation read for the sort), below walking the queue
        // when fewer than one in 150 of its conversations match.
        let common = try commonHits.map { max($0, Int(try store.int64("SELECT max(id) FROM mention") ?? 0) / 25) }
        let few = scanned / 150
        let hits = try Self.matches(store, match, values, atMost: (common ?? few) + 1)
        if let common, hits > common {
            plan = .test
        } else {
            plan = hits <= few ? .lead : .gather
        }
    }

    /// The condition over `conversation c`, with `values` as its arguments.
    var sql: String {
        switch plan {
        case .test:
            // The conversation's few mentions, each probed in the index by rowid. Left to choose,
            // SQLite 3.54 walks every match for each conversation ("card" on a 1M cache: 0.3 s →
            // minutes), which CROSS JOIN forbids; PostgreSQL reads each mention's words.
            switch dialect {
            case .sqlite: "EXISTS (SELECT 1 FROM mention tm CROSS JOIN mention_fts tf ON tf.rowid = tm.id WHERE tm.conversation_id = c.id AND mention_fts MATCH ?)"
            case .postgres: "EXISTS (SELECT 1 FROM mention tm WHERE tm.conversation_id = c.id AND \(match))"
            }
        case .gather, .lead:
            // Leading differs only in the status test `QuerySQL` writes (`+`, off the queue's index).
            "c.id IN (SELECT tm.conversation_id FROM mention tm WHERE \(match))"
        }
    }

    /// A term's word or phrase, refused when it has nothing a word is made of.
    static func words(_ term: Query.Term) throws -> String {
        guard case .text(let text) = term.condition else { preconditionFailure("only text terms are matched") }
        guard text.contains(where: { $0.isLetter || $0.isNumber }) else {
            throw QueryError(position: term.position, message: "nothing to search for in \(text)")
        }
        return text
    }

    /// How many mentions `match`, counted up to `atMost`.
    private static func matches(_ store: some StoreReader, _ match: String, _ values: [StoreValue], atMost: Int) throws -> Int {
        let sql = switch store.dialect {
        case .sqlite: "SELECT count(*) FROM (SELECT 1 FROM mention_fts WHERE mention_fts MATCH ? LIMIT ?) AS found"
        case .postgres: "SELECT count(*) FROM (SELECT 1 FROM mention tm WHERE \(match) LIMIT ?) AS found"
        }
        return Int(try store.int64(sql, values + [.integer(Int64(atMost))]) ?? 0)
    }
}
