import Foundation
import GRDB

/// The one path by which heed erases text it holds — a customer forgotten on request, text past
/// its retention. Everything it changes is in one transaction that also records itself; the event
/// log lets an entry's text (subject, before, after) be replaced only while that transaction's row
/// in `redaction` says why, never who, when, what kind or on which conversation. SQLite's secure
/// delete is on meanwhile, so that the bytes erased are overwritten in the file, not only unlinked.
enum Redaction {
    /// The text an erased field is given: why and when, never what it was.
    static func tombstone(_ why: String, at now: Int64) -> String {
        "(\(why) \(RFC3339.string(fromMilliseconds: now).prefix(10)))"
    }

    /// Runs `body` in one IMMEDIATE transaction in which event entries may be redacted. With
    /// `thorough` (an erasure), the full-text index is merged so no deleted word stays in its
    /// segments, and the WAL checkpointed and truncated so that no copy of an erased page is left
    /// in it (when no reader holds an older snapshot: else at the next checkpoint); retention,
    /// which runs in many small steps beside operators, leaves both to SQLite's own merging.
    static func run<T>(_ database: AppDatabase, why: String, thorough: Bool = true, _ body: (Database) throws -> T) throws -> T {
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
            var result: T?
            try db.inTransaction(.immediate) {
                try db.execute(sql: "INSERT INTO redaction (only, why) VALUES (1, ?)", arguments: [why])
                result = try body(db)
                // The index keeps deleted words in its segments until they are merged.
                if thorough { try db.execute(sql: "INSERT INTO mention_fts(mention_fts) VALUES ('optimize')") }
                try db.execute(sql: "DELETE FROM redaction")
                return .commit
            }
            if thorough { _ = try? Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            return result!
        }
    }

    /// A contact's own entries (tags, notes, merges, exports), `?` its id: written as the
    /// `event_by_contact` index's condition so that SQLite uses it. An erasure's own entry is
    /// never among them — it must stay whole, for the audit.
    static let contactEvents = "kind LIKE 'contact-%' AND kind <> 'contact-forget' AND subject = CAST(? AS TEXT)"

    /// A redacted entry's `after` (its `before` is NULL): the tombstone as JSON.
    static func entryText(_ tombstone: String) -> String {
        JSONWriter.object([("redacted", .string(tombstone))])
    }

