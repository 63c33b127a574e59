import NIOCore
import PostgresNIO

/// Read-only queries on a PostgreSQL store from synchronous code (a report is computed as the
/// cache's is), in one REPEATABLE READ READ ONLY transaction: every query sees the same moment,
/// and the role it connects as needs nothing but SELECT.
///
/// Each query is a cursor fetched a batch at a time, so a million rows never sit in memory at once.
/// Never from inside an async context: it waits on the connection's event loop.
final class PostgresReader: StoreReader {
    let session: PostgresSession
    private var cursors = 0

    /// Opens a session on `location` and begins the transaction; `close` ends both.
    init(_ location: PostgresLocation) throws {
        session = try waitFor { try await PostgresSession.open(location) }
        do {
            try run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            guard try int64("SELECT count(*) FROM pg_class WHERE relname = 'grdb_migrations' AND pg_table_is_visible(oid)") == 1 else {
                throw HeedError("the store \(location) has no heed schema: it is not a copy of a heed cache (heed store migrate --to writes one)", .badData)
            }
            try StoreCopy.checkMigrations(Set(all("SELECT identifier FROM grdb_migrations") { $0.text(0) ?? "" }),
                                          else: "read it with that heed")
        } catch {
            close()
            throw error
        }
    }

    func close() {
        let session = session
        _ = try? run("ROLLBACK")
        _ = try? waitFor { await session.close() }
    }

    var dialect: StoreDialect { .postgres }

    func rows(_ sql: String, _ values: [StoreValue]) throws -> PostgresRows {
        cursors += 1
        let name = "heed_read_\(cursors)"
        try run("DECLARE \(name) NO SCROLL CURSOR FOR " + Self.numbered(sql), values)
        return PostgresRows(reader: self, cursor: name)
    }

    /// One statement, waited for, its rows collected.
    @discardableResult
    func run(_ sql: String, _ values: [StoreValue] = []) throws -> PostgresQueryResult {
        try wait(for: start(sql, values), sql)
    }

    /// One statement sent, not waited for: the connection runs statements in the order sent.
    func start(_ sql: String, _ values: [StoreValue] = []) -> EventLoopFuture<PostgresQueryResult> {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            case .null: bindings.appendNull()
            }
        }
        return session.connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: session.logger)
    }

    func wait(for result: EventLoopFuture<PostgresQueryResult>, _ sql: String) throws -> PostgresQueryResult {
        do {
            return try result.wait()
        } catch {
            throw HeedError("the store \(session.location) refused \(sql.prefix(80)): \(PostgresSession.reason(error))", .failed)
        }
    }

    /// The SQL with SQLite's placeholders (`?1`, or `?` counted in order) as PostgreSQL's `$1`;
    /// a `?` inside a quoted literal or name is left alone.
    static func numbered(_ sql: String) -> String {
        var out = "", next = 0, quote: Character?
        var characters = sql[...]
        while let character = characters.popFirst() {
            if let open = quote {
                if character == open { quote = nil }
                out.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                out.append(character)
            } else if character == "?" {
                let digits = characters.prefix { $0.isASCII && $0.isNumber }
                characters = characters.dropFirst(digits.count)
                if let number = Int(digits) { next = number } else { next += 1 }
                out += "$\(next)"
            } else {
                out.append(character)
            }
        }
        return out
    }
}

/// A cursor's rows, fetched in batches as they are stepped through, the next batch asked for
/// as soon as one arrives: the connection's thread decodes it while this one reads. Each row's
/// values are taken once into `values` and read from their binary form (PostgresNIO asks for
/// every result in binary) directly, without a `PostgresCell` a value.
final class PostgresRows: StoreRows {
    private let reader: PostgresReader
    private let cursor: String
    private var batch: [PostgresRow] = []
    private var coming: EventLoopFuture<PostgresQueryResult>?
    private var fetch: String { "FETCH FORWARD \(Self.batchSize) FROM \(cursor)" }
    private var next = 0
    private var finished = false
    /// The current row's values (nil for NULL), and each column's type.
    private var values: [ByteBuffer?] = []
    private var types: [PostgresDataType] = []
    static let batchSize = 10_000

    init(reader: PostgresReader, cursor: String) {
        self.reader = reader
        self.cursor = cursor
    }

    func step() throws -> Bool {
        if next == batch.count {
            guard !finished else { return false }
            let arrived = coming ?? reader.start(fetch)
            coming = nil
            batch = Array(try reader.wait(for: arrived, fetch))
            next = 0
            if batch.count < Self.batchSize {
                finished = true
                try reader.run("CLOSE \(cursor)")
            } else {
                coming = reader.start(fetch)
            }
            guard !batch.isEmpty else { return false }
        }
        values.removeAll(keepingCapacity: true)
        let learn = types.isEmpty
        for cell in batch[next] {
            values.append(cell.bytes)
            if learn { types.append(cell.dataType) }
        }
        next += 1
        return true
    }

    func finish() {
        guard !finished else { return }
        finished = true
        batch = []
        next = 0
        _ = try? coming?.wait()
        coming = nil
        _ = try? reader.run("CLOSE \(cursor)")
    }

    func isNull(_ column: Int32) -> Bool { values[Int(column)] == nil }

    /// An integer of any width, or a boolean (what `EXISTS` gives) as 0 or 1; NULL reads 0, as SQLite's does.
    func int64(_ column: Int32) -> Int64 {
        guard let bytes = values[Int(column)] else { return 0 }
        switch types[Int(column)] {
        case .int8: return bytes.getInteger(at: bytes.readerIndex, as: Int64.self) ?? 0
        case .int4: return Int64(bytes.getInteger(at: bytes.readerIndex, as: Int32.self) ?? 0)
        case .int2: return Int64(bytes.getInteger(at: bytes.readerIndex, as: Int16.self) ?? 0)
        case .bool: return bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) == 1 ? 1 : 0
        default: return 0
        }
    }

    func double(_ column: Int32) -> Double {
        guard let bytes = values[Int(column)] else { return 0 }
        switch types[Int(column)] {
        case .float8: return Double(bitPattern: bytes.getInteger(at: bytes.readerIndex, as: UInt64.self) ?? 0)
        case .float4: return Double(Float(bitPattern: bytes.getInteger(at: bytes.readerIndex, as: UInt32.self) ?? 0))
        default: return Double(int64(column))
        }
    }

    /// A text column's value: its UTF-8, in binary as in text.
    func text(_ column: Int32) -> String? {
        values[Int(column)].map { String(buffer: $0) }
    }

    /// A `bytea`'s bytes: in binary, the bytes themselves.
    func blob(_ column: Int32) -> [UInt8]? {
        values[Int(column)].map { Array($0.readableBytesView) }
    }

    func withBytes<T>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        guard let bytes = values[Int(column)] else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return bytes.withUnsafeReadableBytes { body($0.bindMemory(to: UInt8.self)) }
    }
}
