import Foundation
import GRDB

/// A parsed `Query` as a WHERE clause over `conversation c`, with its arguments.
public struct QuerySQL {
    public var whereSQL: String
    public var arguments: StatementArguments

    /// `me` is the operator asking, for `is:mine`; `now` is the time `age:` and `due:` count
    /// from. Without an `is:` status the query searches the open queue. A word or phrase in more
    /// than `commonHits` mentions is tested conversation by conversation, in queue order, instead
    /// of gathering every match first ("the" is in most of them): the first page is then found
    /// without reading them all. A count reads them all anyway, and gathering is then far
    /// cheaper than a test per open conversation: nil gathers whatever the word.
    public init(_ query: Query, in db: Database, now: Int64, me: String? = nil, commonHits: Int? = 20_000) throws {
        var clauses: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        // A term with its own small index (a customer, an assignee, a language) leads: the status
        // test is then kept off the queue's index (`+`), which SQLite would otherwise walk in
        // priority order through every open conversation for a few matches (from: 167 → 11 ms).
        let rareChannel = try Self.rareOpenChannel(query, db: db)
        let leads = rareChannel != nil || query.groups.contains { $0.count == 1 && !$0[0].negated && $0[0].condition.hasOwnIndex }
        if !query.namesStatus { clauses.append(leads ? "+c.status = 'open'" : "c.status = 'open'") }
        // Full-text terms last: SQLite tests the terms in order, and a common word's test costs
        // tens of microseconds a conversation where a tag's costs one.
        let isText = { (term: Query.Term) -> Bool in if case .text = term.condition { return true } else { return false } }
        for group in query.groups.filter({ !$0.contains(where: isText) }) + query.groups.filter({ $0.contains(where: isText) }) {
            var alternatives: [String] = []
            for term in group {
                let (sql, values) = try Self.condition(term, db: db, now: now, me: me, commonHits: commonHits, leads: leads, rareChannel: rareChannel)
                alternatives.append(term.negated ? "NOT (\(sql))" : sql)
                arguments += values
            }
            clauses.append(alternatives.count == 1 ? alternatives[0] : "(" + alternatives.joined(separator: " OR ") + ")")
        }
        whereSQL = clauses.isEmpty ? "1" : clauses.joined(separator: " AND ")
        self.arguments = StatementArguments(arguments)
    }

    /// A channel with at most this many open conversations is searched through their own index.
    static let rareOpen = 5_000

