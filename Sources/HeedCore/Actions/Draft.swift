import GRDB

/// A reply an operator began and has not sent: kept per conversation, private to them (not an
/// event: nothing happened to the conversation), gone once the reply is queued.
public struct Draft: Sendable, Equatable {
    public var conversationID: Int64
    public var text: String
    public var updatedAt: Int64

    static func save(_ db: Database, conversation id: Int64, text: String, by handle: String, now: Int64) throws {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return try discard(db, conversation: id, by: handle) }
        try db.execute(sql: """
            INSERT INTO draft (conversation_id, operator, text, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (conversation_id, operator) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at
            """, arguments: [id, handle, text, now])
    }

    static func discard(_ db: Database, conversation id: Int64, by handle: String) throws {
        try db.execute(sql: "DELETE FROM draft WHERE conversation_id = ? AND operator = ?", arguments: [id, handle])
    }

    static func fetch(_ db: Database, conversation id: Int64, by handle: String) throws -> Draft? {
        try Row.fetchOne(db, sql: "SELECT text, updated_at FROM draft WHERE conversation_id = ? AND operator = ?", arguments: [id, handle])
            .map { Draft(conversationID: id, text: $0["text"], updatedAt: $0["updated_at"]) }
    }

    /// `handle`'s drafts, the latest first.
    static func all(_ db: Database, by handle: String) throws -> [Draft] {
        try Row.fetchAll(db, sql: "SELECT conversation_id, text, updated_at FROM draft WHERE operator = ? ORDER BY updated_at DESC",
                         arguments: [handle]).map { Draft(conversationID: $0["conversation_id"], text: $0["text"], updatedAt: $0["updated_at"]) }
    }
}

extension ActionService {
    /// Keeps `text` as `actor`'s draft of a reply to `id` (empty text throws it away).
    public func saveDraft(_ id: Int64, text: String, by actor: Operator) throws {
        try database.write { db in try Draft.save(db, conversation: id, text: text, by: actor.handle, now: clock.now()) }
    }

    public func discardDraft(_ id: Int64, by actor: Operator) throws {
        try database.write { db in try Draft.discard(db, conversation: id, by: actor.handle) }
    }

    public func draft(_ id: Int64, by actor: Operator) throws -> Draft? {
        try database.read { db in try Draft.fetch(db, conversation: id, by: actor.handle) }
    }

    public func drafts(by actor: Operator) throws -> [Draft] {
        try database.read { db in try Draft.all(db, by: actor.handle) }
    }
}
