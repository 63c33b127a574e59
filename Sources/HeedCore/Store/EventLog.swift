import GRDB

/// The append-only log of every state change: who, when, what, before and after.
public enum EventLog {
    /// The name changes made by imports are logged under (no operator made them).
    public static let ingestOperator = "heed:ingest"
    /// Triage's own changes (noise sent to the spam view).
    public static let triageOperator = "heed:triage"

    static func append(_ db: Database, at: Int64, operator: String, kind: String, conversation: Int64?,
                       subject: String?, before: String?, after: String?) throws {
        try db.cachedStatement(sql: """
            INSERT INTO event (at, operator, kind, conversation_id, subject, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [at, `operator`, kind, conversation, subject, before, after])
    }
}
