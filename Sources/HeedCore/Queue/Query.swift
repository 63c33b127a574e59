/// heed's search language, the same on the screen (`/`) and the command line (`heed queue
/// QUERY`): free words and "quoted phrases" (full text), `field:value` terms, `-` before a term
/// to negate it, and `OR` between terms. Terms side by side must all hold; `OR` binds the terms
/// on either side of it ("refund OR chargeback tag:billing" is (refund or chargeback) and
/// tag:billing).
public struct Query: Sendable, Equatable {
    /// All of these groups hold; a group holds when any of its terms does.
    public var groups: [[Term]]

    public struct Term: Sendable, Equatable {
        public var condition: Condition
        public var negated = false
        /// Where the term starts in the query text (in characters), for messages.
        public var position = 0
    }

    public enum Condition: Sendable, Equatable {
        /// A word or a phrase, searched in the text of every message of the conversation; the
        /// words and phrases a query needs are looked for together, in one message.
        case text(String)
        case from(String)
        case channel(String)
        case tag(String)
        case status(ConversationStatus)
        case escalated, unassigned, mine, breached
        case priority(Comparison, Double)
        case followers(Comparison, Double)
        case sentiment(Comparison, Double)
        /// Since the latest customer message, in milliseconds.
        case age(Comparison, Int64)
        /// Until the SLA due time (negative once late), in milliseconds.
        case due(Comparison, Int64)
        case kind(MentionKind)
        case assignee(String)
        case lang(String)
        case incident(IncidentFilter)
    }

    public enum Comparison: String, Sendable, Equatable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "="

        /// The same comparison with its sides swapped: `a < b` is `b > a`.
        var reversed: Comparison {
            switch self {
            case .less: .greater
            case .lessOrEqual: .greaterOrEqual
            case .greater: .less
            case .greaterOrEqual: .lessOrEqual
            case .equal: .equal
            }
        }
    }

    public enum IncidentFilter: Sendable, Equatable {
        case id(Int64), any, none
    }

    public static let fields = ["from", "channel", "tag", "is", "priority", "age", "due", "followers", "sentiment", "kind", "assignee",
                                "lang", "incident"]
    public static let states = ["open", "waiting", "snoozed", "resolved", "escalated", "spam", "unassigned", "mine", "breached"]

    /// Whether the query says which statuses it wants; without, it searches the open queue.
    public var namesStatus: Bool {
        groups.joined().contains { if case .status = $0.condition { return true } else { return false } }
    }

    public var isEmpty: Bool { groups.isEmpty }

    /// Parses a query; a malformed one throws `QueryError` saying where and what.
    /// More terms than anyone types: SQLite's expression tree (and the time to search) grows
    /// with each.
    public static let maximumTerms = 64

    public static func parse(_ text: String) throws -> Query {
        var groups: [[Term]] = []
        var pendingOr = false
        var lastOr = 0
        var terms = 0
        for token in try QueryTokens.split(text) {
            if token.text == "OR" && !token.quoted {
                guard !groups.isEmpty, !pendingOr else {
                    throw QueryError(position: token.position, message: "OR needs a term before it")
                }
                pendingOr = true
                lastOr = token.position
                continue
            }
            terms += 1
            guard terms <= maximumTerms else {
                throw QueryError(position: token.position, message: "more than \(maximumTerms) terms: narrow the search (a view or a tag may say it in one)")
            }
            let term = try Self.term(token)
            if pendingOr {
                groups[groups.count - 1].append(term)
                pendingOr = false
            } else {
                groups.append([term])
            }
        }
        if pendingOr { throw QueryError(position: lastOr, message: "OR needs a term after it") }
        return Query(groups: groups)
    }

    private static func term(_ token: QueryTokens.Token) throws -> Term {
        var body = token.text
        var position = token.position
        var negated = token.negated
        if !token.quoted, body.hasPrefix("-"), body.count > 1 {
            negated = true
            body.removeFirst()
            position += 1
        }
        guard !token.quoted, let colon = body.firstIndex(of: ":"), colon != body.startIndex else {
            return Term(condition: .text(body), negated: negated, position: position)
        }
        let field = body[..<colon].lowercased()
        let value = token.value ?? String(body[body.index(after: colon)...])
        let valuePosition = position + body.distance(from: body.startIndex, to: colon) + 1
        guard Self.fields.contains(field) else {
            // A time or a link is searched as text ("10:30", "https://…"); an unknown word before a
            // colon is more likely a mistyped field.
            guard field.allSatisfy(\.isLetter), !value.hasPrefix("/") else { return Term(condition: .text(body), negated: negated, position: position) }
            let near = Spelling.closest(to: String(field), in: Self.fields).map { " — \($0):?" } ?? ""
            throw QueryError(position: position, message: "unknown field \(field):\(near) (fields: \(Self.fields.map { $0 + ":" }.joined(separator: " ")))")
        }
        guard !value.isEmpty else { throw QueryError(position: valuePosition, message: "\(field): needs a value") }
        let fail = { (message: String) in QueryError(position: valuePosition, message: "\(field): " + message) }
        let condition: Condition
        switch field {
        case "from": condition = .from(value.hasPrefix("@") ? String(value.dropFirst()) : value)
        case "channel": condition = .channel(value.lowercased())
        case "tag": condition = .tag(value.lowercased())
        case "assignee": condition = .assignee(value)
        case "lang": condition = .lang(value.lowercased())
        case "is":
            switch value.lowercased() {
            case "escalated": condition = .escalated
            case "unassigned": condition = .unassigned
            case "mine": condition = .mine
            case "breached": condition = .breached
            case let state:
                guard let status = ConversationStatus(rawValue: state) else {
                    throw fail("expected one of \(Self.states.joined(separator: ", ")), got \(value)")
                }
                condition = .status(status)
            }
        case "kind":
            guard let kind = MentionKind(rawValue: value.lowercased()) else {
                throw fail("expected one of \(MentionKind.allCases.map(\.rawValue).joined(separator: ", ")), got \(value)")
            }
            condition = .kind(kind)
        case "incident":
            switch value.lowercased() {
            case "any": condition = .incident(.any)
            case "none": condition = .incident(.none)
            default:
                guard let id = Int64(value), id > 0 else { throw fail("expected an incident number, any or none, got \(value)") }
                condition = .incident(.id(id))
            }
        case "priority", "followers", "sentiment":
            let (comparison, rest) = Self.comparison(value)
            guard let number = Double(rest), number.isFinite else { throw fail("expected a number after \(comparison.rawValue), got \(rest)") }
            condition = field == "priority" ? .priority(comparison, number) : field == "followers" ? .followers(comparison, number)
                : .sentiment(comparison, number)
        default: // age, due
            let (comparison, rest) = Self.comparison(value)
            guard comparison != .equal else { throw fail("needs < or > before the time (\(field):<2h)") }
            guard let span = Self.duration(rest) else { throw fail("expected a time such as 15m, 2h or 3d after \(comparison.rawValue), got \(rest)") }
            condition = field == "age" ? .age(comparison, span) : .due(comparison, span)
        }
        return Term(condition: condition, negated: negated, position: position)
    }

    private static func comparison(_ value: String) -> (Comparison, String) {
        for comparison in [Comparison.lessOrEqual, .greaterOrEqual, .less, .greater, .equal] where value.hasPrefix(comparison.rawValue) {
            return (comparison, String(value.dropFirst(comparison.rawValue.count)))
        }
        return (.equal, value)
    }

    /// `30s`, `15m`, `2h`, `3d`, `1w`, with an optional minus sign; milliseconds.
    public static func duration(_ text: String) -> Int64? {
        guard let unit = text.last, let scale: Int64 = ["s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000][unit],
              let amount = Int64(text.dropLast()), abs(amount) < 1_000_000 else { return nil }
        return amount * scale
    }
}

