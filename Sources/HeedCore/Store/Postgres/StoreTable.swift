import Foundation
import GRDB

/// One of the cache's tables as a copy between engines sees it: its columns (kinds, nullability,
/// defaults), keys, checks and references — read from the cache's own schema, so that a table or
/// a column a migration adds is copied without a list to keep in step.
struct StoreTable: Equatable, Sendable {
    enum Kind: String, Sendable {
        case integer, real, text, blob

        /// SQLite's affinity rules for the declared types heed's schema uses.
        init?(declared: String) {
            let type = declared.uppercased()
            if type.contains("INT") { self = .integer }
            else if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") { self = .text }
            else if type.contains("BLOB") { self = .blob }
            else if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") { self = .real }
            else { return nil }
        }

        var postgresType: String {
            switch self {
            case .integer: "bigint"
            case .real: "double precision"
            case .text: "text"
            case .blob: "bytea"
            }
        }
    }

    struct Column: Equatable, Sendable {
        var name: String
        var kind: Kind
        var notNull: Bool
        /// The default as the schema says it: a literal (`0`, `'open'`), the same in both dialects.
        var defaultValue: String? = nil
    }

    /// A reference to another table's rows, checked as the cache checks it.
    struct ForeignKey: Equatable, Sendable {
        var columns: [String]
        var table: String
        var to: [String]
        var cascades: Bool
        /// Checked at commit rather than at each statement (an import's mentions name their
        /// conversation before it is written).
        var deferred: Bool
    }

    struct UniqueColumn: Equatable, Sendable {
        var column: String
        /// Compared without case (`COLLATE NOCASE`).
        var noCase: Bool
    }

    var name: String
    var columns: [Column]
    var primaryKey: [String]
    /// A WITHOUT ROWID table is read in its key's order; others in rowid order.
    var withoutRowid: Bool

    /// Each UNIQUE constraint's columns, and each key compared without case.
    var uniques: [[UniqueColumn]] = []
    var foreignKeys: [ForeignKey] = []
    /// CHECK constraints' conditions, as written in the schema.
    var checks: [String] = []

    /// What is not copied: the full-text index (FTS5's tables, its vocabulary, its watermark) is
    /// built again from the mentions on the way back, and PostgreSQL indexes the words its own
    /// way (`PostgresWords`).
    static let derived: Set<String> = ["fts_watermark"]

    /// The cache's tables, by name.
    static func all(_ db: Database) throws -> [StoreTable] {
        let listed = try Row.fetchAll(db, sql: """
            SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
            """)
        return try listed.compactMap { row -> StoreTable? in
            let name: String = row["name"]
            guard !derived.contains(name) else { return nil }
            let info = try Row.fetchAll(db, sql: "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid", arguments: [name])
            let columns = try info.map { column -> Column in
                let declared: String = column["type"]
                guard let kind = Kind(declared: declared) else {
                    throw HeedError("the cache's table \(name), column \(column["name"] as String): type \(declared) has no PostgreSQL twin", .badData)
                }
                return Column(name: column["name"], kind: kind, notNull: column["notnull"], defaultValue: column["dflt_value"])
            }
            let key = info.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { $0["name"] as String }
            var table = StoreTable(name: name, columns: columns, primaryKey: key, withoutRowid: row["wr"])
            table.uniques = try uniques(db, name)
            table.foreignKeys = try foreignKeys(db, name)
            table.checks = try checks(db, name)
            return table
        }
    }

    /// UNIQUE constraints, and primary keys whose text is compared without case (PostgreSQL's
    /// own key compares it exactly, so those get a unique index of their lowered text besides).
    private static func uniques(_ db: Database, _ table: String) throws -> [[UniqueColumn]] {
        try Row.fetchAll(db, sql: "SELECT name, origin FROM pragma_index_list(?) WHERE origin IN ('u', 'pk') ORDER BY name", arguments: [table])
            .compactMap { index in
                let columns = try Row.fetchAll(db, sql: "SELECT name, coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno",
                                               arguments: [index["name"] as String])
                    .map { UniqueColumn(column: $0["name"], noCase: ($0["coll"] as String).uppercased() == "NOCASE") }
                let origin: String = index["origin"]
                return origin == "u" || columns.contains(where: \.noCase) ? columns : nil
            }
    }

