import GRDB
import HeedCore

/// A cache's content as sorted text, for "these two caches hold the same thing" checks.
/// Times heed stamped itself (imported_at, updated_at) and the event log are left out.
public enum CacheDump {
    public static func text(_ database: AppDatabase) throws -> String {
        try database.read { db in
            var lines: [String] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT m.channel, m.source_id, m.ours, m.text, m.created_at, m.url, m.in_reply_to, m.thread_source_id, m.lang,
                       m.likes, m.reposts, m.replies, m.extra, h.source_id AS author, h.handle, h.followers,
                       (SELECT min(m2.source_id) FROM mention m2 WHERE m2.conversation_id = m.conversation_id) AS thread,
                       c.status, c.mention_count, c.last_customer_at, c.last_ours_at
                FROM mention m JOIN contact_handle h ON h.id = m.handle_id JOIN conversation c ON c.id = m.conversation_id
                ORDER BY m.channel, m.source_id
                """) {
                lines.append(row.description)
            }
            lines.append("conversations: \(try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation") ?? 0)")
            lines.append("contacts: \(try Int.fetchOne(db, sql: "SELECT count(*) FROM contact") ?? 0)")
            lines.append("fts: \(try Int.fetchOne(db, sql: "SELECT count(*) FROM mention_fts") ?? 0)")
            return lines.joined(separator: "\n")
        }
    }
}
