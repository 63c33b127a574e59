import GRDB

/// Keeps `mention_fts` in step with `mention`: every mention up to the watermark is indexed.
///
/// Writers that insert mentions call `catchUp` at the end of their transaction; opening the
/// cache calls it too, so a writer that forgot (or died between) can never leave text unsearchable.
public enum FullTextIndex {
    public static func catchUp(_ db: Database) throws {
        // The watermark's update `OR FAIL`: a statement that may abort after writing opens a
        // savepoint, and FTS5 writes what it holds at every savepoint, so its new segment's pages
        // were copied into that statement's journal; now they are written at the commit.
        try db.execute(sql: """
            INSERT INTO mention_fts (rowid, text)
                SELECT id, text FROM mention WHERE id > (SELECT last_id FROM fts_watermark) ORDER BY id;
            UPDATE OR FAIL fts_watermark SET last_id = (SELECT coalesce(max(id), 0) FROM mention)
                WHERE last_id < (SELECT coalesce(max(id), 0) FROM mention);
            """)
    }

    /// Whether mentions are waiting to be indexed (cheap: two index lookups).
    public static func isBehind(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT (SELECT coalesce(max(id), 0) FROM mention) > (SELECT last_id FROM fts_watermark)") ?? false
    }
}
