import GRDB

/// One of the cache's tables as a copy between engines sees it: its columns, their kinds and
/// nullability, and its primary key — read from the cache's own schema, so a table a migration
/// adds is copied without a list to keep in step.
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
    }

    var name: String
    var columns: [Column]
    var primaryKey: [String]
    /// A WITHOUT ROWID table is read in its key's order; others in rowid order.
    var withoutRowid: Bool

    /// What is not copied: the full-text index (FTS5's tables, its vocabulary, its watermark) is
    /// built again from the mentions on the way back, and PostgreSQL indexes text its own way.
    static let derived: Set<String> = ["fts_watermark"]

    /// The cache's tables, by name.
    static func all(_ db: Database) throws -> [StoreTable] {
        let listed = try Row.fetchAll(db, sql: """
            SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
            """)
        return try listed.compactMap { row -> StoreTable? in
            let name: String = row["name"]
            guard !derived.contains(name) else { return nil }
            let info = try Row.fetchAll(db, sql: "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid", arguments: [name])
            let columns = try info.map { column -> Column in
                let declared: String = column["type"]
                guard let kind = Kind(declared: declared) else {
                    throw HeedError("the cache's table \(name), column \(column["name"] as String): type \(declared) has no PostgreSQL twin", .badData)
                }
                return Column(name: column["name"], kind: kind, notNull: column["notnull"])
            }
            let key = info.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { $0["name"] as String }
            return StoreTable(name: name, columns: columns, primaryKey: key, withoutRowid: row["wr"])
        }
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    var columnList: String { columns.map { Self.quoted($0.name) }.joined(separator: ", ") }

    /// The table in PostgreSQL: the same columns, kinds, nullability and primary key.
    var postgresDefinition: String {
        var lines = columns.map { "\(Self.quoted($0.name)) \($0.kind.postgresType)" + ($0.notNull ? " NOT NULL" : "") }
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
