import Foundation
import GRDB

/// One entry of the append-only log of every state change: who, when, what, before and after.
struct EventRecord: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "event"

    var id: Int64?
    var at: Int64
    var actor: String
    /// The Unix uid of the process that wrote it (nil in entries an older heed wrote).
    var uid: UInt32?
    var kind: String
    var conversationID: Int64?
    var subject: String?
    var before: String?
    var after: String?

    enum CodingKeys: String, CodingKey {
        case id, at, actor = "operator", uid, kind, conversationID = "conversation_id", subject, before, after
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let at = Column(CodingKeys.at)
        static let actor = Column(CodingKeys.actor)
        static let uid = Column(CodingKeys.uid)
        static let kind = Column(CodingKeys.kind)
        static let conversationID = Column(CodingKeys.conversationID)
        static let subject = Column(CodingKeys.subject)
        static let before = Column(CodingKeys.before)
        static let after = Column(CodingKeys.after)
    }
}

/// Appends to the event log. Changes to a conversation's state are logged by
/// `ConversationChange`; this is for the rest (shifts, contacts, incidents, imports, claims).
public enum EventLog {
    /// The name changes made by imports are logged under (no operator made them).
    public static let ingestOperator = "heed:ingest"
    /// Triage's own changes (noise sent to the spam view, incidents).
    public static let triageOperator = "heed:triage"
    /// The snooze clock's (a timed snooze ran out).
    public static let snoozeOperator = "heed:snooze"

    /// The actor a config rule's changes are logged under.
    static func ruleActor(_ name: String) -> String { "rule:" + name }

    /// Appends one entry and returns its id. `after` and `before` are JSON (`JSONWriter`).
    @discardableResult
    static func append(_ db: Database, at: Int64, by actor: String, kind: EventKind, conversation: Int64? = nil,
                       subject: String? = nil, before: String? = nil, after: String? = nil) throws -> Int64 {
        // A statement kept prepared rather than a record's insert: imports log an event for every
        // conversation a rule or an incident changes.
        let digest = AuditChain.digest(subject: subject, before: before, after: after)
        let uid = Identity.realUID
        let chain = AuditChain.link(previous: try AuditChain.head(db), at: at, operator: actor, uid: uid, kind: kind.rawValue,
                                    conversation: conversation, digest: digest)
        try BoundStatement(db, "INSERT INTO event (at, operator, uid, kind, conversation_id, subject, before, after, digest, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .run(at, actor, Int64(uid), kind.rawValue, conversation, subject, before, after, digest, chain)
        return db.lastInsertedRowID
    }

    /// "sam resolved this 20 s ago", from the conversation's latest event: why a compare-and-set failed.
    static func lastChange(_ db: Database, conversation id: Int64, now: Int64) throws -> String {
        guard let last = try EventRecord.filter(EventRecord.Columns.conversationID == id).order(EventRecord.Columns.id.desc).fetchOne(db) else {
            return "#\(id) changed since you looked"
        }
        return "#\(id) changed since you looked: \(last.actor) \(EventKind.phrase(last.kind, "it")) \(Age.short(milliseconds: now - last.at)) ago"
    }
}