/// Where and why a query could not be read.
public struct QueryError: Error, Equatable, Sendable {
    /// In characters from the start of the query.
    public var position: Int
    public var message: String

    public init(position: Int, message: String) {
        self.position = position
        self.message = message
    }

    /// The query, a caret under the place, and the message.
    public func explained(_ query: String) -> String {
        "\(query)\n\(String(repeating: " ", count: position))^ \(message)"
    }
}

/// A query cut into terms: runs of non-space characters, a "quoted phrase" being one term, and
/// a field's value quoted too (`from:"Dana K"`).
enum QueryTokens {
    struct Token {
        var text: String
        var position: Int
        var quoted = false
        /// `-"a phrase"`.
        var negated = false
        /// A field's quoted value.
        var value: String?
    }

    static func split(_ query: String) throws -> [Token] {
        var tokens: [Token] = []
        let characters = Array(query)
        var i = 0
        while i < characters.count {
            if characters[i].isWhitespace {
                i += 1
                continue
            }
            let start = i
            if characters[i] == "\"" {
                guard let end = characters[(i + 1)...].firstIndex(of: "\"") else {
                    throw QueryError(position: start, message: "this quote is never closed")
                }
                let phrase = String(characters[(i + 1)..<end])
                guard !phrase.allSatisfy(\.isWhitespace) else { throw QueryError(position: start, message: "empty phrase") }
                tokens.append(Token(text: phrase, position: start, quoted: true))
                i = end + 1
                continue
            }
            while i < characters.count && !characters[i].isWhitespace && characters[i] != "\"" { i += 1 }
            var token = Token(text: String(characters[start..<i]), position: start)
            if token.text == "-", i < characters.count, characters[i] == "\"" {
                guard let end = characters[(i + 1)...].firstIndex(of: "\"") else {
                    throw QueryError(position: i, message: "this quote is never closed")
                }
                token = Token(text: String(characters[(i + 1)..<end]), position: start + 1, quoted: true, negated: true)
                i = end + 1
            } else if i < characters.count, characters[i] == "\"", token.text.hasSuffix(":") {
                guard let end = characters[(i + 1)...].firstIndex(of: "\"") else {
                    throw QueryError(position: i, message: "this quote is never closed")
                }
                token.value = String(characters[(i + 1)..<end])
                i = end + 1
            }
            tokens.append(token)
        }
        return tokens
    }
}
