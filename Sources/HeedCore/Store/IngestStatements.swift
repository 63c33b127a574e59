import GRDB

/// What an import writes — mentions, authors, thread keys and conversations' summaries —
/// as statements prepared once per transaction and bound through SQLite's C API: the hot
/// path of ingest. A conversation's summary (counts, first and last messages) moves its
/// version too; its status changes go through `ConversationChange`.
struct IngestStatements {
    let findMention, updateMention, insertMention, findMentionConversation: BoundStatement
    let findHandle, updateHandle, updateHandleCounts, insertContact, insertHandle: BoundStatement
    let findThreadKey, addThreadKey, insertConversation, tallyNewConversations: BoundStatement
    let foldConversation, recomputeConversation: BoundStatement

    init(_ db: Database) throws {
        findMention = try BoundStatement(db, """
            SELECT id, conversation_id, text, url, lang, likes, reposts, replies, extra FROM mention WHERE channel = ?1 AND source_id = ?2
            """)
        updateMention = try BoundStatement(db, """
            UPDATE mention SET text = ?1, url = ?2, lang = ?3, likes = ?4, reposts = ?5, replies = ?6, extra = ?7, updated_at = ?8,
                sentiment = ?10, kind = ?11, text_hash = ?12
            WHERE id = ?9
            """)
        insertMention = try BoundStatement(db, """
            INSERT INTO mention (channel, source_id, conversation_id, handle_id, ours, text, created_at, url, in_reply_to,
                                 thread_source_id, lang, likes, reposts, replies, extra, imported_at, updated_at, sentiment, kind,
                                 text_hash)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
            """)
        findMentionConversation = try BoundStatement(db, "SELECT conversation_id FROM mention WHERE channel = ?1 AND source_id = ?2")
        findHandle = try BoundStatement(db, """
            SELECT id, contact_id, handle, name, followers, verified, ours, last_seen_at FROM contact_handle WHERE channel = ?1 AND source_id = ?2
            """)
        updateHandle = try BoundStatement(db, """
            UPDATE contact_handle SET handle = ?1, name = coalesce(?2, name), followers = ?3, verified = ?4,
                last_seen_at = ?5 WHERE id = ?6
            """)
        // Without the handle where only the counts moved: SQLite rewrites the entry of every index
        // on a column a statement sets, changed or not, and an author's next post lands on a
        // page of `contact_handle_by_handle` no other row of the transaction shares.
        updateHandleCounts = try BoundStatement(db, "UPDATE contact_handle SET followers = ?1, verified = ?2, last_seen_at = ?3 WHERE id = ?4")
        insertContact = try BoundStatement(db, "INSERT INTO contact (name, created_at) VALUES (?1, ?2)")
        insertHandle = try BoundStatement(db, """
            INSERT INTO contact_handle (contact_id, channel, source_id, handle, name, followers, verified, ours, first_seen_at, last_seen_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """)
        findThreadKey = try BoundStatement(db, "SELECT conversation_id FROM thread_key WHERE channel = ?1 AND key = ?2")
        addThreadKey = try BoundStatement(db, "INSERT OR IGNORE INTO thread_key (channel, key, conversation_id) VALUES (?1, ?2, ?3)")
        insertConversation = try BoundStatement(db, """
            INSERT INTO conversation (id, channel, status, contact_id, mention_count, first_at, last_at, last_customer_at, last_ours_at,
                                      latest_customer_mention_id, latest_mention_id, created_at, updated_at, latest_customer_handle_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
            """)
        tallyNewConversations = try BoundStatement(db, """
            UPDATE queue_tally SET conversations = conversations + ?2 WHERE status = ?1 AND breached = 0 AND unassigned = 1
            """)
        // `OR FAIL`: a statement with `RETURNING` counts as one with a trigger, and one that may
        // abort after writing gets a statement journal, a copy of every page it changes. Each
        // writes one row, and an error rolls the whole transaction back.
        foldConversation = try BoundStatement(db, """
            UPDATE OR FAIL conversation SET
                mention_count = mention_count + ?3,
                first_at = min(first_at, ?4),
                latest_mention_id = CASE WHEN ?5 >= last_at THEN ?6 ELSE latest_mention_id END,
                last_at = max(last_at, ?5),
                latest_customer_mention_id = CASE WHEN ?7 IS NOT NULL AND (last_customer_at IS NULL OR ?7 >= last_customer_at)
                                             THEN ?8 ELSE latest_customer_mention_id END,
                latest_customer_handle_id = CASE WHEN ?7 IS NOT NULL AND (last_customer_at IS NULL OR ?7 >= last_customer_at)
                                            THEN ?11 ELSE latest_customer_handle_id END,
                last_customer_at = CASE WHEN ?7 IS NOT NULL AND (last_customer_at IS NULL OR ?7 >= last_customer_at)
                                   THEN ?7 ELSE last_customer_at END,
                last_ours_at = CASE WHEN ?9 IS NULL THEN last_ours_at ELSE max(coalesce(last_ours_at, ?9), ?9) END,
                contact_id = coalesce(contact_id, ?10),
                version = version + 1,
                updated_at = ?2
            WHERE id = ?1
            RETURNING status, last_customer_at, last_ours_at, snooze_until_reply
            """)
        recomputeConversation = try BoundStatement(db, """
            UPDATE OR FAIL conversation SET
                mention_count = (SELECT count(*) FROM mention WHERE conversation_id = ?1),
                first_at = (SELECT min(created_at) FROM mention WHERE conversation_id = ?1),
                last_at = (SELECT max(created_at) FROM mention WHERE conversation_id = ?1),
                last_customer_at = (SELECT max(created_at) FROM mention WHERE conversation_id = ?1 AND ours = 0),
                last_ours_at = (SELECT max(created_at) FROM mention WHERE conversation_id = ?1 AND ours = 1),
                latest_customer_mention_id = (SELECT id FROM mention WHERE conversation_id = ?1 AND ours = 0
                                              ORDER BY created_at DESC, id DESC LIMIT 1),
                latest_customer_handle_id = (SELECT handle_id FROM mention WHERE conversation_id = ?1 AND ours = 0
                                             ORDER BY created_at DESC, id DESC LIMIT 1),
                latest_mention_id = (SELECT id FROM mention WHERE conversation_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 1),
                contact_id = coalesce(contact_id, (SELECT h.contact_id FROM mention m JOIN contact_handle h ON h.id = m.handle_id
                                                   WHERE m.conversation_id = ?1 AND m.ours = 0 ORDER BY m.created_at LIMIT 1)),
                version = version + 1,
                updated_at = ?2
            WHERE id = ?1
            RETURNING status, last_customer_at, last_ours_at, snooze_until_reply
            """)
    }

    /// A mention already stored, as `findMention` reads it.
    enum KnownMention: Int32, SelectedColumn { case id, conversation_id, text, url, lang, likes, reposts, replies, extra }
    /// An author's handle already stored, as `findHandle` reads it.
    enum KnownHandle: Int32, SelectedColumn { case id, contact_id, handle, name, followers, verified, ours, last_seen_at }
    /// What a conversation's summary update returns, for its status after the batch.
    enum Summary: Int32, SelectedColumn { case status, last_customer_at, last_ours_at, snooze_until_reply }
}
