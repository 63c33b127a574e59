import Foundation
import GRDB
import NIOCore
import PostgresNIO

/// Copies a cache into an empty PostgreSQL database, and a PostgreSQL copy back into a new
/// cache file. Either way the copy is all or nothing, and each table is counted and summed
/// (`TableChecksum`) on both sides before it is kept.
public enum StoreCopy {
    /// What was copied: each table's rows and checksum, the same on both sides.
    public struct Report: Sendable {
        public var store: String
        public var tables: [(name: String, checksum: String, rows: Int)]

        public var rows: Int { tables.reduce(0) { $0 + $1.rows } }

        /// What the event log keeps of it: counts, never rows.
        var json: String {
            JSONWriter.object([("tables", .number(String(tables.count))), ("rows", .number(String(rows)))])
        }
    }

    static let chunkRows = 2_000
    /// Rows written to the new cache per transaction: each commit writes the pages it changed to
    /// the WAL again, the indexes' among them.
    static let writtenRows = 20_000
    private static let copyBufferBytes = 256 * 1024

    // MARK: - Into PostgreSQL

    /// Copies `database` as of one moment into the empty database at `location`: its tables and
    /// their rows, then what PostgreSQL checks of them (`StoreTable.postgresConstraints`), its
    /// indexes, the mentions' words and their index (`PostgresWords`), and the event log's refusal
    /// of changes.
    /// Logged in the cache (`store-copy-out`, by `actor`): a copy of every customer's messages left it.
    /// `progress` counts the rows as they go, against the cache's count.
    public static func toPostgres(_ database: AppDatabase, _ location: PostgresLocation, by actor: String, now: Int64,
                                  progress: IngestProgress? = nil) async throws -> Report {
        let snapshot = try database.frozen()
        let tables = try await snapshot.read(StoreTable.all)
        if let progress {
            progress.expect(try await snapshot.read { db in
                try tables.reduce(0) { $0 + (try Int.fetchOne(db, sql: "SELECT count(*) FROM \(StoreTable.quoted($1.name))") ?? 0) }
            })
        }
        let session = try await PostgresSession.open(location)
        do {
            let taken = try await existingTables(session)
            let clashing = tables.map(\.name).filter(taken.keys.contains)
            guard clashing.isEmpty else {
                throw HeedError("the store \(location) already holds heed's tables (\(clashing.prefix(4).joined(separator: ", ")), …): "
                                + "a copy goes into an empty database — nothing was changed", .refused)
            }
            let report = try await session.transaction { session in
                for table in tables { try await session.execute(table.postgresDefinition) }
                for statement in PostgresWords.column { try await session.execute(statement) }
                try await appendOnlyEvents(session)
                var written: [String: TableChecksum] = [:]
                for table in tables { written[table.name] = try await copy(table, from: snapshot, into: session, progress: progress) }
                progress?.doing("keys, checks, references and indexes")
                let copied = Set(tables.map(\.name))
                for table in tables {
                    for statement in table.postgresConstraints(copied: copied) { try await session.execute(statement) }
                }
                for index in try await snapshot.read({ db in try StoreTable.postgresIndexes(db, copied: copied) }) {
                    try await session.execute(index)
                }
                progress?.doing("the index of the mentions' words")
                // A GIN index is built in memory, in runs of this size, and merged.
                try await session.execute("SET LOCAL maintenance_work_mem = '256MB'")
                try await session.execute(PostgresWords.index)
                progress?.doing("the vocabulary of the mentions' words")
                try await session.execute(PostgresWords.vocabulary)
                _ = try await copy(PostgresWords.cacheVocabulary, from: snapshot, into: session, as: "mention_vocabulary", progress: nil)
                // The planner's statistics now rather than at autovacuum's next pass: without
                // them the first reads of the copy may sort the whole table for a page.
                try await session.execute("ANALYZE")
                progress?.doing("summing what PostgreSQL holds")
                return try await compare(tables, expected: written, against: session)
            }
            await session.close()
            _ = try database.write { db in
                try EventLog.append(db, at: now, by: actor, kind: .storeCopyOut, subject: location.description, after: report.json)
            }
            return report
        } catch {
            if !session.connection.isClosed { await session.close() }
            throw error
        }
    }

