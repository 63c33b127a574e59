import GRDB

/// Where triage writes what it computes of a conversation: priority, reasons, SLA target,
/// due time and breach, kind, sentiment, spam score. Never the fields people change (those go
/// through `ConversationChange`), so the version stays: re-scoring every minute must not make
/// everyone's next action a conflict.
///
/// Statements bound through SQLite's C API: re-scoring walks every open conversation.
///
/// Those that set a column the queue's tally or the clock's inputs watch say `OR FAIL`: a
/// statement that fires a trigger and may abort halfway is given a statement journal, into
/// which SQLite copies every page the statement changes. `OR FAIL` cannot leave half a
/// statement undone that matters here: each writes one row, and an error rolls back the whole
/// transaction it runs in. With the tally's triggers as plain updates (migration v27), 100,000
/// of the clock's updates took 391 – 410 ms of SQLite's work instead of 617 – 630.
struct ConversationScores {
    private let score: BoundStatement
    private let reasons: BoundStatement
    private let clock: BoundStatement
    private let priority: BoundStatement
    private let check: BoundStatement

    init(_ db: Database) throws {
        score = try BoundStatement(db, """
            UPDATE OR FAIL conversation SET priority = ?2,
                previous_priority = CASE WHEN urgency IS NULL THEN NULL WHEN priority <> ?2 THEN priority ELSE previous_priority END,
                static_points = ?3, priority_floor = ?4, waiting_since = ?5, sla_minutes = ?6, urgency = ?7,
                due_at = ?8, breached = ?9, kind = ?10, sentiment = ?11, spam_score = ?12, lang = ?13, clock_check_at = ?14
            WHERE id = ?1
            """)
        reasons = try BoundStatement(db, """
            INSERT INTO conversation_reasons (conversation_id, reasons) VALUES (?1, ?2)
            ON CONFLICT (conversation_id) DO UPDATE SET reasons = excluded.reasons WHERE reasons <> excluded.reasons
            """)
        clock = try BoundStatement(db, """
            UPDATE OR FAIL conversation SET previous_priority = CASE WHEN priority <> ?2 THEN priority ELSE previous_priority END,
                priority = ?2, breached = ?3, clock_check_at = ?4 WHERE id = ?1
            """)
        // Without `breached` where it stays: SQLite rewrites the entry of every index on a column
        // the statement sets, changed or not.
        priority = try BoundStatement(db, """
            UPDATE conversation SET previous_priority = CASE WHEN priority <> ?2 THEN priority ELSE previous_priority END,
                priority = ?2, clock_check_at = ?3 WHERE id = ?1
            """)
        check = try BoundStatement(db, "UPDATE conversation SET clock_check_at = ?2 WHERE id = ?1")
    }

    /// Everything a full triage of conversation `id` found.
    func write(_ id: Int64, priority: Int, staticPoints: Double, floor: Int?, waitingSince: Int64?, slaMinutes: Int, urgency: Urgency,
               due: Int64?, breached: Bool, kind: MentionKind, sentiment: Double, spam: Double, lang: String?, clockCheck: Int64?) throws {
        try score.run(id, priority, staticPoints, floor, waitingSince, slaMinutes, urgency.rawValue, due, breached, kind.rawValue, sentiment, spam, lang,
                      clockCheck)
    }

    /// The reasons shown for its priority (JSON: `ReasonsJSON`), written only when they changed.
    func writeReasons(_ id: Int64, _ json: String) throws {
        try reasons.run(id, json)
    }

    /// The clock's part moved: the new priority, whether it is breached (nil: as it was), and
    /// when it may move next.
    func writeClock(_ id: Int64, priority: Int, breached: Bool?, clockCheck: Int64?) throws {
        if let breached {
            try clock.run(id, priority, breached, clockCheck)
        } else {
            try self.priority.run(id, priority, clockCheck)
        }
    }

    /// Runs `body`, which rewrites many conversations, with a page cache of 128 MB instead of the
    /// writer's 32 MB: with every open conversation's priority moving, SQLite otherwise drops
    /// index pages it needs again and spills changed ones to the WAL mid-transaction (100,000
    /// rows: 570 → 530 ms). Pages are taken only as used, and given back after.
    static func withRoomForManyRows(_ db: Database, _ body: () throws -> Void) throws {
        let cache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        try db.execute(sql: "PRAGMA cache_size = -131072")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(cache)") }
        try body()
    }

    /// The clock's part did not move: only when to look again.
    func writeCheck(_ id: Int64, clockCheck: Int64?) throws {
        try check.run(id, clockCheck)
    }
}
