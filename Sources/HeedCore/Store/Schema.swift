import GRDB

/// The cache's migrations, in order. A shipped migration is never edited: change the schema
/// by appending a new one, so that every older cache upgrades itself the same way.
///
/// Conventions: times are Unix milliseconds (UTC) in INTEGER columns named `…_at`; source ids
/// are TEXT (a 64-bit tweet id does not survive a Double); booleans are INTEGER 0/1.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-people-and-mentions", migrate: v1PeopleAndMentions)
        migrator.registerMigration("v2-work", migrate: v2Work)
        migrator.registerMigration("v3-full-text", migrate: v3FullText)
        migrator.registerMigration("v4-event-log", migrate: v4EventLog)
        migrator.registerMigration("v5-triage", migrate: v5Triage)
        migrator.registerMigration("v6-text-fingerprints", migrate: v6TextFingerprints)
        migrator.registerMigration("v7-incidents", migrate: v7Incidents)
        migrator.registerMigration("v8-reasons-apart", migrate: v8ReasonsApart)
        migrator.registerMigration("v9-screen-reads", migrate: v9ScreenReads)
        migrator.registerMigration("v10-activity", migrate: v10Activity)
        migrator.registerMigration("v11-connections", migrate: v11Connections)
        migrator.registerMigration("v12-action-batches", migrate: v12ActionBatches)
        migrator.registerMigration("v13-search-words", migrate: v13SearchWords)
        migrator.registerMigration("v14-config-binding", migrate: v14ConfigBinding)
        migrator.registerMigration("v15-drafts", migrate: v15Drafts)
        migrator.registerMigration("v16-finer-order", migrate: v16FinerOrder)
        migrator.registerMigration("v17-streaming", migrate: v17Streaming)
        migrator.registerMigration("v18-audit", migrate: v18Audit)
        migrator.registerMigration("v19-event-uid", migrate: v19EventUID)
        migrator.registerMigration("v20-clock-check", migrate: v20ClockCheck)
        migrator.registerMigration("v21-posts-read", migrate: v21PostsRead)
        migrator.registerMigration("v22-open-copies", migrate: v22OpenCopies)
        migrator.registerMigration("v23-queue-tally", migrate: v23QueueTally)
        migrator.registerMigration("v24-search-indexes", migrate: v24SearchIndexes)
        migrator.registerMigration("v25-open-by-age", migrate: v25OpenByAge)
        migrator.registerMigration("v26-counts-from-the-tally", migrate: v26CountsFromTheTally)
        migrator.registerMigration("v27-tally-by-updates", migrate: v27TallyByUpdates)
        migrator.registerMigration("v28-handles-by-followers", migrate: v28HandlesByFollowers)
        migrator.registerMigration("v29-open-by-author", migrate: v29OpenByAuthor)
        migrator.registerMigration("v30-imports-tally-new-conversations", migrate: v30ImportsTallyNewConversations)
        migrator.registerMigration("v31-term-counts-by-day", migrate: v31TermCountsByDay)
        migrator.registerMigration("v32-open-by-author-and-message", migrate: v32OpenByAuthorAndMessage)
        migrator.registerMigration("v33-incident-merged-into", migrate: v33IncidentMergedInto)
        migrator.registerMigration("v34-contact-index-last-customer", migrate: v34ContactIndexLastCustomer)
        return migrator
    }

    /// Contacts, their handles on each channel, conversations (threads) and mentions.
    private static func v1PeopleAndMentions(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE contact (
                id INTEGER PRIMARY KEY,
                name TEXT,
                created_at INTEGER NOT NULL
            );

            -- One account of a contact on one channel; merging people re-points contact_id.
            CREATE TABLE contact_handle (
                id INTEGER PRIMARY KEY,
                contact_id INTEGER NOT NULL REFERENCES contact(id),
                channel TEXT NOT NULL,
                source_id TEXT NOT NULL,
                handle TEXT NOT NULL,
                name TEXT,
                followers INTEGER NOT NULL DEFAULT 0,
                verified INTEGER NOT NULL DEFAULT 0,
                ours INTEGER NOT NULL DEFAULT 0,
                first_seen_at INTEGER NOT NULL,
                last_seen_at INTEGER NOT NULL,
                UNIQUE (channel, source_id)
            );
            CREATE INDEX contact_handle_by_contact ON contact_handle(contact_id);

            CREATE TABLE conversation (
                id INTEGER PRIMARY KEY,
                channel TEXT NOT NULL,
                -- open | waiting | snoozed | resolved | spam
                status TEXT NOT NULL DEFAULT 'open',
                -- compare-and-set: every change checks and bumps it
                version INTEGER NOT NULL DEFAULT 1,
                contact_id INTEGER REFERENCES contact(id),
                priority INTEGER NOT NULL DEFAULT 0,
                reasons TEXT NOT NULL DEFAULT '[]',
                due_at INTEGER,
                breached INTEGER NOT NULL DEFAULT 0,
                kind TEXT,
                sentiment REAL,
                spam_score REAL NOT NULL DEFAULT 0,
                incident_id INTEGER,
                assignee TEXT,
                team TEXT,
                snoozed_until INTEGER,
                snooze_until_reply INTEGER NOT NULL DEFAULT 0,
                mention_count INTEGER NOT NULL DEFAULT 0,
                first_at INTEGER NOT NULL,
                last_at INTEGER NOT NULL,
                last_customer_at INTEGER,
                last_ours_at INTEGER,
                latest_customer_mention_id INTEGER,
                latest_mention_id INTEGER,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX conversation_queue ON conversation(status, priority DESC, last_at DESC);
            CREATE INDEX conversation_by_contact ON conversation(contact_id);
            CREATE INDEX conversation_by_assignee ON conversation(assignee, status) WHERE assignee IS NOT NULL;

            -- A source's thread identifiers (root ids, conversation ids) pointing at the
            -- conversation that holds them; merging two threads re-points the keys.
            CREATE TABLE thread_key (
                channel TEXT NOT NULL,
                key TEXT NOT NULL,
                conversation_id INTEGER NOT NULL REFERENCES conversation(id) DEFERRABLE INITIALLY DEFERRED,
                PRIMARY KEY (channel, key)
            ) WITHOUT ROWID;
            CREATE INDEX thread_key_by_conversation ON thread_key(conversation_id);

            CREATE TABLE mention (
                id INTEGER PRIMARY KEY,
                channel TEXT NOT NULL,
                source_id TEXT NOT NULL,
                -- deferred: an import inserts a new conversation once, at the end of its batch
                conversation_id INTEGER NOT NULL REFERENCES conversation(id) DEFERRABLE INITIALLY DEFERRED,
                handle_id INTEGER NOT NULL REFERENCES contact_handle(id),
                ours INTEGER NOT NULL DEFAULT 0,
                text TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                url TEXT,
                in_reply_to TEXT,
                thread_source_id TEXT,
                lang TEXT,
                likes INTEGER NOT NULL DEFAULT 0,
                reposts INTEGER NOT NULL DEFAULT 0,
                replies INTEGER NOT NULL DEFAULT 0,
                -- fields of the source record heed does not model, kept as JSON
                extra TEXT,
                sentiment REAL,
                kind TEXT,
                imported_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                UNIQUE (channel, source_id)
            );
            CREATE INDEX mention_by_conversation ON mention(conversation_id, created_at);
            CREATE INDEX mention_by_parent ON mention(channel, in_reply_to) WHERE in_reply_to IS NOT NULL;
            """)
    }

    /// What operators do with conversations: tags, notes, escalations, claims, outbox,
    /// operators, shifts, incidents, and the resumable import positions.
    private static func v2Work(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE tag (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE
            );
            CREATE TABLE conversation_tag (
                conversation_id INTEGER NOT NULL REFERENCES conversation(id),
                tag_id INTEGER NOT NULL REFERENCES tag(id),
                added_by TEXT,
                added_at INTEGER NOT NULL,
                PRIMARY KEY (conversation_id, tag_id)
            ) WITHOUT ROWID;
            CREATE INDEX conversation_tag_by_tag ON conversation_tag(tag_id);
            CREATE TABLE contact_tag (
                contact_id INTEGER NOT NULL REFERENCES contact(id),
                tag_id INTEGER NOT NULL REFERENCES tag(id),
                added_by TEXT,
                added_at INTEGER NOT NULL,
                PRIMARY KEY (contact_id, tag_id)
            ) WITHOUT ROWID;

            -- Internal notes, never sent: on a conversation or on a contact.
            CREATE TABLE note (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER REFERENCES conversation(id),
                contact_id INTEGER REFERENCES contact(id),
                operator TEXT NOT NULL,
                text TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                CHECK (conversation_id IS NOT NULL OR contact_id IS NOT NULL)
            );
            CREATE INDEX note_by_conversation ON note(conversation_id);
            CREATE INDEX note_by_contact ON note(contact_id);

            CREATE TABLE escalation (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversation(id),
                team TEXT NOT NULL,
                note TEXT,
                -- open | answered | closed
                state TEXT NOT NULL DEFAULT 'open',
                opened_by TEXT NOT NULL,
                opened_at INTEGER NOT NULL,
                answer TEXT,
                answered_by TEXT,
                answered_at INTEGER,
                closed_by TEXT,
                closed_at INTEGER
            );
            CREATE INDEX escalation_by_conversation ON escalation(conversation_id);
            CREATE INDEX escalation_open ON escalation(state, team);

            -- Who is viewing or replying to a conversation, until when (a lease).
            CREATE TABLE claim (
                conversation_id INTEGER NOT NULL REFERENCES conversation(id),
                operator TEXT NOT NULL,
                -- viewing | replying
                kind TEXT NOT NULL,
                version_seen INTEGER NOT NULL,
                claimed_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                PRIMARY KEY (conversation_id, operator)
            ) WITHOUT ROWID;
            CREATE INDEX claim_by_expiry ON claim(expires_at);

            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY,
                -- reply | intro | signoff | roster | broadcast
                kind TEXT NOT NULL,
                conversation_id INTEGER REFERENCES conversation(id),
                in_reply_to_mention_id INTEGER REFERENCES mention(id),
                channel TEXT NOT NULL,
                account TEXT,
                operator TEXT NOT NULL,
                text TEXT NOT NULL,
                -- queued | sending | sent | failed | cancelled | checking
                state TEXT NOT NULL DEFAULT 'queued',
                idempotency_key TEXT NOT NULL UNIQUE,
                send_after INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER,
                last_error TEXT,
                external_id TEXT,
                created_at INTEGER NOT NULL,
                sent_at INTEGER
            );
            CREATE INDEX outbox_due ON outbox(state, send_after);
            CREATE INDEX outbox_by_conversation ON outbox(conversation_id);

            -- Operators come from the config; this row records what the cache saw of them.
            CREATE TABLE operator (
                handle TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                last_active_at INTEGER
            ) WITHOUT ROWID;

            CREATE TABLE shift (
                id INTEGER PRIMARY KEY,
                operator TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                planned_end_at INTEGER,
                ended_at INTEGER,
                intro TEXT,
                handover_note TEXT,
                handover_summary TEXT,
                ended_automatically INTEGER NOT NULL DEFAULT 0,
                process_id INTEGER,
                host TEXT,
                last_active_at INTEGER
            );
            CREATE INDEX shift_open ON shift(ended_at, operator);
            CREATE TABLE handover_ack (
                shift_id INTEGER NOT NULL REFERENCES shift(id),
                operator TEXT NOT NULL,
                acknowledged_at INTEGER NOT NULL,
                PRIMARY KEY (shift_id, operator)
            ) WITHOUT ROWID;

            CREATE TABLE incident (
                id INTEGER PRIMARY KEY,
                title TEXT NOT NULL,
                terms TEXT NOT NULL DEFAULT '[]',
                -- active | resolved
                state TEXT NOT NULL DEFAULT 'active',
                started_at INTEGER NOT NULL,
                last_member_at INTEGER NOT NULL,
                resolved_at INTEGER
            );

            -- How far an interrupted `heed ingest` of a file got, committed with the rows it covers.
            CREATE TABLE import_position (
                source TEXT PRIMARY KEY,
                fingerprint TEXT NOT NULL,
                byte_offset INTEGER NOT NULL,
                line INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    /// Full-text search over mention text: an external-content FTS5 table.
    ///
    /// New mentions are indexed in one statement at the end of each writing transaction, up to a
    /// watermark (see `FullTextIndex`), not by an insert trigger: with a trigger, FTS5 flushes
    /// its pending data at every statement's savepoint, which made ingest four times slower.
    /// Edits and deletes of rows already indexed are kept right by triggers.
    private static func v3FullText(_ db: Database) throws {
        try db.execute(sql: """
            CREATE VIRTUAL TABLE mention_fts USING fts5(
                text, content='mention', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
            );
            CREATE TABLE fts_watermark (
                only INTEGER PRIMARY KEY CHECK (only = 1),
                last_id INTEGER NOT NULL
            );
            INSERT INTO fts_watermark (only, last_id) VALUES (1, 0);
            CREATE TRIGGER mention_fts_delete AFTER DELETE ON mention
            WHEN old.id <= (SELECT last_id FROM fts_watermark) BEGIN
                INSERT INTO mention_fts(mention_fts, rowid, text) VALUES ('delete', old.id, old.text);
            END;
            CREATE TRIGGER mention_fts_update AFTER UPDATE OF text ON mention
            WHEN old.id <= (SELECT last_id FROM fts_watermark) BEGIN
                INSERT INTO mention_fts(mention_fts, rowid, text) VALUES ('delete', old.id, old.text);
                INSERT INTO mention_fts(rowid, text) VALUES (new.id, new.text);
            END;
            """)
        try FullTextIndex.catchUp(db)
    }

    /// The append-only record of every state change. Triggers refuse to rewrite history.
    private static func v4EventLog(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE event (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                operator TEXT NOT NULL,
                kind TEXT NOT NULL,
                conversation_id INTEGER,
                subject TEXT,
                before TEXT,
                after TEXT
            );
            CREATE INDEX event_by_conversation ON event(conversation_id, id);
            CREATE INDEX event_by_operator ON event(operator, at);
            CREATE TRIGGER event_no_update BEFORE UPDATE ON event BEGIN
                SELECT RAISE(ABORT, 'the event log is append-only');
            END;
            CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN
                SELECT RAISE(ABORT, 'the event log is append-only');
            END;
            """)
    }

    /// What triage keeps on a conversation so that the clock's part of its priority can be
    /// added again cheaply (see `Triager.refreshWaiting`), and the queue's order: priority, then
    /// SLA due time, then oldest first.
    private static func v5Triage(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE conversation ADD COLUMN static_points REAL NOT NULL DEFAULT 0;
            ALTER TABLE conversation ADD COLUMN priority_floor INTEGER;
            ALTER TABLE conversation ADD COLUMN previous_priority INTEGER;
            -- the first customer message since our last reply: the SLA clock runs from it
            ALTER TABLE conversation ADD COLUMN waiting_since INTEGER;
            ALTER TABLE conversation ADD COLUMN sla_minutes INTEGER;
            -- high | normal | low: which SLA target applies
            ALTER TABLE conversation ADD COLUMN urgency TEXT;
            DROP INDEX conversation_queue;
            CREATE INDEX conversation_queue ON conversation(status, priority DESC, due_at, waiting_since);
            CREATE INDEX conversation_by_incident ON conversation(incident_id) WHERE incident_id IS NOT NULL;
            -- repeat and first contact: a contact's conversations by when they began
            DROP INDEX conversation_by_contact;
            CREATE INDEX conversation_by_contact ON conversation(contact_id, first_at);
            """)
    }

    /// Copies of one text from many authors (`TextFingerprint`): the noise signal. Mentions
    /// stored before have none; they count again when they are next edited.
    private static func v6TextFingerprints(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE mention ADD COLUMN text_hash INTEGER;
            CREATE INDEX mention_by_text_hash ON mention(text_hash, created_at) WHERE text_hash IS NOT NULL;
            """)
    }

    /// Incidents (`IncidentDetector`): complaints by time, each term's complaints per day (what
    /// it usually brings), and the term an incident is recognised by. The counts of complaints
    /// stored before are made here, so an older cache has its history at once.
    private static func v7Incidents(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX mention_complaint_time ON mention(created_at) WHERE \(IncidentDetector.complaintSQL);
            CREATE TABLE term_day (
                term INTEGER NOT NULL,
                day INTEGER NOT NULL,
                count INTEGER NOT NULL,
                PRIMARY KEY (term, day)
            ) WITHOUT ROWID;
            ALTER TABLE incident ADD COLUMN term_key INTEGER;
            CREATE INDEX incident_active ON incident(state, last_member_at);
            """)
        let common = TriageCues.builtIn.common
        var counts = TermDayCounts()
        var pending = 0
        let read = try BoundStatement(db, "SELECT created_at, text FROM mention WHERE \(IncidentDetector.complaintSQL)")
        while try read.step() {
            counts.add(at: read.int64(0), keys: IncidentTerms(read.text(1) ?? "", common: common).keys)
            pending += 1
            if pending == 50_000 {
                try counts.save(db)
                pending = 0
            }
        }
        read.reset()
        try counts.save(db)
    }

    /// A conversation's reasons (a few hundred bytes of JSON, two thirds of its row) in a table
    /// of their own: re-scoring the open conversations as the clock moves rewrites their rows,
    /// and narrow rows make it a third of the pages to read and write. And the authors of a
    /// text's copies read from the text-hash index alone, not a row each.
    private static func v8ReasonsApart(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE conversation_reasons (
                conversation_id INTEGER PRIMARY KEY REFERENCES conversation(id) ON DELETE CASCADE,
                reasons TEXT NOT NULL
            );
            INSERT INTO conversation_reasons (conversation_id, reasons) SELECT id, reasons FROM conversation WHERE reasons <> '[]';
            ALTER TABLE conversation DROP COLUMN reasons;
            DROP INDEX mention_by_text_hash;
            CREATE INDEX mention_by_text_hash ON mention(text_hash, created_at, handle_id) WHERE text_hash IS NOT NULL;
            """)
    }

    /// What the screen asks often, answered from small indexes on a 1M cache: the views' counts
    /// (open, breached, unassigned: 170 ms → 10 ms), `from:` by handle, `assignee:` in any case,
    /// and `lang:` from the conversation's own column (it was the latest message's, read row by row:
    /// 300 ms for `lang:de`).
    private static func v9ScreenReads(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX conversation_counts ON conversation(status, breached, assignee);
            CREATE INDEX contact_handle_by_handle ON contact_handle(handle COLLATE NOCASE);
            DROP INDEX conversation_by_assignee;
            CREATE INDEX conversation_by_assignee ON conversation(assignee COLLATE NOCASE, status) WHERE assignee IS NOT NULL;
            ALTER TABLE conversation ADD COLUMN lang TEXT;
            UPDATE conversation SET lang = (SELECT lang FROM mention WHERE id = conversation.latest_customer_mention_id)
                WHERE latest_customer_mention_id IS NOT NULL;
            CREATE INDEX conversation_by_lang ON conversation(lang COLLATE NOCASE, status) WHERE lang IS NOT NULL;
            """)
    }

    /// The minutes an operator on shift was at the screen (a key pressed), for the shift log's
    /// active and away times; and the timed snoozes by time, which every action wakes when due
    /// (the queue's index made that read every snoozed conversation).
    private static func v10Activity(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE activity (
                operator TEXT NOT NULL,
                -- the minute (Unix milliseconds, truncated)
                at INTEGER NOT NULL,
                PRIMARY KEY (operator, at)
            ) WITHOUT ROWID;
            CREATE INDEX conversation_snoozed ON conversation(snoozed_until) WHERE status = 'snoozed' AND snoozed_until IS NOT NULL;
            """)
    }

    /// What `heed run` keeps of each connected account (where its listening got to, committed
    /// with the mentions it covers; its trouble; its rate limit) and of each of its parts (for
    /// `heed status` and the screen).
    private static func v11Connections(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE account_state (
                account TEXT PRIMARY KEY,
                -- the network's own paging mark: since_id, a cursor, an ETag
                cursor TEXT,
                etag TEXT,
                last_modified TEXT,
                last_poll_at INTEGER,
                last_ok_at INTEGER,
                last_error TEXT,
                last_error_at INTEGER,
                -- refused credentials: the account waits for someone to fix them
                stopped INTEGER NOT NULL DEFAULT 0,
                rate_remaining INTEGER,
                rate_limit INTEGER,
                rate_reset_at INTEGER,
                updated_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE service_part (
                name TEXT PRIMARY KEY,
                -- starting | running | failing | stopped
                state TEXT NOT NULL,
                detail TEXT,
                pid INTEGER,
                host TEXT,
                started_at INTEGER,
                heartbeat_at INTEGER NOT NULL,
                last_error TEXT,
                last_error_at INTEGER,
                restarts INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            """)
    }

    /// Which events one action on several conversations wrote (a bulk resolve, a reply to
    /// several, a macro on picks), so that undo takes them back as one step. The event log
    /// stays append-only: the grouping is beside it.
    private static func v12ActionBatches(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE action_batch (
                event_id INTEGER PRIMARY KEY REFERENCES event(id),
                batch INTEGER NOT NULL
            );
            CREATE INDEX action_batch_by_batch ON action_batch(batch);
            """)
    }

    /// The words of the full-text index with how many mentions hold each: a search that finds
    /// nothing offers the nearest word the cache has. A view of the index, no storage of its own.
    private static func v13SearchWords(_ db: Database) throws {
        try db.execute(sql: "CREATE VIRTUAL TABLE mention_words USING fts5vocab('mention_fts', 'row')")
    }

    /// Which config scores the cache: its scoring sections' hashes and where it was read from.
    private static func v14ConfigBinding(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE config_binding (
                only INTEGER PRIMARY KEY CHECK (only = 1),
                scoring TEXT NOT NULL,
                -- a file's path, or 'example' (the built-in example, the demo's) or 'defaults' (no file)
                source TEXT NOT NULL,
                bound_at INTEGER NOT NULL,
                bound_by TEXT
            );
            """)
    }

    /// Replies begun and not sent, one an operator and conversation: they outlast leaving the
    /// conversation and a restart, and the handover lists them.
    private static func v15Drafts(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE draft (
                conversation_id INTEGER NOT NULL REFERENCES conversation(id),
                operator TEXT NOT NULL,
                text TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (conversation_id, operator)
            ) WITHOUT ROWID;
            CREATE INDEX draft_by_operator ON draft(operator, updated_at);
            """)
    }

    /// Among equal priorities (the most urgent all show 100) the one with more points of its own
    /// comes first: the queue's index orders by them too.
    private static func v16FinerOrder(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX conversation_queue;
            CREATE INDEX conversation_queue ON conversation(status, priority DESC, static_points DESC, due_at, waiting_since);
            """)
    }

    /// An account listened to by a stream: since when, or why it is polled instead.
    private static func v17Streaming(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE account_state ADD COLUMN streaming_since INTEGER;
            ALTER TABLE account_state ADD COLUMN stream_error TEXT;
            """)
    }

    /// The event log's hash chain (`AuditChain`): every entry gets its digest and chain, those an
    /// older heed wrote here, in order. And its one exception to append-only: a redaction (a
    /// customer erased on request) may replace an entry's text — subject, before, after — while
    /// the row in `redaction` says why, inside the transaction that does it (`Redaction`); who,
    /// when, what kind, on which conversation and the hashes never change, and no entry is ever
    /// deleted. Retention marks the conversations whose text it removed; a customer's messages
    /// are found by their handle.
    private static func v18Audit(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE event ADD COLUMN digest BLOB;
            ALTER TABLE event ADD COLUMN chain BLOB;
            CREATE TABLE redaction (
                only INTEGER PRIMARY KEY CHECK (only = 1),
                why TEXT NOT NULL
            );
            -- Conversations whose text retention removed, and when.
            CREATE TABLE text_removed (
                conversation_id INTEGER PRIMARY KEY REFERENCES conversation(id),
                removed_at INTEGER NOT NULL
            );
            DROP TRIGGER event_no_update;
            -- A customer's messages wherever they wrote them: erasure, export, retention.
            CREATE INDEX mention_by_handle ON mention(handle_id);
            CREATE INDEX event_by_contact ON event(subject) WHERE kind LIKE 'contact-%' AND kind <> 'contact-forget';
            """)
        try AuditChain.chainUnhashed(db)
        try db.execute(sql: """
            CREATE TRIGGER event_no_update BEFORE UPDATE ON event
            WHEN NOT EXISTS (SELECT 1 FROM redaction) OR new.id IS NOT old.id OR new.at IS NOT old.at
                 OR new.operator IS NOT old.operator OR new.kind IS NOT old.kind OR new.conversation_id IS NOT old.conversation_id
                 OR new.digest IS NOT old.digest OR new.chain IS NOT old.chain
            BEGIN
                SELECT RAISE(ABORT, 'the event log is append-only: only a redaction replaces an entry''s text');
            END;
            """)
    }

    /// Each entry's Unix uid beside its operator: who ran the process, as the system knew them,
    /// whatever handle it acted as. In the chain from here on; older entries have none.
    private static func v19EventUID(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE event ADD COLUMN uid INTEGER;
            DROP TRIGGER event_no_update;
            CREATE TRIGGER event_no_update BEFORE UPDATE ON event
            WHEN NOT EXISTS (SELECT 1 FROM redaction) OR new.id IS NOT old.id OR new.at IS NOT old.at
                 OR new.operator IS NOT old.operator OR new.uid IS NOT old.uid OR new.kind IS NOT old.kind
                 OR new.conversation_id IS NOT old.conversation_id OR new.digest IS NOT old.digest OR new.chain IS NOT old.chain
            BEGIN
                SELECT RAISE(ABORT, 'the event log is append-only: only a redaction replaces an entry''s text');
            END;
            """)
    }

    /// When the clock's part of an open conversation's priority may next change (its waiting
    /// points' next step, or its breach: `Triager.clockCheck`), so that the re-score every minute
    /// reads the few due rather than every open conversation. NULL: never again; 0: at the next.
    private static func v20ClockCheck(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE conversation ADD COLUMN clock_check_at INTEGER DEFAULT 0;
            CREATE INDEX conversation_clock_check ON conversation(clock_check_at) WHERE status = 'open';
            -- Whatever path changes what the clock's part is computed from without saying when to
            -- check it next, has it checked at the next re-score.
            CREATE TRIGGER conversation_clock_inputs
            AFTER UPDATE OF status, static_points, priority_floor, waiting_since, sla_minutes ON conversation
            WHEN new.clock_check_at IS old.clock_check_at
                 AND (new.status IS NOT old.status OR new.static_points IS NOT old.static_points OR new.priority_floor IS NOT old.priority_floor
                      OR new.waiting_since IS NOT old.waiting_since OR new.sla_minutes IS NOT old.sla_minutes)
            BEGIN
                UPDATE conversation SET clock_check_at = 0 WHERE id = new.id;
            END;
            -- When the clock's part was last brought up to date: a clock set back re-scores all.
            CREATE TABLE clock_refresh (only INTEGER PRIMARY KEY CHECK (only = 1), at INTEGER NOT NULL);
            """)
    }

    /// Posts a connected account has received from its network this month (X counts them
    /// against the app's monthly cap), and which month that is.
    private static func v21PostsRead(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE account_state ADD COLUMN usage_month TEXT;
            ALTER TABLE account_state ADD COLUMN posts_read INTEGER NOT NULL DEFAULT 0;
            """)
    }

    /// A campaign found makes spam of its open copies: each is found through the open
    /// conversations' latest customer messages, a small index, rather than by reading the
    /// conversation of every copy (a campaign of thousands was read again by every batch that
    /// brought one more, inside the operators' turn).
    private static func v22OpenCopies(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX conversation_open_latest ON conversation(latest_customer_mention_id) WHERE status = 'open';
            """)
    }

    /// How many conversations each status, breach and assignment holds, kept by triggers as
    /// conversations come, change and go: the header's and the tabs' counts then read a few
    /// rows instead of walking the open queue (see `QueueTally`). A trigger on the columns only
    /// fires for statements that set them, and re-scoring sets `breached` only when it changes.
    private static func v23QueueTally(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE queue_tally (
                status TEXT NOT NULL,
                breached INTEGER NOT NULL,
                unassigned INTEGER NOT NULL,
                conversations INTEGER NOT NULL,
                PRIMARY KEY (status, breached, unassigned)
            ) WITHOUT ROWID;
            INSERT INTO queue_tally (status, breached, unassigned, conversations)
                SELECT status, breached, assignee IS NULL, count(*) FROM conversation GROUP BY 1, 2, 3;
            CREATE TRIGGER queue_tally_insert AFTER INSERT ON conversation BEGIN
                INSERT INTO queue_tally VALUES (NEW.status, NEW.breached, NEW.assignee IS NULL, 1)
                    ON CONFLICT DO UPDATE SET conversations = conversations + 1;
            END;
            CREATE TRIGGER queue_tally_delete AFTER DELETE ON conversation BEGIN
                UPDATE queue_tally SET conversations = conversations - 1
                WHERE status = OLD.status AND breached = OLD.breached AND unassigned = (OLD.assignee IS NULL);
            END;
            CREATE TRIGGER queue_tally_update AFTER UPDATE OF status, breached, assignee ON conversation
            WHEN OLD.status IS NOT NEW.status OR OLD.breached IS NOT NEW.breached OR (OLD.assignee IS NULL) IS NOT (NEW.assignee IS NULL)
            BEGIN
                UPDATE queue_tally SET conversations = conversations - 1
                WHERE status = OLD.status AND breached = OLD.breached AND unassigned = (OLD.assignee IS NULL);
                INSERT INTO queue_tally VALUES (NEW.status, NEW.breached, NEW.assignee IS NULL, 1)
                    ON CONFLICT DO UPDATE SET conversations = conversations + 1;
            END;
            """)
    }

    /// The open conversations of each channel: a search for a channel with few of them reads
    /// those instead of walking the whole open queue for them (see `QuerySQL`). An incident's
    /// members by status: the screen counts each active incident's open members at every load,
    /// and reading each member's row for its status took 0.2 s for an incident of 282,426.
    private static func v24SearchIndexes(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX conversation_open_by_channel ON conversation(channel) WHERE status = 'open';
            DROP INDEX conversation_by_incident;
            CREATE INDEX conversation_by_incident ON conversation(incident_id, status) WHERE incident_id IS NOT NULL;
            """)
    }

    /// The open conversations by when the customer last wrote: `age:<2h` read every open
    /// conversation for the few young ones (5.4 s with 4,000,000 open). `QuerySQL` uses it when a
    /// bounded count through it finds few.
    private static func v25OpenByAge(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX conversation_open_age ON conversation(coalesce(last_customer_at, last_at)) WHERE status = 'open'")
    }

    /// The counts `conversation_counts` answered come from `queue_tally` since v23, and nothing
    /// else reads it; every breach the clock moved rewrote an entry of it (dropping it took
    /// re-scoring 100,000 conversations from about 610 to 495 ms of SQLite's work).
    private static func v26CountsFromTheTally(_ db: Database) throws {
        try db.execute(sql: "DROP INDEX conversation_counts")
    }

    /// Authors by their followers: `followers:>10000` tested every open conversation's latest
    /// author, in queue order, for the few that have so many (1.9 s with 400,000 open).
    /// `QuerySQL` finds those authors through it, and their open conversations, when few do.
    private static func v28HandlesByFollowers(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX contact_handle_by_followers ON contact_handle(followers)")
    }

    /// The tally's triggers as plain updates of rows that always exist (every status, breached
    /// or not, assigned or not), as the one for deletions already was, instead of an upsert. An
    /// upsert may abort, so every statement that fired it was given a statement journal, a copy
    /// of each page it changed, and the statements that fire it most (`ConversationScores`, an
    /// import's new conversations) could not avoid one with `OR FAIL`. A status added later adds
    /// its rows in its own migration.
    private static func v27TallyByUpdates(_ db: Database) throws {
        let statuses = ConversationStatus.allCases.map { "('\($0.rawValue)')" }.joined(separator: ", ")
        try db.execute(sql: """
            INSERT OR IGNORE INTO queue_tally (status, breached, unassigned, conversations)
                SELECT s.column1, b.column1, u.column1, 0 FROM (VALUES \(statuses)) s, (VALUES (0), (1)) b, (VALUES (0), (1)) u;
            DROP TRIGGER queue_tally_insert;
            DROP TRIGGER queue_tally_update;
            CREATE TRIGGER queue_tally_insert AFTER INSERT ON conversation BEGIN
                UPDATE queue_tally SET conversations = conversations + 1
                WHERE status = NEW.status AND breached = NEW.breached AND unassigned = (NEW.assignee IS NULL);
            END;
            CREATE TRIGGER queue_tally_update AFTER UPDATE OF status, breached, assignee ON conversation
            WHEN OLD.status IS NOT NEW.status OR OLD.breached IS NOT NEW.breached OR (OLD.assignee IS NULL) IS NOT (NEW.assignee IS NULL)
            BEGIN
                UPDATE queue_tally SET conversations = conversations - 1
                WHERE status = OLD.status AND breached = OLD.breached AND unassigned = (OLD.assignee IS NULL);
                UPDATE queue_tally SET conversations = conversations + 1
                WHERE status = NEW.status AND breached = NEW.breached AND unassigned = (NEW.assignee IS NULL);
            END;
            """)
    }

    /// Each conversation names the author of its latest customer message, and the open ones are
    /// indexed by it instead of by that message. `followers:>10000` read the message of every
    /// open conversation it walked for its author (half the demo's million are by such authors,
    /// too many to lead from; 95 ms for a page); the authors now lead through this index, and a
    /// walk reads no message. A campaign's open copies are found through it as they were
    /// through the message's index, which it replaces.
    private static func v29OpenByAuthor(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE conversation ADD COLUMN latest_customer_handle_id INTEGER;
            UPDATE conversation SET latest_customer_handle_id = (SELECT handle_id FROM mention WHERE id = conversation.latest_customer_mention_id)
                WHERE latest_customer_mention_id IS NOT NULL;
            DROP INDEX conversation_open_latest;
            CREATE INDEX conversation_open_by_author ON conversation(latest_customer_handle_id) WHERE status = 'open';
            """)
    }

    /// An import, the only place conversations are made, adds the ones it made to the tally
    /// itself, once a status a batch (`MentionUpsert.finishBatch`). With the trigger, every new
    /// conversation's insert got a statement journal: a trigger makes an insert a multiple
    /// write, and a given rowid may fail to be an integer, so SQLite copied each page the insert
    /// changed (the row's and a dozen indexes') in case it had to undo it alone, `OR FAIL` or not.
    private static func v30ImportsTallyNewConversations(_ db: Database) throws {
        try db.execute(sql: "DROP TRIGGER queue_tally_insert")
    }

    /// Complaints' counts per term and day keyed by the day first. Keyed by the term, each
    /// complaint's half-dozen terms landed on pages all over the table, and every page an import's
    /// short transaction changes is written to the WAL at its commit: 15% of the pages a
    /// million-mention import wrote. By the day, a day's counts are a few dozen pages together.
    private static func v31TermCountsByDay(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE term_day_by_day (
                term INTEGER NOT NULL,
                day INTEGER NOT NULL,
                count INTEGER NOT NULL,
                PRIMARY KEY (day, term)
            ) WITHOUT ROWID;
            INSERT INTO term_day_by_day (term, day, count) SELECT term, day, count FROM term_day ORDER BY day, term;
            DROP TABLE term_day;
            ALTER TABLE term_day_by_day RENAME TO term_day;
            """)
    }

    /// The open conversations' index by their latest customer's author names that message too:
    /// a campaign's copy finds its conversation in one seek, where it read every open
    /// conversation of the copy's author (an author with 23,000 of them, as one name standing
    /// for a feed's anonymous commenters is, made each of a campaign's copies cost as many).
    private static func v32OpenByAuthorAndMessage(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX conversation_open_by_author;
            CREATE INDEX conversation_open_by_author ON conversation(latest_customer_handle_id, latest_customer_mention_id) WHERE status = 'open';
            """)
    }

    /// Two incidents of the same words whose times came to touch (an outage read out of time
    /// order, a backfill) become one: the later-numbered one's members move to the other, and it
    /// stays, state `merged`, naming where they went.
    private static func v33IncidentMergedInto(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE incident ADD COLUMN merged_into INTEGER REFERENCES incident(id)")
    }

    /// The contacts' index holds when each conversation last heard from the customer: an import
    /// asks which of a contact's conversations in the repeat window began or heard from them
    /// after a message (`MentionUpsert.othersSQL`), and read each one's row to tell, thousands
    /// for a name a feed's commenters share (200,000 comments of a blog: a contact's 29,399).
    /// An import's summary of a conversation already rewrote its entry (it sets `first_at`).
    private static func v34ContactIndexLastCustomer(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX conversation_by_contact;
            CREATE INDEX conversation_by_contact ON conversation(contact_id, first_at, last_customer_at);
            """)
    }
}