    /// As on the cache: the audit trail is appended to, never rewritten, except that while an
    /// erasure is under way (`redaction`) an entry's text may be replaced, nothing else of it.
    private static func appendOnlyEvents(_ session: PostgresSession) async throws {
        try await session.execute("""
            CREATE FUNCTION heed_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM redaction)
                   AND (NEW.id, NEW.at, NEW.operator, NEW.uid, NEW.kind, NEW.conversation_id, NEW.digest, NEW.chain)
                       IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.operator, OLD.uid, OLD.kind, OLD.conversation_id, OLD.digest, OLD.chain) THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'the event log is append-only: only a redaction replaces an entry''s text';
            END $$
            """)
        try await session.execute("""
            CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event
                FOR EACH ROW EXECUTE FUNCTION heed_event_append_only()
            """)
    }

    /// Copies `table` into the store's table of the same name, or `target`.
    private static func copy(_ table: StoreTable, from snapshot: any DatabaseReader, into session: PostgresSession, as target: String? = nil,
                             progress: IngestProgress?) async throws -> TableChecksum {
        var checksum = TableChecksum()
        let target = target ?? table.name
        progress?.doing(target)
        do {
            // PostgresNIO quotes the names; they are the cache's own, never a customer's.
            try await session.connection.copyFrom(table: target, columns: table.columns.map(\.name),
                                                  logger: session.logger) { writer in
                var buffer = ByteBuffer()
                try await eachChunk(of: table, in: snapshot) { rows in
                    for row in rows {
                        checksum.add(row)
                        CopyText.append(row, to: &buffer)
                    }
                    progress?.advance(rows.count)
                    if buffer.readableBytes >= copyBufferBytes {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
        } catch let error as HeedError {
            throw error
        } catch {
            throw HeedError("the store \(session.location) refused the rows of \(target): \(PostgresSession.reason(error)) — nothing was kept", .failed)
        }
        return checksum
    }

    /// The table's rows a chunk at a time, in stored order, each value checked against its
    /// column: SQLite lets a column hold any kind, PostgreSQL does not.
    static func eachChunk(of table: StoreTable, in reader: any DatabaseReader, _ body: ([[StoredValue]]) async throws -> Void) async throws {
        var after: [DatabaseValue]?
        while true {
            let from = after
            let (rows, last) = try await reader.read { db -> ([[StoredValue]], [DatabaseValue]?) in
                let cursor = try Row.fetchCursor(db, sql: table.chunkSQL(after: from != nil, limit: chunkRows),
                                                 arguments: StatementArguments(from ?? []))
                var rows: [[StoredValue]] = []
                var last: [DatabaseValue]?
                while let row = try cursor.next() {
                    let key = (table.columns.count..<row.count).map { row[$0] as DatabaseValue }
                    rows.append(try table.columns.indices.map { try stored(row, table, $0, key: key) })
                    last = key
                }
                return (rows, last)
            }
            guard !rows.isEmpty else { return }
            try await body(rows)
            after = last
        }
    }

    private static func stored(_ row: Row, _ table: StoreTable, _ index: Int, key: [DatabaseValue]) throws -> StoredValue {
        let column = table.columns[index]
        let value: DatabaseValue = row[index]
        switch (value.storage, column.kind) {
        case (.null, _): return .null
        case (.int64(let number), .integer): return .integer(number)
        case (.int64(let number), .real): return .real(Double(number))
        case (.double(let number), .real): return .real(number)
        case (.string, .text):
            // Its bytes as stored: GRDB's String ends at a NUL and mends bytes that are not UTF-8,
            // which would copy a changed text without a word.
            let bytes = try row.withUnsafeData(atIndex: index) { [UInt8]($0 ?? Data()) }
            if !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) { return .text(text) }
        case (.blob(let data), .blob): return .blob([UInt8](data))
        default: break
        }
        let held = switch value.storage {
        case .int64: "an integer"
        case .double: "a real number"
        case .string where column.kind == .text: "text with a NUL character or bytes that are not UTF-8, which PostgreSQL's text cannot hold"
        case .string: "text"
        case .blob: "bytes"
        case .null: "nothing"
        }
        let place = key.map(\.description).joined(separator: ", ")
        throw HeedError("the cache's table \(table.name), row \(place), column \(column.name) holds \(held) where the schema says "
                        + "\(column.kind.rawValue): PostgreSQL would refuse it — nothing was copied", .badData)
    }

    // MARK: - Back into a cache

    /// Copies the heed tables of the database at `location` into a new cache at `path`, which
    /// must not exist. The copy is written under another name and given its name once its
    /// checksums match the store's; the full-text index is built again from the mentions.
    /// Logged in the new cache (`store-copy-in`, by `actor`), after the copied events: the
    /// audit chain goes on from them.
    public static func fromPostgres(_ location: PostgresLocation, into path: String, by actor: String, now: Int64,
                                    progress: IngestProgress? = nil) async throws -> Report {
        guard !Backup.exists(path) else {
            throw HeedError("\(path) exists: a copy from the store is never written over a cache — name a new file", .cannotWrite)
        }
        let temporary = Backup.sibling(path, "partial")
        defer { for suffix in ["", "-wal", "-shm", CacheSideFile.users.rawValue, CacheSideFile.migrate.rawValue] { unlink(temporary + suffix) } }
        let session = try await PostgresSession.open(location)
        let report: Report
        do {
            report = try await fill(temporary, from: session, by: actor, now: now, progress: progress)
        } catch {
            await session.close()
            throw error
        }
        await session.close()
        try Backup.place(temporary, at: path)
        return report
    }

    private static func fill(_ temporary: String, from session: PostgresSession, by actor: String, now: Int64,
                             progress: IngestProgress?) async throws -> Report {
        let database = try AppDatabase.open(path: temporary)
        do {
            let tables = try database.read(StoreTable.all)
            let triggers = try database.read { db in try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger'") }
            // Rows arrive as they were, the tally and the chain of events included: the triggers
            // that keep them would count them twice. Foreign keys are checked once, at the end.
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                try db.inTransaction {
                    for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
                        try db.execute(sql: "DROP TRIGGER \(StoreTable.quoted(name))")
                    }
                    for table in tables { try db.execute(sql: "DELETE FROM \(StoreTable.quoted(table.name))") }
                    return .commit
                }
            }
            let expected = try await session.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { session in
                try await checkShape(tables, of: session)
                if let progress {
                    var total = 0
                    for table in tables {
                        for try await count in try await session.query("SELECT count(*) FROM \(StoreTable.quoted(table.name))").decode(Int.self) {
                            total += count
                        }
                    }
                    progress.expect(total)
                }
                var read: [String: TableChecksum] = [:]
                for table in tables { read[table.name] = try await copy(table, from: session, into: database, progress: progress) }
                return read
            }
            progress?.doing("triggers and references")
            try database.writeWithoutTransaction { db in
                try db.inTransaction {
                    for trigger in triggers { try db.execute(sql: trigger) }
                    return .commit
                }
                let broken = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
                if let first = broken.first {
                    throw HeedError("the store's rows do not hold together: \(broken.count) rows point at rows that are not there "
                                    + "(first in \(first["table"] as String)) — no cache was written", .badData)
                }
                try db.execute(sql: "PRAGMA foreign_keys = ON")
            }
            progress?.doing("summing the copy")
            let report = try await compare(tables, expected: expected, in: database, from: session.location)
            progress?.doing("the full-text index")
            try database.write(FullTextIndex.catchUp)
            _ = try database.write { db in
                try EventLog.append(db, at: now, by: actor, kind: .storeCopyIn, subject: session.location.description, after: report.json)
            }
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try database.close()
            return report
        } catch {
            try? database.close()
            throw error
        }
    }

    /// The store must hold this heed's tables, columns and migrations: a copy made by another
    /// heed version is read by that version.
    private static func checkShape(_ tables: [StoreTable], of session: PostgresSession) async throws {
        let present = try await existingTables(session)
        for table in tables {
            guard let columns = present[table.name] else {
                throw HeedError("the store \(session.location) has no table \(table.name): it is not a copy of a heed cache "
                                + "(heed store migrate --to writes one) — no cache was written", .badData)
            }
            let missing = table.columns.map(\.name).filter { !columns.contains($0) }
            guard missing.isEmpty else {
                throw HeedError("the store's table \(table.name) has no column \(missing.joined(separator: ", ")): "
                                + "it was copied by another heed version — no cache was written", .badData)
            }
        }
        var theirs: Set<String> = []
        for try await identifier in try await session.query("SELECT identifier FROM grdb_migrations").decode(String.self) {
            theirs.insert(identifier)
        }
        try checkMigrations(theirs, else: "copy it back with that heed — no cache was written")
    }

    /// Refuses a copy made by another heed version, whose tables may not be this heed's;
    /// `advice` says what to do instead.
    static func checkMigrations(_ theirs: Set<String>, else advice: String) throws {
        let ours = Set(Schema.migrator.migrations)
        guard theirs == ours else {
            let newer = !theirs.subtracting(ours).isEmpty
            throw HeedError("the store was copied by \(newer ? "a newer" : "an older") heed (its schema has \(theirs.count) migrations, "
                            + "this heed's \(ours.count)): \(advice)", .badData)
        }
    }

    private static func copy(_ table: StoreTable, from session: PostgresSession, into database: AppDatabase,
                             progress: IngestProgress?) async throws -> TableChecksum {
        var checksum = TableChecksum()
        progress?.doing(table.name)
        var rows: [[StoredValue]] = []
        let insert = "INSERT INTO \(StoreTable.quoted(table.name)) (\(table.columnList)) VALUES (\(table.columns.map { _ in "?" }.joined(separator: ", ")))"
        func flush() throws {
            let chunk = rows
            try database.writeWithoutTransaction { db in
                try db.inTransaction {
                    let statement = try db.cachedStatement(sql: insert)
                    for row in chunk { try statement.execute(arguments: StatementArguments(row.map(\.databaseValue))) }
                    return .commit
                }
            }
            progress?.advance(chunk.count)
            rows.removeAll(keepingCapacity: true)
        }
        do {
            for try await row in try await session.query("SELECT \(table.columnList) FROM \(StoreTable.quoted(table.name))") {
                let values = try stored(row, table)
                checksum.add(values)
                rows.append(values)
                if rows.count >= writtenRows { try flush() }
            }
        } catch let error as HeedError {
            throw error
        } catch {
            throw HeedError("cannot read \(table.name) from the store \(session.location): \(PostgresSession.reason(error)) — no cache was written", .failed)
        }
        if !rows.isEmpty { try flush() }
        return checksum
    }

    private static func stored(_ row: PostgresRow, _ table: StoreTable) throws -> [StoredValue] {
        let cells = row.makeRandomAccess()
        return try table.columns.indices.map { try stored(cells[$0], table.columns[$0].kind) }
    }

    private static func stored(_ cell: PostgresCell, _ kind: StoreTable.Kind) throws -> StoredValue {
        guard cell.bytes != nil else { return .null }
        switch kind {
        case .integer: return .integer(try cell.decode(Int64.self))
        case .real: return .real(try cell.decode(Double.self))
        case .text: return .text(try cell.decode(String.self))
        case .blob:
            var buffer = try cell.decode(ByteBuffer.self)
            return .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        }
    }

    // MARK: - Both ways

    /// heed's tables in the store's schema, with their columns.
    private static func existingTables(_ session: PostgresSession) async throws -> [String: Set<String>] {
        var tables: [String: Set<String>] = [:]
        let rows = try await session.query("SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema()")
        for try await (table, column) in rows.decode((String, String).self) { tables[table, default: []].insert(column) }
        return tables
    }

    /// Sums each table as the store now holds it and compares with what was sent.
    private static func compare(_ tables: [StoreTable], expected: [String: TableChecksum], against session: PostgresSession) async throws -> Report {
        var report = Report(store: session.location.description, tables: [])
        for table in tables {
            var held = TableChecksum()
            for try await row in try await session.query("SELECT \(table.columnList) FROM \(StoreTable.quoted(table.name))") {
                held.add(try stored(row, table))
            }
            try check(table.name, sent: expected[table.name] ?? TableChecksum(), held: held, source: "the cache", target: "the store")
            report.tables.append((table.name, held.hex, held.rows))
        }
        return report
    }

    private static func compare(_ tables: [StoreTable], expected: [String: TableChecksum], in database: AppDatabase,
                                from location: PostgresLocation) async throws -> Report {
        var report = Report(store: location.description, tables: [])
        let reader = try database.frozen()
        for table in tables {
            var held = TableChecksum()
            try await eachChunk(of: table, in: reader) { rows in for row in rows { held.add(row) } }
            try check(table.name, sent: expected[table.name] ?? TableChecksum(), held: held, source: "the store", target: "the copy")
            report.tables.append((table.name, held.hex, held.rows))
        }
        return report
    }

    private static func check(_ table: String, sent: TableChecksum, held: TableChecksum, source: String, target: String) throws {
        guard sent == held else {
            throw HeedError("\(table): \(source) has \(sent), \(target) \(held) — the copy was not kept", .failed)
        }
    }
}

extension StoredValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let number): number.databaseValue
        case .real(let number): number.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }
}