    /// Whether an entry's text is a redaction's (`entryText`).
    static func isRedactedEntry(before: String?, after: String?) -> Bool {
        before == nil && (after?.hasPrefix(#"{"redacted":"#) ?? false)
    }

    /// Replaces the text of the event entries `condition` selects with a tombstone; returns how many.
    @discardableResult
    static func redactEvents(_ db: Database, where condition: String, arguments: StatementArguments, tombstone: String,
                             keepSubject: Bool = false) throws -> Int {
        let text = entryText(tombstone)
        try db.execute(sql: """
            UPDATE event SET before = NULL, after = ?\(keepSubject ? "" : ", subject = NULL")
            WHERE (\(condition)) AND NOT (before IS NULL AND after IS ?)
            """, arguments: [text] + arguments + [text])
        return db.changesCount
    }

    /// What the team wrote on the conversations `list` (an SQL list of ids) names — notes,
    /// escalations' notes and answers, drafts, triage's reasons, the log's entries on them —
    /// erased; returns how many log entries were redacted. Messages and posts are the callers'
    /// (they differ in which they keep).
    static func eraseConversations(_ db: Database, list: String, tombstone: String) throws -> Int {
        try db.execute(sql: "UPDATE note SET text = ? WHERE conversation_id IN \(list)", arguments: [tombstone])
        try db.execute(sql: """
            UPDATE escalation SET note = CASE WHEN note IS NULL THEN NULL ELSE ?1 END, answer = CASE WHEN answer IS NULL THEN NULL ELSE ?1 END
            WHERE conversation_id IN \(list)
            """, arguments: [tombstone])
        try db.execute(sql: "DELETE FROM draft WHERE conversation_id IN \(list)")
        try db.execute(sql: "UPDATE conversation_reasons SET reasons = '[]' WHERE conversation_id IN \(list)")
        return try redactEvents(db, where: "conversation_id IN \(list)", arguments: [], tombstone: tombstone)
    }

    /// Customers made anonymous: no name, handles `erased-N` without the network's ids (so that
    /// one who writes again starts afresh), their contact's notes and own log entries erased.
    /// Returns how many log entries were redacted.
    static func anonymiseContacts(_ db: Database, _ ids: [Int64], tombstone: String) throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let list = "(" + ids.map(String.init).joined(separator: ",") + ")"
        try db.execute(sql: "UPDATE contact SET name = NULL WHERE id IN \(list)")
        try db.execute(sql: "UPDATE contact_handle SET handle = 'erased-' || id, name = NULL, source_id = 'erased:' || id WHERE contact_id IN \(list)")
        try db.execute(sql: "UPDATE note SET text = ? WHERE contact_id IN \(list)", arguments: [tombstone])
        var redacted = 0
        for id in ids {
            redacted += try redactEvents(db, where: contactEvents, arguments: [id], tombstone: tombstone, keepSubject: true)
        }
        return redacted
    }

    /// Every place outside the erased rows that may name the customer — other people's messages,
    /// the team's notes and posts, incident titles — with each of `names` (handles, names)
    /// replaced by `[erased]` wherever it stands as a word, whatever its case; the log's entries
    /// naming them are redacted whole (an entry's text is its hash's: a tombstone is told apart
    /// from tampering, a part-edited entry would not be). Returns (rows changed, entries redacted).
    static func scrub(_ db: Database, names: [String], tombstone: String) throws -> (changed: Int, redacted: Int) {
        let names = names.filter { $0.count >= 3 }
        guard !names.isEmpty else { return (0, 0) }
        let patterns = try names.sorted { $0.count > $1.count }.map(wordPattern)
        let named = { (text: String) in patterns.contains { $0.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil } }
        var changed = 0
        let places: [(table: String, columns: [String])] = [("mention", ["text", "extra"]), ("note", ["text"]), ("outbox", ["text"]), ("incident", ["title", "terms"])]
        for place in places {
            for column in place.columns {
                for row in try rows(db, place.table, column, containing: names) {
                    guard let value = row["value"] as String?, named(value) else { continue }
                    let scrubbed = patterns.reduce(value) { text, pattern in
                        pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "[erased]")
                    }
                    try db.execute(sql: "UPDATE \(place.table) SET \(column) = ? WHERE id = ?", arguments: [scrubbed, row["key"] as Int64])
                    changed += 1
                }
            }
        }
        var entries = Set<Int64>()
        for column in ["subject", "before", "after"] {
            for row in try rows(db, "event", column, containing: names) where (row["value"] as String?).map(named) == true {
                entries.insert(row["key"])
            }
        }
        var redacted = 0
        for id in entries.sorted() {
            redacted += try redactEvents(db, where: "id = ?", arguments: [id], tombstone: tombstone)
        }
        return (changed, redacted)
    }

    /// A name as a word of its own: erasing "dan" must not eat "Danish".
    private static func wordPattern(_ name: String) throws -> NSRegularExpression {
        try NSRegularExpression(pattern: #"(?<![\p{L}\p{N}_])"# + NSRegularExpression.escapedPattern(for: name) + #"(?![\p{L}\p{N}_])"#,
                                options: [.caseInsensitive])
    }

    /// Rows of `table` whose `column` holds any of `names` (SQLite's LIKE: ASCII case folded),
    /// as `key` and `value`, for the exact test in Swift.
    private static func rows(_ db: Database, _ table: String, _ column: String, containing names: [String]) throws -> [Row] {
        let like = names.map { _ in "\(column) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ")
        return try Row.fetchAll(db, sql: "SELECT id AS key, \(column) AS value FROM \(table) WHERE \(like)",
                                arguments: StatementArguments(names.map { "%" + escapeLike($0) + "%" }))
    }

    private static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
