import GRDB
import GRDBSQLite

/// Where read-only queries run: the cache itself or its copy in PostgreSQL. Queries are written
/// once, in SQL both engines read alike, placeholders `?1`, `?2`… (or `?` in order); where the
/// dialects differ the reader's `dialect` says the fragment.
protocol StoreReader {
    associatedtype Rows: StoreRows
    func rows(_ sql: String, _ values: [StoreValue]) throws -> Rows
    var dialect: StoreDialect { get }
}

/// Where the two engines' SQL differs, said once.
enum StoreDialect {
    case sqlite, postgres

    /// `IN` the ids of placeholder `placeholder`, bound to a JSON array (`ReportFacts.idList`):
    /// one value however many ids.
    func idIn(_ placeholder: Int) -> String {
        switch self {
        case .sqlite: "IN (SELECT value FROM json_each(?\(placeholder)))"
        case .postgres: "IN (SELECT value::bigint FROM json_array_elements_text(?\(placeholder)::json))"
        }
    }

    /// `keys` as an ORDER BY list, NULLs where SQLite puts them.
    func order(_ keys: [OrderKey]) -> String {
        switch self {
        case .sqlite: keys.sqlite
        case .postgres: keys.postgres
        }
    }

    /// The aggregate of `expression`'s texts joined by spaces.
    func spaced(_ expression: String) -> String {
        switch self {
        case .sqlite: "group_concat(\(expression), ' ')"
        case .postgres: "string_agg(\(expression), ' ')"
        }
    }

    /// `column` equal to the next placeholder, case aside (the copy's indexes are on `lower()`).
    func equalsIgnoringCase(_ column: String) -> String {
        switch self {
        case .sqlite: "\(column) = ? COLLATE NOCASE"
        case .postgres: "lower(\(column)) = lower(?)"
        }
    }

    /// `expression` with its column kept off the column's indexes: SQLite's unary `+`, which
    /// PostgreSQL, planning by its statistics, neither needs nor reads on text.
    func offIndex(_ expression: String) -> String {
        switch self {
        case .sqlite: "+" + expression
        case .postgres: expression
        }
    }

    /// `table` read through `index`, where SQLite would choose worse.
    func table(_ table: String, indexedBy index: String) -> String {
        switch self {
        case .sqlite: "\(table) INDEXED BY \(index)"
        case .postgres: table
        }
    }
}

extension StoreReader {
    func idIn(_ placeholder: Int) -> String { dialect.idIn(placeholder) }
    func order(_ keys: [OrderKey]) -> String { dialect.order(keys) }
    func spaced(_ expression: String) -> String { dialect.spaced(expression) }
}

/// The rows of one query, read a row at a time, columns by position from 0.
protocol StoreRows {
    /// Moves to the next row: false once there is none.
    func step() throws -> Bool
    func isNull(_ column: Int32) -> Bool
    func int64(_ column: Int32) -> Int64
    func double(_ column: Int32) -> Double
    func text(_ column: Int32) -> String?
    /// The column's text as bytes, read in place (empty for NULL).
    func withBytes<T>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T
    /// A BLOB (`bytea`) column's bytes, nil for NULL.
    func blob(_ column: Int32) -> [UInt8]?
    /// Done before the last row: a statement left part-read would hold its snapshot open.
    func finish()
}

/// A statement's parameter, as both engines take it.
enum StoreValue: SQLiteBindable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null

    init(integerLiteral value: Int64) { self = .integer(value) }

    /// A number compared with an integer column: bound as an integer when it is whole, so that
    /// PostgreSQL compares the column as it is (through its index) rather than as a float.
    static func number(_ value: Double) -> StoreValue {
        value.rounded() == value && abs(value) < 9e15 ? .integer(Int64(value)) : .real(value)
    }
    init(stringLiteral value: String) { self = .text(value) }

    func bind(to statement: OpaquePointer, at index: Int32) {
        switch self {
        case .integer(let value): sqlite3_bind_int64(statement, index, value)
        case .real(let value): sqlite3_bind_double(statement, index, value)
        case .text(let value): (value as any SQLiteBindable).bind(to: statement, at: index)
        case .null: sqlite3_bind_null(statement, index)
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .integer(let value): value.databaseValue
        case .real(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .null: .null
        }
    }
}

extension StoreRows {
    func int(_ column: Int32) -> Int { Int(int64(column)) }
    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }
}

extension StoreReader {
    /// The first row, made by `make`, if there is one.
    func first<T>(_ sql: String, _ values: [StoreValue] = [], _ make: (Rows) throws -> T) throws -> T? {
        let rows = try rows(sql, values)
        defer { rows.finish() }
        return try rows.step() ? make(rows) : nil
    }

    /// The first column of the first row, if there is one and it is not NULL.
    func int64(_ sql: String, _ values: [StoreValue] = []) throws -> Int64? {
        try first(sql, values) { $0.optionalInt64(0) } ?? nil
    }

    /// Every row, each made by `make` while it is current.
    func all<T>(_ sql: String, _ values: [StoreValue] = [], _ make: (Rows) throws -> T) throws -> [T] {
        let rows = try rows(sql, values)
        defer { rows.finish() }
        var found: [T] = []
        while try rows.step() { found.append(try make(rows)) }
        return found
    }
}

/// The cache's own connection, in a read (or write) GRDB gave.
struct CacheReader: StoreReader {
    let db: Database
    /// Whether statements are kept in the connection's cache for the next read: not for SQL that
    /// differs from read to read (a search, a page), which the cache would keep for good.
    var cached = true

    init(_ db: Database, cached: Bool = true) {
        self.db = db
        self.cached = cached
    }

    func rows(_ sql: String, _ values: [StoreValue]) throws -> BoundStatement {
        let statement = try BoundStatement(db, sql, cached: cached)
        statement.bind(values)
        return statement
    }

    var dialect: StoreDialect { .sqlite }
}

extension BoundStatement: StoreRows {
    func finish() { reset() }
}