    private static func foreignKeys(_ db: Database, _ table: String) throws -> [ForeignKey] {
        let definition = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]) ?? ""
        let rows = try Row.fetchAll(db, sql: "SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq",
                                    arguments: [table])
        return Dictionary(grouping: rows) { $0["id"] as Int }.sorted { $0.key < $1.key }.map { _, parts in
            let columns = parts.map { $0["from"] as String }
            // SQLite's pragmas do not say whether a key is deferred; its definition does.
            let line = definition.split(whereSeparator: \.isNewline).first {
                $0.trimmingCharacters(in: .whitespaces).hasPrefix(columns[0] + " ") && $0.contains("REFERENCES")
            }
            return ForeignKey(columns: columns, table: parts[0]["table"], to: parts.map { $0["to"] as String },
                              cascades: (parts[0]["on_delete"] as String) == "CASCADE",
                              deferred: line?.contains("DEFERRABLE INITIALLY DEFERRED") ?? false)
        }
    }

    /// What follows once the rows are in, as after a bulk load: the identity's next number, then
    /// what PostgreSQL checks against the rows — unique constraints, checks, and foreign keys
    /// (each to a table that is copied).
    func postgresConstraints(copied: Set<String>) -> [String] {
        let table = Self.quoted(name)
        var statements: [String] = []
        if let id = rowidAlias {
            // The next number after the rows copied, as SQLite would give it.
            statements.append("SELECT setval(pg_get_serial_sequence('\(table)', '\(id)'), coalesce(max(\(Self.quoted(id))), 0) + 1, false) FROM \(table)")
        }
        for (number, unique) in uniques.enumerated() {
            if unique.contains(where: \.noCase) {
                let parts = unique.map { $0.noCase ? "lower(\(Self.quoted($0.column)))" : Self.quoted($0.column) }
                statements.append("CREATE UNIQUE INDEX \(Self.quoted("\(name)_unique_\(number + 1)")) ON \(table) (\(parts.joined(separator: ", ")))")
            } else {
                statements.append("ALTER TABLE \(table) ADD UNIQUE (\(unique.map { Self.quoted($0.column) }.joined(separator: ", ")))")
            }
        }
        for check in checks { statements.append("ALTER TABLE \(table) ADD CHECK (\(quotingColumns(check)))") }
        for key in foreignKeys where copied.contains(key.table) {
            statements.append("ALTER TABLE \(table) ADD FOREIGN KEY (\(key.columns.map(Self.quoted).joined(separator: ", "))) "
                              + "REFERENCES \(Self.quoted(key.table)) (\(key.to.map(Self.quoted).joined(separator: ", ")))"
                              + (key.cascades ? " ON DELETE CASCADE" : "") + (key.deferred ? " DEFERRABLE INITIALLY DEFERRED" : ""))
        }
        return statements
    }

    /// The conditions of the table's CHECK constraints, read from its definition (SQLite keeps
    /// them nowhere else), comments left out.
    private static func checks(_ db: Database, _ table: String) throws -> [String] {
        let definition = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]) ?? ""
        let text = definition.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.range(of: "--").map { String(line[..<$0.lowerBound]) } ?? String(line) }
            .joined(separator: "\n")
        var conditions: [String] = []
        var rest = text[...]
        while let found = rest.range(of: #"\bCHECK\s*\("#, options: [.regularExpression, .caseInsensitive]),
              let close = closingParenthesis(rest, from: found.upperBound) {
            conditions.append(String(rest[found.upperBound..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return conditions
    }

    /// Where the parenthesis open before `start` closes, parentheses inside string literals
    /// left out; each comma at its own depth on the way is told to `comma`.
    static func closingParenthesis(_ text: Substring, from start: Substring.Index,
                                   comma: (Substring.Index) -> Void = { _ in }) -> Substring.Index? {
        var depth = 1, inString = false, index = start
        while index < text.endIndex {
            switch text[index] {
            case "'": inString.toggle()
            case "(" where !inString: depth += 1
            case ")" where !inString:
                depth -= 1
                if depth == 0 { return index }
            case "," where !inString && depth == 1: comma(index)
            default: break
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// A condition with this table's column names quoted (outside string literals): a column
    /// may be named by a word PostgreSQL reserves (`only`).
    func quotingColumns(_ condition: String) -> String {
        let names = Set(columns.map(\.name))
        var result = ""
        var word = ""
        var inString = false
        func flush() {
            result += names.contains(word) ? Self.quoted(word) : word
            word = ""
        }
        for character in condition {
            if character == "'" { flush(); inString.toggle(); result.append(character) }
            else if !inString && (character.isLetter || character.isNumber || character == "_") { word.append(character) }
            else { flush(); result.append(character) }
        }
        flush()
        return result
    }

    /// The cache's own indexes on the copied tables, said in PostgreSQL: the same columns,
    /// order and conditions; text compared without case through its lowered form.
    static func postgresIndexes(_ db: Database, copied: Set<String>) throws -> [String] {
        try Row.fetchAll(db, sql: "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .filter { copied.contains($0["tbl_name"] as String) }
            .map { postgresIndex($0["sql"]) }
    }

    /// Each key also says where NULLs go as SQLite has them (first going up, last going down),
    /// so that a read ordered as the cache orders it (`OrderKey`) is read along the index.
    static func postgresIndex(_ sqlite: String) -> String {
        let lowered = sqlite.replacingOccurrences(of: #"(\w+) COLLATE NOCASE"#, with: "lower($1)", options: [.regularExpression, .caseInsensitive])
        let text = lowered[...]
        guard let on = text.range(of: #"\sON\s+\w+\s*\("#, options: .regularExpression) else { return lowered }
        var commas: [Substring.Index] = []
        guard let close = closingParenthesis(text, from: on.upperBound, comma: { commas.append($0) }) else { return lowered }
        let bounds = [on.upperBound] + commas.map { text.index(after: $0) }
        let ends = commas + [close]
        let keys = zip(bounds, ends).map { start, end in
            let key = text[start..<end].trimmingCharacters(in: .whitespaces)
            let descending = key.uppercased().hasSuffix(" DESC")
            let bare = descending ? String(key.dropLast(5)) : key.uppercased().hasSuffix(" ASC") ? String(key.dropLast(4)) : key
            return OrderKey(bare, descending: descending).postgres
        }
        return String(text[..<on.upperBound]) + keys.joined(separator: ", ") + String(text[close...])
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    var columnList: String { columns.map { Self.quoted($0.name) }.joined(separator: ", ") }

    /// SQLite's INTEGER PRIMARY KEY is the rowid, given the next number when a row comes without
    /// one; PostgreSQL's twin is an identity column.
    var rowidAlias: String? {
        guard !withoutRowid, primaryKey.count == 1, columns.first(where: { $0.name == primaryKey[0] })?.kind == .integer else { return nil }
        return primaryKey[0]
    }

    /// The table in PostgreSQL: the same columns, kinds, nullability and primary key.
    var postgresDefinition: String {
        var lines = columns.map { column in
            guard column.name != rowidAlias else { return "\(Self.quoted(column.name)) bigint GENERATED BY DEFAULT AS IDENTITY" }
            return "\(Self.quoted(column.name)) \(column.kind.postgresType)" + (column.notNull ? " NOT NULL" : "")
                + (column.defaultValue.map { " DEFAULT \($0)" } ?? "")
        }
        if !primaryKey.isEmpty { lines.append("PRIMARY KEY (\(primaryKey.map(Self.quoted).joined(separator: ", ")))") }
        return "CREATE TABLE \(Self.quoted(name)) (\n    " + lines.joined(separator: ",\n    ") + "\n)"
    }

    /// A chunk of rows after `after` (nil: from the start), in the order the table is stored in.
    /// The key's values come after the columns'.
    func chunkSQL(after: Bool, limit: Int) -> String {
        let key = withoutRowid ? primaryKey.map(Self.quoted) : ["rowid"]
        let keyList = key.joined(separator: ", ")
        let condition = after ? " WHERE (\(keyList)) > (\(key.map { _ in "?" }.joined(separator: ", ")))" : ""
        return "SELECT \(columnList), \(keyList) FROM \(Self.quoted(name))\(condition) ORDER BY \(keyList) LIMIT \(limit)"
    }

    var keyWidth: Int { withoutRowid ? primaryKey.count : 1 }
}
