import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C API: bind, step, read columns.
///
/// Only for the ingest's hot loop, where GRDB's per-call argument arrays and row objects cost
/// a third of the time. The statement comes from GRDB's cache, so GRDB still owns its life.
struct BoundStatement {
    private let statement: Statement
    private let db: Database
    private var handle: OpaquePointer { statement.sqliteStatement }

    init(_ db: Database, _ sql: String, cached: Bool = true) throws {
        self.db = db
        statement = try cached ? db.cachedStatement(sql: sql) : db.makeStatement(sql: sql)
    }

    /// Binds the values to ?1, ?2, ... in order.
    func bind(_ values: (any SQLiteBindable)...) {
        bind(values)
    }

    func bind(_ values: [any SQLiteBindable]) {
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() {
            value.bind(to: handle, at: Int32(offset + 1))
        }
    }

    /// Steps once: true when a row is ready to read.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    /// Runs a statement that returns no rows.
    func run(_ values: (any SQLiteBindable)...) throws {
        bind(values)
        _ = try step()
        sqlite3_reset(handle)
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: pointer)
    }

    /// The column's text as bytes, read in place (empty for NULL): for a test run on every row.
    func withBytes<T>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        let pointer = sqlite3_column_text(handle, column)
        return body(UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : Int(sqlite3_column_bytes(handle, column))))
    }

    func blob(_ column: Int32) -> [UInt8]? {
        guard !isNull(column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Whether column `column` holds exactly `value` (nil matching NULL), without making a String.
    func textEquals(_ column: Int32, _ expected: String?) -> Bool {
        guard var value = expected else { return isNull(column) }
        guard let pointer = sqlite3_column_text(handle, column) else { return false }
        let count = Int(sqlite3_column_bytes(handle, column))
        return value.withUTF8 { utf8 in
            utf8.count == count && (count == 0 || memcmp(utf8.baseAddress!, pointer, count) == 0)
        }
    }

    func reset() { sqlite3_reset(handle) }

    /// A statement whose result columns are `columns`' cases, by name and in order: columns
    /// are then read by name, and a SELECT edited without its enum fails at once in the tests.
    /// Checked in debug builds only: statements made for each row (a conversation's fields for
    /// every rule an import applies) named their columns every time.
    init<C: SelectedColumn>(_ db: Database, _ sql: String, columns: C.Type) throws {
        try self.init(db, sql)
        #if DEBUG
        let names = (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
        guard names == C.allCases.map({ String(describing: $0) }) else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "columns \(names) are not \(C.self)'s cases", sql: sql)
        }
        #endif
    }

    func isNull<C: SelectedColumn>(_ column: C) -> Bool { isNull(column.rawValue) }
    func int64<C: SelectedColumn>(_ column: C) -> Int64 { int64(column.rawValue) }
    func int<C: SelectedColumn>(_ column: C) -> Int { int(column.rawValue) }
    func optionalInt64<C: SelectedColumn>(_ column: C) -> Int64? { optionalInt64(column.rawValue) }
    func double<C: SelectedColumn>(_ column: C) -> Double { double(column.rawValue) }
    func text<C: SelectedColumn>(_ column: C) -> String? { text(column.rawValue) }
    func textEquals<C: SelectedColumn>(_ column: C, _ expected: String?) -> Bool { textEquals(column.rawValue, expected) }
}

/// The result columns of one statement, named: each case's name is a column's name (`AS`),
/// in the order the statement selects them.
protocol SelectedColumn: CaseIterable, RawRepresentable where RawValue == Int32 {}

import Foundation

/// A Swift value SQLite can take as a statement parameter, bound without boxing.
protocol SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32)
}

private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension String: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) {
        var text = self
        text.withUTF8 { utf8 in
            guard let base = utf8.baseAddress, utf8.count > 0 else {
                sqlite3_bind_text(statement, index, "", 0, nil)
                return
            }
            base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                _ = sqlite3_bind_text(statement, index, $0, Int32(utf8.count), transient)
            }
        }
    }
}

extension Int64: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) { sqlite3_bind_int64(statement, index, self) }
}

extension Int: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) { sqlite3_bind_int64(statement, index, Int64(self)) }
}

extension Double: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) { sqlite3_bind_double(statement, index, self) }
}

extension Bool: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) { sqlite3_bind_int64(statement, index, self ? 1 : 0) }
}

extension Array: SQLiteBindable where Element == UInt8 {
    /// Bound as a blob; an empty one as an empty blob, not NULL.
    func bind(to statement: OpaquePointer, at index: Int32) {
        withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else {
                sqlite3_bind_zeroblob(statement, index, 0)
                return
            }
            _ = sqlite3_bind_blob(statement, index, base, Int32(bytes.count), transient)
        }
    }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) {
        if let value = self { value.bind(to: statement, at: index) } else { sqlite3_bind_null(statement, index) }
    }
}
