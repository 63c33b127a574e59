import GRDB

/// Two contacts found to be one person: the second's handles, conversations, tags and notes
/// become the first's. The conversations moved change owner, so their versions move on (the
/// merge itself is one `contact-merge` event, logged by the action).
enum ContactMerge {
    static func merge(_ db: Database, from gone: Int64, into id: Int64, now: Int64) throws {
        let moved: StatementArguments = ["into": id, "gone": gone, "now": now]
        try db.execute(sql: """
            UPDATE contact_handle SET contact_id = :into WHERE contact_id = :gone;
            UPDATE conversation SET contact_id = :into, version = version + 1, updated_at = :now WHERE contact_id = :gone;
            INSERT OR IGNORE INTO contact_tag (contact_id, tag_id, added_by, added_at)
                SELECT :into, tag_id, added_by, added_at FROM contact_tag WHERE contact_id = :gone;
            DELETE FROM contact_tag WHERE contact_id = :gone;
            UPDATE note SET contact_id = :into WHERE contact_id = :gone;
            DELETE FROM contact WHERE id = :gone;
            """, arguments: moved)
    }
}
