/// One key of an ORDER BY as both engines read it. SQLite counts NULL below every value, so
/// NULLs come first going up and last going down; PostgreSQL counts it above, unless told.
struct OrderKey {
    var expression: String
    var descending: Bool

    init(_ expression: String, descending: Bool = false) {
        self.expression = expression
        self.descending = descending
    }

    var sqlite: String { descending ? expression + " DESC" : expression }

    /// SQLite's order, said to PostgreSQL (its indexes are made with the same words).
    var postgres: String { sqlite + (descending ? " NULLS LAST" : " NULLS FIRST") }
}

extension [OrderKey] {
    var sqlite: String { map(\.sqlite).joined(separator: ", ") }
    var postgres: String { map(\.postgres).joined(separator: ", ") }
}
