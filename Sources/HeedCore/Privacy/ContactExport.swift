import Foundation
import GRDB

/// Everything the cache holds about one customer, for a subject-access request: their contact
/// and handles on every channel, every message they wrote (in any thread), their conversations
/// with our replies, the team's notes, tags, escalations, posts and drafts, and every event on
/// them. Rows are given whole, each column as stored (times as RFC 3339), so that nothing held
/// is left out by a field list that forgot it; other people's messages in their threads are not
/// theirs and are left out.
public struct ContactExport: Sendable {
    public var contactID: Int64
    public var sections: [Section]

    public struct Section: Sendable {
        /// Its name in the JSON and the heading in text: `messages`, `our_replies`.
        public var name: String
        public var rows: [[(column: String, value: JSONValue)]]
    }

    /// What each section holds; `?` is the contact's id wherever it appears.
    static let queries: [(name: String, sql: String)] = [
        ("contact", "SELECT * FROM contact WHERE id = ?"),
        ("handles", "SELECT * FROM contact_handle WHERE contact_id = ? ORDER BY id"),
        ("contact_tags", "SELECT t.name AS tag, ct.added_by, ct.added_at FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id WHERE ct.contact_id = ? ORDER BY ct.added_at"),
        ("contact_notes", "SELECT * FROM note WHERE contact_id = ? AND conversation_id IS NULL ORDER BY created_at, id"),
        ("messages", "SELECT * FROM mention WHERE handle_id IN (SELECT id FROM contact_handle WHERE contact_id = ?) ORDER BY created_at, id"),
        ("conversations", "SELECT * FROM conversation WHERE contact_id = ? ORDER BY first_at, id"),
        ("our_replies", "SELECT * FROM mention WHERE ours = 1 AND conversation_id IN \(theirs) ORDER BY created_at, id"),
        ("conversation_tags", """
            SELECT ct.conversation_id, t.name AS tag, ct.added_by, ct.added_at FROM conversation_tag ct JOIN tag t ON t.id = ct.tag_id
            WHERE ct.conversation_id IN \(theirs) ORDER BY ct.conversation_id, ct.added_at
            """),
        ("conversation_notes", "SELECT * FROM note WHERE conversation_id IN \(theirs) ORDER BY created_at, id"),
        ("escalations", "SELECT * FROM escalation WHERE conversation_id IN \(theirs) ORDER BY opened_at, id"),
        ("posts", "SELECT * FROM outbox WHERE conversation_id IN \(theirs) ORDER BY created_at, id"),
        ("drafts", "SELECT * FROM draft WHERE conversation_id IN \(theirs) ORDER BY updated_at"),
        ("events", """
            SELECT * FROM event WHERE conversation_id IN \(theirs)
                OR (\(Redaction.contactEvents))
            ORDER BY id
            """),
    ]
    private static let theirs = "(SELECT id FROM conversation WHERE contact_id = ?)"

    static func read(_ db: Database, contact id: Int64) throws -> ContactExport {
        var sections: [Section] = []
        for query in queries {
            let placeholders = query.sql.filter { $0 == "?" }.count
            let rows = try Row.fetchAll(db, sql: query.sql, arguments: StatementArguments(Array(repeating: id, count: placeholders)))
            sections.append(Section(name: query.name, rows: rows.map { row in
                row.columnNames.map { column in (column, value(row[column] as DatabaseValue, column: column)) }
            }))
        }
        return ContactExport(contactID: id, sections: sections)
    }

    /// A stored value as JSON: times (the columns `at`, `…_at`, `…_until`, `…_since`, `…_after`) as RFC 3339.
    private static func value(_ stored: DatabaseValue, column: String) -> JSONValue {
        switch stored.storage {
        case .null: return .null
        case .int64(let n) where isTime(column): return .string(RFC3339.string(fromMilliseconds: n))
        case .int64(let n): return .number(String(n))
        case .double(let d): return .number(String(d))
        case .string(let s): return .string(s)
        case .blob(let data): return .string(data.base64EncodedString())
        }
    }

    private static func isTime(_ column: String) -> Bool {
        column == "at" || ["_at", "_until", "_since", "_after"].contains { column.hasSuffix($0) }
    }

    /// The whole export as one JSON object, a member a section.
    public var json: String {
        let members = [("contact_id", JSONValue.number(String(contactID)))] + sections.map { section in
            (section.name, JSONValue.array(section.rows.map { row in JSONNode(.object(row.map { JSONMember(key: $0.column, value: JSONNode($0.value)) })) }))
        }
        return JSONWriter.object(members)
    }

    /// Rows in the export, all sections together.
    public var rowCount: Int { sections.reduce(0) { $0 + $1.rows.count } }
}
