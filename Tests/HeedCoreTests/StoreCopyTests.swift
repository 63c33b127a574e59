import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// The copy between the cache and a real PostgreSQL server (a cluster of the test's own).
final class StoreCopyTests: XCTestCase {
    let folder = TemporaryFolder()
    var postgres: LocalPostgres { get throws { try LocalPostgres.shared() } }
    let now = FixedClock("2026-11-23T12:30:00Z").now()

    /// The demo's cache, with values that are hard to carry: every hostile string, the edges
    /// of integers and doubles, bytes of every value.
    func cache() throws -> AppDatabase {
        let (database, _) = try DemoCache.build(path: folder.file("demo.sqlite"), size: 300, seed: 7, clock: FixedClock("2026-11-23T12:00:00Z"))
        try database.write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM mention ORDER BY id LIMIT ?", arguments: [HostileStrings.all.count])
            for (id, text) in zip(ids, HostileStrings.all) {
                try db.execute(sql: "UPDATE mention SET text = ?, extra = ? WHERE id = ?", arguments: [text + "\t\\N\\\r\n\\x00", text, id])
            }
            try db.execute(sql: "UPDATE mention SET likes = ?, reposts = ?, sentiment = ? WHERE id = ?", arguments: [Int64.max, Int64.min, -0.0, ids[0]])
            try db.execute(sql: "UPDATE mention SET sentiment = ? WHERE id = ?", arguments: [Double.leastNonzeroMagnitude, ids[1]])
            try db.execute(sql: "UPDATE mention SET sentiment = ? WHERE id = ?", arguments: [-Double.greatestFiniteMagnitude, ids[2]])
            try db.execute(sql: "UPDATE mention SET sentiment = ? WHERE id = ?", arguments: [0.1 + 0.2, ids[3]])
        }
        return database
    }

    /// Every table's rows as text, in stored order: what a cache holds, read without heed's checksums.
    func dump(_ database: AppDatabase) throws -> [String: [String]] {
        try database.read { db in
            var tables: [String: [String]] = [:]
            for table in try StoreTable.all(db) {
                let order = table.withoutRowid ? table.primaryKey.joined(separator: ", ") : "rowid"
                tables[table.name] = try Row.fetchAll(db, sql: "SELECT * FROM \(table.name) ORDER BY \(order)").map { row in
                    row.databaseValues.map { value in
                        switch value.storage {
                        case .double(let number): "real(\(number.bitPattern))"
                        case .blob(let data): "blob(\(data.map { String($0) }.joined(separator: ",")))"
                        default: value.description
                        }
                    }.joined(separator: " | ")
                }
            }
            return tables
        }
    }

    func testACacheGoesToPostgreSQLAndBackWithEveryValueAsItWas() async throws {
        let source = try cache()
        let url = try postgres.newDatabase()
        let location = try PostgresLocation(url: url)

        let out = try await StoreCopy.toPostgres(source, location, by: "lead", now: now)
        let counts = try source.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM mention")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM event")!)
        }
        XCTAssertEqual(out.tables.first { $0.name == "mention" }?.rows, counts.0)
        XCTAssertEqual(try postgres.psql(String(url.split(separator: "?")[0].dropFirst(12)), "SELECT count(*) FROM mention"), "\(counts.0)")
        XCTAssertGreaterThan(counts.1, 10, "the demo logs its actions")
        XCTAssertFalse(out.tables.contains { $0.name.hasPrefix("mention_fts") || $0.name == "fts_watermark" }, "the full-text index is not copied")

        let back = folder.file("back.sqlite")
        let returned = try await StoreCopy.fromPostgres(location, into: back, by: "lead", now: now)
        XCTAssertEqual(returned.tables.map(\.checksum), out.tables.map(\.checksum))
        XCTAssertFalse(FileManager.default.fileExists(atPath: back + "-wal"), "the copy is whole in its one file")
        let copy = try AppDatabase.open(path: back)
        var sourceDump = try dump(source), copyDump = try dump(copy)
        XCTAssertEqual(Set(sourceDump.keys), Set(copyDump.keys))
        // Each side logged the copy after it: the cache that it left, the new cache that it came.
        let copiedEvents = try XCTUnwrap(out.tables.first { $0.name == "event" }?.rows)
        XCTAssertEqual(sourceDump["event"]?.count, copiedEvents + 1)
        XCTAssertEqual(copyDump["event"]?.count, copiedEvents + 1)
        let last = sourceDump["event"]?.popLast() ?? ""
        XCTAssertTrue(last.contains("\"lead\" | \"store-copy-out\" | NULL | \"\(location)\" | NULL | \"{\\\"tables\\\":\(out.tables.count),"), last)
        let arrival = copyDump["event"]?.popLast() ?? ""
        XCTAssertTrue(arrival.contains("\"lead\" | \"store-copy-in\" | NULL | \"\(location)\""), arrival)
        for (table, rows) in sourceDump { XCTAssertEqual(copyDump[table], rows, table) }
        XCTAssertTrue(try AuditReport.verify(copy).isWhole, "the audit chain goes on from the copied events")
        XCTAssertEqual(try AuditReport.verify(copy).entries, try AuditReport.verify(source).entries)

        // What the triggers keep, and the index built again, work on the copy.
        try copy.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"),
                           try source.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") })
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM mention_fts WHERE mention_fts MATCH 'card'"),
                           try source.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM mention_fts WHERE mention_fts MATCH 'card'") })
            XCTAssertTrue(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
        XCTAssertThrowsError(try copy.write { db in try db.execute(sql: "DELETE FROM event") }, "the event log's triggers are back")
    }

    /// The copy reads the cache as of the moment it began, whatever is written after: here more
    /// than a chunk of mentions, imported before the first chunk is read.
    func testTheCopyReadsTheCacheAsOfOneMoment() async throws {
        let source = try cache()
        let snapshot = try source.frozen()
        let mention = try XCTUnwrap(try source.read(StoreTable.all).first { $0.name == "mention" })
        let before = try source.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention")! }
        let lines = (0..<(StoreCopy.chunkRows + 10)).map {
            MentionLines.line(id: "later\($0)", text: "written while the copy runs", at: "2026-11-23T11:59:00Z", author: "w\($0 % 50)")
        }
        _ = try Ingester(database: source, config: Config(), clock: FixedClock("2026-11-23T12:00:00Z"))
            .ingest(path: folder.write("later.jsonl", lines.joined(separator: "\n") + "\n"))
        var seen = 0
        try await StoreCopy.eachChunk(of: mention, in: snapshot) { rows in seen += rows.count }
        XCTAssertEqual(seen, before)
        XCTAssertEqual(try source.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention")! }, before + lines.count)
    }

    func testTheEventLogInPostgreSQLRefusesChangesButARedactionsText() async throws {
        let url = try postgres.newDatabase()
        _ = try await StoreCopy.toPostgres(try cache(), try PostgresLocation(url: url), by: "lead", now: now)
        let name = database(url)
        let events = try postgres.psql(name, "SELECT count(*) FROM event")
        XCTAssertThrowsError(try postgres.psql(name, "UPDATE event SET operator = 'mallory'")) { error in
            XCTAssertTrue("\(error)".contains("append-only"), "\(error)")
        }
        XCTAssertThrowsError(try postgres.psql(name, "UPDATE event SET after = NULL"), "no text is replaced outside an erasure")
        XCTAssertThrowsError(try postgres.psql(name, "DELETE FROM event"))
        XCTAssertEqual(try postgres.psql(name, "SELECT count(*) FROM event WHERE operator = 'mallory'"), "0")
        XCTAssertEqual(try postgres.psql(name, "SELECT count(*) FROM event"), events)

        try postgres.psql(name, "INSERT INTO redaction VALUES (1, 'erasure of a customer')")
        try postgres.psql(name, "UPDATE event SET after = NULL WHERE id = (SELECT min(id) FROM event)")
        XCTAssertThrowsError(try postgres.psql(name, "UPDATE event SET operator = 'mallory', after = NULL"), "an erasure replaces text only")
        try postgres.psql(name, "INSERT INTO event (id, at, operator, kind) SELECT max(id) + 1, 0, 'sam', 'note' FROM event")
        XCTAssertEqual(try postgres.psql(name, "SELECT count(*) FROM event"), "\(Int(events)! + 1)")
    }

    /// The copy is the cache's schema, not only its rows: keys, defaults, checks, references and
    /// indexes, which PostgreSQL checks once the rows are in.
    func testThePostgreSQLCopyKeepsTheCachesKeysDefaultsChecksReferencesAndIndexes() async throws {
        let source = try cache()
        let url = try postgres.newDatabase()
        _ = try await StoreCopy.toPostgres(source, try PostgresLocation(url: url), by: "lead", now: now)
        let name = database(url)
        let (indexes, references) = try source.read { db in
            (try Int.fetchOne(db, sql: """
                SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name NOT LIKE 'mention_fts%'
                """)!,
             try Int.fetchOne(db, sql: """
                SELECT count(DISTINCT m.name || p.id) FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p WHERE m.type = 'table'
                """)!)
        }
        XCTAssertGreaterThan(indexes, 20)
        XCTAssertEqual(try postgres.psql(name, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' "
                                         + "AND indexname NOT LIKE '%_key' AND indexname NOT LIKE '%_unique_%'"), "\(indexes + 1)", "the cache's, and the words'")
        XCTAssertEqual(try postgres.psql(name, "SELECT indexdef FROM pg_indexes WHERE indexname = 'mention_words'"),
                       "CREATE INDEX mention_words ON public.mention USING gin (words)")
        XCTAssertEqual(try postgres.psql(name, "SELECT count(*) FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY'"),
                       "\(references)")
        XCTAssertEqual(try postgres.psql(name, "SELECT indexdef FROM pg_indexes WHERE indexname = 'conversation_by_assignee'"),
                       "CREATE INDEX conversation_by_assignee ON public.conversation USING btree (lower(assignee) NULLS FIRST, status NULLS FIRST) "
                       + "WHERE (assignee IS NOT NULL)")
        XCTAssertEqual(try postgres.psql(name, "SELECT indexdef FROM pg_indexes WHERE indexname = 'conversation_queue'"),
                       "CREATE INDEX conversation_queue ON public.conversation USING btree (status NULLS FIRST, priority DESC NULLS LAST, "
                       + "static_points DESC NULLS LAST, due_at NULLS FIRST, waiting_since NULLS FIRST)", "NULLs where SQLite has them")

        XCTAssertThrowsError(try postgres.psql(name, "INSERT INTO note (conversation_id, operator, text, created_at) VALUES (987654321, 'sam', 'x', 0)")) {
            XCTAssertTrue("\($0)".contains("foreign key"), "\($0)")
        }
        XCTAssertThrowsError(try postgres.psql(name, "INSERT INTO tag (id, name) SELECT max(id) + 1, upper(min(name)) FROM tag")) {
            XCTAssertTrue("\($0)".contains("tag_unique_1"), "a tag differing only in case, as the cache refuses: \($0)")
        }
        let mention = try XCTUnwrap(try source.read(StoreTable.all).first { $0.name == "mention" })
        XCTAssertThrowsError(try postgres.psql(name, "INSERT INTO mention (\(mention.columnList)) SELECT \(mention.columnList) FROM mention LIMIT 1")) {
            XCTAssertTrue("\($0)".contains("mention_pkey"), "\($0)")
        }
        XCTAssertThrowsError(try postgres.psql(name, "INSERT INTO note (operator, text, created_at) VALUES ('sam', 'about nothing', 0)")) {
            XCTAssertTrue("\($0)".contains("note_check"), "a note is about a conversation or a contact: \($0)")
        }
        XCTAssertThrowsError(try postgres.psql(name, "INSERT INTO redaction VALUES (2, 'a second one')"), "the table holds one row at most")
        XCTAssertEqual(try postgres.psql(name, """
            INSERT INTO conversation (channel, first_at, last_at, created_at, updated_at) VALUES ('x', 0, 0, 0, 0)
                RETURNING status || ' ' || version || ' ' || priority || ' ' || spam_score
            """), "open 1 0 0", "the cache's defaults")
        // A row without an id takes the next one, as SQLite's rowid does.
        let last = try XCTUnwrap(Int(try postgres.psql(name, "SELECT max(id) FROM tag")), "the demo tags conversations")
        XCTAssertEqual(try postgres.psql(name, "INSERT INTO tag (name) VALUES ('new-tag') RETURNING id"), "\(last + 1)")
    }

    /// The audit chain is checked where the copy is kept: whole as on the cache, and an entry
    /// changed there by someone who set the trigger aside is found.
    func testTheAuditChainIsWalkedInPostgreSQL() throws {
        let source = try cache(), now = self.now
        let url = try postgres.newDatabase()
        _ = try waitFor { try await StoreCopy.toPostgres(source, try PostgresLocation(url: url), by: "lead", now: now) }
        let copied = try AuditReport.verify(try PostgresLocation(url: url))
        let cached = try AuditReport.verify(source)
        XCTAssertTrue(copied.isWhole, "\(copied.problems)")
        XCTAssertEqual(copied.entries, cached.entries - 1, "all but the cache's own entry for the copy")
        XCTAssertGreaterThan(copied.entries, 10)

        let name = database(url)
        let id = try postgres.psql(name, "SELECT id FROM event ORDER BY id LIMIT 1 OFFSET 5")
        try postgres.psql(name, "ALTER TABLE event DISABLE TRIGGER event_append_only")
        try postgres.psql(name, "UPDATE event SET operator = 'mallory' WHERE id = \(id)")
        try postgres.psql(name, "DELETE FROM event WHERE id = (SELECT id FROM event ORDER BY id LIMIT 1 OFFSET 8)")
        let tampered = try AuditReport.verify(try PostgresLocation(url: url))
        XCTAssertFalse(tampered.isWhole)
        XCTAssertEqual(tampered.entries, copied.entries - 1)
        XCTAssertTrue(tampered.problems.contains { $0.hasPrefix("entry \(id) does not follow") }, "\(tampered.problems)")
        XCTAssertEqual(tampered.problemCount, 2, "\(tampered.problems)")
    }

    /// A long copy shows how far it is: every row counted, against the count taken first.
    func testProgressCountsEveryRowAgainstTheCountTakenFirst() async throws {
        let url = try postgres.newDatabase()
        let out = IngestProgress()
        let sent = try await StoreCopy.toPostgres(try cache(), try PostgresLocation(url: url), by: "lead", now: now, progress: out)
        XCTAssertEqual([out.snapshot().records, out.snapshot().totalRecords], [sent.rows, sent.rows])
        XCTAssertEqual(out.snapshot().step, "summing what PostgreSQL holds")

        let back = IngestProgress()
        let received = try await StoreCopy.fromPostgres(try PostgresLocation(url: url), into: folder.file("back.sqlite"), by: "lead", now: now,
                                                        progress: back)
        XCTAssertEqual([back.snapshot().records, back.snapshot().totalRecords], [received.rows, received.rows])
        XCTAssertEqual(received.rows, sent.rows)
        XCTAssertEqual(back.snapshot().step, "the full-text index")
    }

    func testACopyGoesOnlyIntoAnEmptyDatabaseAndANewFile() async throws {
        let source = try cache()
        let url = try postgres.newDatabase()
        let location = try PostgresLocation(url: url)
        _ = try await StoreCopy.toPostgres(source, location, by: "lead", now: now)
        let before = try postgres.psql(database(url), "SELECT count(*) FROM mention")
        do {
            _ = try await StoreCopy.toPostgres(source, location, by: "lead", now: now)
            XCTFail("copied twice into one database")
        } catch let error as HeedError {
            XCTAssertEqual(error.kind, .refused)
            XCTAssertTrue(error.message.contains("already holds heed's tables"), error.message)
        }
        XCTAssertEqual(try postgres.psql(database(url), "SELECT count(*) FROM mention"), before)

        let taken = folder.write("taken.sqlite", "someone's file")
        do {
            _ = try await StoreCopy.fromPostgres(location, into: taken, by: "lead", now: now)
            XCTFail("wrote over a file")
        } catch let error as HeedError {
            XCTAssertEqual(error.kind, .cannotWrite)
        }
        XCTAssertEqual(folder.read("taken.sqlite"), "someone's file")
    }

    /// SQLite lets a column hold any kind; PostgreSQL would refuse the row. The copy says where,
    /// and the store is left as it was: empty.
    func testAValuePostgreSQLWouldRefuseIsNamedAndNothingIsCopied() async throws {
        let source = try cache()
        try source.write { db in try db.execute(sql: "UPDATE mention SET likes = 'many' WHERE id = (SELECT max(id) FROM mention)") }
        let url = try postgres.newDatabase()
        do {
            _ = try await StoreCopy.toPostgres(source, try PostgresLocation(url: url), by: "lead", now: now)
            XCTFail("copied text into an integer column")
        } catch let error as HeedError {
            XCTAssertEqual(error.kind, .badData)
            XCTAssertTrue(error.message.contains("table mention, row"), error.message)
            XCTAssertTrue(error.message.contains("column likes holds text where the schema says integer"), error.message)
        }
        XCTAssertEqual(try postgres.psql(database(url), "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"), "0")

        try source.write { db in
            try db.execute(sql: "UPDATE mention SET likes = 0, text = 'before' || char(0) || 'after' WHERE id = (SELECT max(id) FROM mention)")
        }
        do {
            _ = try await StoreCopy.toPostgres(source, try PostgresLocation(url: url), by: "lead", now: now)
            XCTFail("copied a NUL character")
        } catch let error as HeedError {
            XCTAssertTrue(error.message.contains("column text holds text with a NUL character"), error.message)
        }
        XCTAssertEqual(try postgres.psql(database(url), "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"), "0")
        XCTAssertEqual(try source.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE kind = 'store-copy-out'") }, 0,
                       "a copy that failed is not logged as made")
    }

    func testOnlyACopyOfThisHeedsCacheComesBack() async throws {
        let url = try postgres.newDatabase()
        let location = try PostgresLocation(url: url)
        try postgres.psql(database(url), "CREATE TABLE mention (id bigint)")
        let target = folder.file("back.sqlite")
        do {
            _ = try await StoreCopy.fromPostgres(location, into: target, by: "lead", now: now)
            XCTFail("read a database that is not a copy")
        } catch let error as HeedError {
            XCTAssertEqual(error.kind, .badData)
            XCTAssertTrue(error.message.contains("has no table"), error.message)
        }

        let copied = try postgres.newDatabase()
        _ = try await StoreCopy.toPostgres(try cache(), try PostgresLocation(url: copied), by: "lead", now: now)
        try postgres.psql(database(copied), "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')")
        do {
            _ = try await StoreCopy.fromPostgres(try PostgresLocation(url: copied), into: target, by: "lead", now: now)
            XCTFail("read a newer heed's copy")
        } catch let error as HeedError {
            XCTAssertTrue(error.message.contains("a newer heed"), error.message)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("back.sqlite") }, [],
                       "nothing half-written is left")
    }

    /// A copy that differs from what the store sent is not kept. A double PostgreSQL holds and
    /// SQLite cannot (NaN, which SQLite stores as null) makes one.
    func testACopyThatDiffersFromTheStoreIsNotKept() async throws {
        let copied = try postgres.newDatabase()
        _ = try await StoreCopy.toPostgres(try cache(), try PostgresLocation(url: copied), by: "lead", now: now)
        try postgres.psql(database(copied), "UPDATE mention SET sentiment = 'NaN' WHERE id = (SELECT min(id) FROM mention)")
        let target = folder.file("back.sqlite")
        do {
            _ = try await StoreCopy.fromPostgres(try PostgresLocation(url: copied), into: target, by: "lead", now: now)
            XCTFail("kept a copy that differs")
        } catch let error as HeedError {
            XCTAssertTrue(error.message.hasPrefix("mention: the store has"), error.message)
            XCTAssertTrue(error.message.contains("the copy was not kept"), error.message)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
    }

    private func database(_ url: String) -> String {
        String(url.dropFirst("postgres:///".count).prefix { $0 != "?" })
    }
}