    /// The channel the open-queue search `query` requires, when it has few open conversations.
    private static func rareOpenChannel(_ query: Query, db: Database) throws -> String? {
        guard !query.namesStatus else { return nil }
        for group in query.groups where group.count == 1 && !group[0].negated {
            guard case .channel(let channel) = group[0].condition else { continue }
            let open = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM (SELECT 1 FROM conversation INDEXED BY conversation_open_by_channel WHERE channel = ? AND status = 'open' LIMIT ?)
                """, arguments: [channel, rareOpen + 1]) ?? 0
            if open <= rareOpen { return channel }
        }
        return nil
    }

    private static func condition(_ term: Query.Term, db: Database, now: Int64, me: String?, commonHits: Int?, leads: Bool,
                                  rareChannel: String?) throws -> (String, [(any DatabaseValueConvertible)?]) {
        switch term.condition {
        case .text(let text):
            guard text.contains(where: { $0.isLetter || $0.isNumber }) else {
                throw QueryError(position: term.position, message: "nothing to search for in \(text)")
            }
            let match = "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            if let commonHits, try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM mention_fts WHERE mention_fts MATCH ? LIMIT ?)",
                                                arguments: [match, commonHits + 1]) ?? 0 > commonHits {
                // CROSS JOIN fixes the order: the conversation's few mentions, each probed in the
                // index by rowid. Left to choose, SQLite 3.54 walks every match of the word for
                // each conversation ("card" on a 1M cache: 0.3 s → minutes).
                return ("EXISTS (SELECT 1 FROM mention tm CROSS JOIN mention_fts tf ON tf.rowid = tm.id "
                        + "WHERE tm.conversation_id = c.id AND mention_fts MATCH ?)", [match])
            }
            return ("c.id IN (SELECT tm.conversation_id FROM mention tm WHERE tm.id IN (SELECT rowid FROM mention_fts WHERE mention_fts MATCH ?))", [match])
        case .from(let handle):
            // The customer's conversations, through the handle's index and the contact's, rather
            // than every conversation's mentions (267 ms → 1 ms on a 1M cache).
            return ("c.contact_id IN (SELECT fh.contact_id FROM contact_handle fh WHERE fh.handle = ? COLLATE NOCASE AND fh.ours = 0)", [handle])
        case .channel(let channel) where channel == rareChannel && !term.negated:
            return ("c.id IN (SELECT id FROM conversation INDEXED BY conversation_open_by_channel WHERE channel = ? AND status = 'open')", [channel])
        case .channel(let channel): return ("c.channel = ?", [channel])
        case .tag(let tag):
            return ("EXISTS (SELECT 1 FROM conversation_tag ct JOIN tag t ON t.id = ct.tag_id WHERE ct.conversation_id = c.id AND t.name = ? COLLATE NOCASE)",
                    [tag])
        case .status(let status): return (leads ? "+c.status = ?" : "c.status = ?", [status.rawValue])
        case .escalated: return (Queue.escalatedSQL, [])
        case .unassigned: return ("c.assignee IS NULL", [])
        case .mine:
            guard let me else { throw QueryError(position: term.position, message: "is:mine: heed does not know who you are (add your unix_user to the config's operators)") }
            return ("c.assignee = ? COLLATE NOCASE", [me])
        case .breached: return ("c.breached = 1", [])
        case .priority(let comparison, let value): return ("c.priority \(comparison.rawValue) ?", [value])
        case .sentiment(let comparison, let value): return ("c.sentiment \(comparison.rawValue) ?", [value])
        case .followers(let comparison, let value):
            return ("(SELECT lh.followers FROM mention lm JOIN contact_handle lh ON lh.id = lm.handle_id WHERE lm.id = c.latest_customer_mention_id) "
                    + "\(comparison.rawValue) ?", [value])
        case .age(let comparison, let span):
            return ("(? - coalesce(c.last_customer_at, c.last_at)) \(comparison.rawValue) ?", [now, span])
        case .due(let comparison, let span):
            return ("(c.due_at IS NOT NULL AND c.due_at - ? \(comparison.rawValue) ?)", [now, span])
        case .kind(let kind): return ("c.kind = ?", [kind.rawValue])
        case .assignee(let name): return ("c.assignee = ? COLLATE NOCASE", [name])
        case .lang(let lang): return ("c.lang = ? COLLATE NOCASE", [lang])
        case .incident(.id(let id)): return ("c.incident_id = ?", [id])
        case .incident(.any): return ("c.incident_id IS NOT NULL", [])
        case .incident(.none): return ("c.incident_id IS NULL", [])
        }
    }
}

extension Query.Condition {
    /// Whether the conversations this picks are found through an index of their own. Those in
    /// any incident are few beside the open queue, and walking the queue for none took 0.4 s
    /// with 400,000 open.
    var hasOwnIndex: Bool {
        switch self {
        case .from, .mine, .assignee, .lang, .incident(.id), .incident(.any), .escalated: return true
        default: return false
        }
    }
}

extension Queue {
    /// Conversations matching `query`, in triage order unless `order` says otherwise.
    public static func search(_ db: Database, _ query: Query, now: Int64, me: String? = nil, order: QueueOrder = .triage,
                              limit: Int, offset: Int = 0) throws -> [QueueRow] {
        let sql = try QuerySQL(query, in: db, now: now, me: me)
        return try rows(db, whereSQL: sql.whereSQL, arguments: sql.arguments, order: order, limit: limit, offset: offset)
    }
}
