import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class IngestTests: XCTestCase {
    let folder = TemporaryFolder()
    var config: Config = {
        var c = Config()
        c.accounts = ["x": ["NorthwindHelp"], "mastodon": ["help@mastodon.social"]]
        return c
    }()

    func ingest(_ lines: [String], into database: AppDatabase, name: String = "in.jsonl",
                rejections: UnsafeMutablePointer<[Rejection]>? = nil) throws -> IngestReport {
        try ingest(path: folder.write(name, lines.joined(separator: "\n") + "\n"), into: database, rejections: rejections)
    }

    func ingest(path: String, into database: AppDatabase, rejections: UnsafeMutablePointer<[Rejection]>? = nil) throws -> IngestReport {
        let ingester = Ingester(database: database, config: config, clock: FixedClock("2026-11-23T12:00:00Z"))
        var seen: [Rejection] = []
        ingester.onReject = { _, rejection, _ in seen.append(rejection) }
        let report = try ingester.ingest(path: path)
        rejections?.pointee = seen
        return report
    }

    func conversations(_ database: AppDatabase) throws -> [[String]] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT group_concat(source_id, ' ') AS ids FROM (SELECT source_id, conversation_id FROM mention ORDER BY source_id) GROUP BY conversation_id ORDER BY ids")
                .map { ($0["ids"] as String).split(separator: " ").map(String.init) }
        }
    }

    func testImportingTwiceChangesNothing() throws {
        let database = try AppDatabase.inMemory()
        let lines = [
            MentionLines.line(id: "1", text: "my card was charged twice", author: "u1"),
            MentionLines.line(id: "2", text: "still waiting", author: "u1", inReplyTo: "1"),
            MentionLines.line(channel: "mastodon", id: "m1", text: "is the app down?", author: "lee"),
        ]
        let first = try ingest(lines, into: database)
        XCTAssertEqual([first.new, first.updated, first.unchanged, first.rejected], [3, 0, 0, 0])
        let before = try CacheDump.text(database)
        let second = try ingest(lines, into: database)
        XCTAssertEqual([second.new, second.updated, second.unchanged, second.rejected], [0, 0, 3, 0])
        XCTAssertEqual(try CacheDump.text(database), before)
    }

    func testNewerCopyUpdatesMetricsButNotTriageState() throws {
        let database = try AppDatabase.inMemory()
        _ = try ingest([MentionLines.line(id: "1", text: "refund please", likes: 1)], into: database)
        // An operator resolved and tagged the conversation
        try database.write { db in
            try db.execute(sql: """
                UPDATE conversation SET status = 'resolved', assignee = 'sam';
                INSERT INTO tag (id, name) VALUES (1, 'billing');
                INSERT INTO conversation_tag (conversation_id, tag_id, added_at) SELECT id, 1, 0 FROM conversation;
                """)
        }
        let report = try ingest([MentionLines.line(id: "1", text: "refund please", likes: 9)], into: database)
        XCTAssertEqual([report.new, report.updated], [0, 1])
        let row = try database.read { db in
            try Row.fetchOne(db, sql: "SELECT m.likes, c.status, c.assignee, (SELECT count(*) FROM conversation_tag) AS tags FROM mention m JOIN conversation c ON c.id = m.conversation_id")!
        }
        XCTAssertEqual(row["likes"] as Int, 9)
        XCTAssertEqual(row["status"] as String, "resolved")
        XCTAssertEqual(row["assignee"] as String, "sam")
        XCTAssertEqual(row["tags"] as Int, 1)
    }

    func testBadLinesAreRejectedWithLineAndFieldAndTheRestKept() throws {
        let database = try AppDatabase.inMemory()
        var rejections: [Rejection] = []
        let report = try ingest([
            MentionLines.line(id: "1"),
            "{\"channel\": \"x\", \"id\": \"2\", \"text\": \"hi\"",
            MentionLines.line(id: "3").replacingOccurrences(of: "\"followers\":10", with: "\"followers\":\"many\""),
            MentionLines.line(id: "4").replacingOccurrences(of: "2026-11-23T09:00:00Z", with: "yesterday"),
            MentionLines.line(channel: "myspace", id: "5"),
            "",
            "[1, 2]",
            MentionLines.line(id: "8").replacingOccurrences(of: "\"id\":\"8\"", with: "\"id\":8"),
            MentionLines.line(id: "9"),
        ], into: database, rejections: &rejections)
        XCTAssertEqual([report.new, report.rejected], [2, 6])
        XCTAssertEqual(rejections.map(\.line), [2, 3, 4, 5, 7, 8])
        XCTAssertEqual(rejections.map(\.field), [nil, "author.followers", "created_at", "channel", "", "id"])
        XCTAssertTrue(rejections[0].reason.hasPrefix("not valid JSON"), rejections[0].reason)
        XCTAssertEqual(rejections[1].reason, "expected a whole number, got string")
        XCTAssertEqual(rejections[5].reason, "expected a string, got number")
        XCTAssertEqual(try database.read { db in try String.fetchAll(db, sql: "SELECT source_id FROM mention ORDER BY 1") }, ["1", "9"])
    }

    func testReplyBeforeItsParentJoinsTheSameConversation() throws {
        let database = try AppDatabase.inMemory()
        _ = try ingest([MentionLines.line(id: "r", text: "any update?", author: "u1", inReplyTo: "p")], into: database, name: "a.jsonl")
        _ = try ingest([MentionLines.line(id: "p", text: "app is down", author: "u1")], into: database, name: "b.jsonl")
        XCTAssertEqual(try conversations(database), [["p", "r"]])
    }

    func testChainsArrivingBackwardsBecomeOneThread() throws {
        let database = try AppDatabase.inMemory()
        // c replies to b, b and d reply to a; they arrive c, d, b, a in separate imports, so two
        // stored conversations (waiting for b, waiting for a) turn out to be one thread
        _ = try ingest([MentionLines.line(id: "c", author: "u1", inReplyTo: "b")], into: database, name: "1.jsonl")
        _ = try ingest([MentionLines.line(id: "d", author: "u4", inReplyTo: "a")], into: database, name: "2.jsonl")
        XCTAssertEqual(try conversations(database), [["c"], ["d"]])
        _ = try ingest([MentionLines.line(id: "b", author: "u2", inReplyTo: "a")], into: database, name: "3.jsonl")
        _ = try ingest([MentionLines.line(id: "a", author: "u3")], into: database, name: "4.jsonl")
        XCTAssertEqual(try conversations(database), [["a", "b", "c", "d"]])
        let summary = try database.read { db in try Row.fetchOne(db, sql: "SELECT mention_count, count(*) OVER () AS n FROM conversation")! }
        XCTAssertEqual(summary["mention_count"] as Int, 4)
        XCTAssertEqual(summary["n"] as Int, 1)
        let merges = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE kind = 'merge'") }
        XCTAssertEqual(merges, 1)
    }

    /// Each conversation names the author of its latest customer message, which `followers:`
    /// searches by: set when it is made, moved by a later message, recomputed when threads join.
    func testEachConversationNamesItsLatestCustomersAuthor() throws {
        let database = try AppDatabase.inMemory()
        func authors() throws -> [String] {
            try database.read { db in
                XCTAssertEqual(try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM conversation c
                    WHERE c.latest_customer_handle_id IS NOT (SELECT handle_id FROM mention WHERE id = c.latest_customer_mention_id)
                    """), 0, "the author is that of the latest customer message")
                return try String.fetchAll(db, sql: "SELECT h.handle FROM conversation c JOIN contact_handle h ON h.id = c.latest_customer_handle_id ORDER BY c.id")
            }
        }
        _ = try ingest([MentionLines.line(id: "c", at: "2026-11-23T10:00:00Z", author: "u1", inReplyTo: "b")], into: database, name: "1.jsonl")
        _ = try ingest([MentionLines.line(id: "d", at: "2026-11-23T10:05:00Z", author: "u4", inReplyTo: "a")], into: database, name: "2.jsonl")
        XCTAssertEqual(try authors(), ["u1", "u4"])
        _ = try ingest([MentionLines.line(id: "e", at: "2026-11-23T10:10:00Z", author: "u5", inReplyTo: "c"),
                        MentionLines.line(id: "f", at: "2026-11-23T09:30:00Z", author: "u6", inReplyTo: "d")], into: database, name: "3.jsonl")
        XCTAssertEqual(try authors(), ["u5", "u4"], "a later message moves it, an earlier one does not")
        _ = try ingest([MentionLines.line(id: "b", at: "2026-11-23T09:00:00Z", author: "u2", inReplyTo: "a")], into: database, name: "4.jsonl")
        _ = try ingest([MentionLines.line(id: "a", at: "2026-11-23T08:00:00Z", author: "u3")], into: database, name: "5.jsonl")
        XCTAssertEqual(try conversations(database), [["a", "b", "c", "d", "e", "f"]])
        XCTAssertEqual(try authors(), ["u5"], "joined: the latest of the whole thread")
    }

    func testSourceThreadIdsGroupRepliesWhoseParentIsMissing() throws {
        let database = try AppDatabase.inMemory()
        _ = try ingest([
            MentionLines.line(id: "20", author: "u2", inReplyTo: "15", conversation: "10"),
            MentionLines.line(id: "30", author: "u3", inReplyTo: "25", conversation: "10"),
            MentionLines.line(id: "10", author: "u1", conversation: "10"),
            MentionLines.line(id: "99", author: "u9", conversation: "99"),
        ], into: database)
        XCTAssertEqual(try conversations(database), [["10", "20", "30"], ["99"]])
    }

    func testOurReplyWaitsOnTheCustomerAndTheirAnswerReopens() throws {
        let database = try AppDatabase.inMemory()
        func status() throws -> String { try database.read { db in try String.fetchOne(db, sql: "SELECT status FROM conversation")! } }
        _ = try ingest([MentionLines.line(id: "1", text: "card declined", at: "2026-11-23T09:00:00Z", author: "u1")], into: database, name: "a")
        XCTAssertEqual(try status(), "open")
        _ = try ingest([MentionLines.line(id: "2", text: "sorry! DM us ^SB", at: "2026-11-23T09:05:00Z", author: "nw", handle: "@NorthwindHelp", inReplyTo: "1")],
                       into: database, name: "b")
        XCTAssertEqual(try status(), "waiting")
        XCTAssertEqual(try database.read { db in try Bool.fetchOne(db, sql: "SELECT ours FROM mention WHERE source_id = '2'") }, true)
        _ = try ingest([MentionLines.line(id: "3", text: "still declined", at: "2026-11-23T09:30:00Z", author: "u1", inReplyTo: "2")],
                       into: database, name: "c")
        XCTAssertEqual(try status(), "open")
        let events = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT operator, kind, subject, after FROM event WHERE conversation_id IS NOT NULL ORDER BY id")
        }
        XCTAssertEqual(events.map { "\($0["operator"] as String) \($0["kind"] as String): \($0["subject"] as String)" },
                       ["heed:ingest wait: our reply was imported", "heed:ingest reopen: the customer wrote again"])
        XCTAssertEqual(events.compactMap { ConversationFields.decode($0["after"])?.status }, [.waiting, .open], "each with the whole fields")
        let row = try database.read { db in try Queue.open(db, limit: 10) }
        XCTAssertEqual(row.map(\.text), ["still declined"])
    }

    func testUnknownFieldsAreKeptAndTextIsSearchable() throws {
        let database = try AppDatabase.inMemory()
        let line = MentionLines.line(id: "1", text: "Can't log in to the app since 9").dropLast() + #","sentiment_hint":-0.4,"source":{"tool":"zapier"}}"#
        _ = try ingest([String(line)], into: database)
        let row = try database.read { db in
            try Row.fetchOne(db, sql: "SELECT extra, (SELECT count(*) FROM mention_fts WHERE mention_fts MATCH 'log AND app') AS hits FROM mention")!
        }
        XCTAssertEqual(row["extra"] as String, #"{"sentiment_hint":-0.4,"source":{"tool":"zapier"}}"#)
        XCTAssertEqual(row["hits"] as Int, 1)
        // And re-encoding gives the unknown fields back
        XCTAssertTrue(MentionLines.line(id: "x").hasSuffix("}}"))
    }

    func testEditedTextIsReindexed() throws {
        let database = try AppDatabase.inMemory()
        _ = try ingest([MentionLines.line(id: "1", text: "original wording")], into: database, name: "a")
        _ = try ingest([MentionLines.line(id: "1", text: "edited wording")], into: database, name: "b")
        let hits = try database.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM mention_fts WHERE mention_fts MATCH 'original'"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM mention_fts WHERE mention_fts MATCH 'edited'"))
        }
        XCTAssertEqual(hits.0, 0)
        XCTAssertEqual(hits.1, 1)
        XCTAssertNoThrow(try database.write { db in
            try db.execute(sql: "INSERT INTO mention_fts(mention_fts, rank) VALUES ('integrity-check', 1)")
        })
    }

    func testFollowerCountMovesForwardInTimeOnly() throws {
        let database = try AppDatabase.inMemory()
        _ = try ingest([MentionLines.line(id: "1", at: "2026-11-23T09:00:00Z", followers: 10)], into: database, name: "a")
        let report = try ingest([MentionLines.line(id: "1", at: "2026-11-23T09:00:00Z", followers: 18_204)], into: database, name: "b")
        XCTAssertEqual(report.updated, 1)
        XCTAssertEqual(try database.read { db in try Queue.open(db, limit: 1).first?.followers }, 18_204)
        // An older post by the same author, imported late, carries an older count: it is not taken.
        _ = try ingest([MentionLines.line(id: "0", at: "2026-11-20T09:00:00Z", followers: 9_000)], into: database, name: "c")
        XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "SELECT followers FROM contact_handle") }, 18_204)
    }

    /// A later post brings the author's new handle, or only a new count (written without the
    /// handle): either way the row ends as the latest post says.
    func testAnAuthorsNewHandleAndCountsAreKept() throws {
        let database = try AppDatabase.inMemory()
        _ = try ingest([MentionLines.line(id: "1", at: "2026-11-23T09:00:00Z", author: "u1", handle: "ana", followers: 10),
                        MentionLines.line(id: "2", at: "2026-11-23T10:00:00Z", author: "u1", handle: "ana_b", followers: 12),
                        MentionLines.line(id: "3", at: "2026-11-23T11:00:00Z", author: "u1", handle: "ana_b", followers: 15)], into: database, name: "a")
        let row = try database.read { db in try Row.fetchOne(db, sql: "SELECT handle, followers, last_seen_at FROM contact_handle") }
        XCTAssertEqual(row?["handle"], "ana_b")
        XCTAssertEqual(row?["followers"], 15)
        XCTAssertEqual(row?["last_seen_at"], RFC3339.milliseconds(from: "2026-11-23T11:00:00Z"))
        XCTAssertEqual(try database.read { db in try Queue.search(db, Query.parse("from:ana_b"), now: 0, limit: 5).count }, 3)
    }

    /// Whatever order mentions arrive in, and however they are split into imports, they end up
    /// in the same threads.
    func testArrivalOrderNeverChangesTheThreads() throws {
        // Five threads: trees of replies, some with the source's thread id as X gives it.
        var lines: [String] = []
        for thread in 0..<5 {
            let root = "t\(thread)-0"
            let withThreadID = thread % 2 == 0
            lines.append(MentionLines.line(id: root, author: "a\(thread)", conversation: withThreadID ? root : nil))
            for reply in 1..<8 {
                let parent = "t\(thread)-\((reply - 1) / 2)"
                lines.append(MentionLines.line(id: "t\(thread)-\(reply)", author: "a\(thread)-\(reply % 3)", inReplyTo: parent,
                                               conversation: withThreadID ? root : nil))
            }
        }
        let inOrder = try AppDatabase.inMemory()
        _ = try ingest(lines, into: inOrder, name: "ordered")
        let expected = try conversations(inOrder)
        XCTAssertEqual(expected.count, 5)
        for seed in 1...25 {
            var rng = SeededRandom(seed: UInt64(seed))
            let shuffled = lines.shuffled(using: &rng)
            let database = try AppDatabase.inMemory()
            var start = 0
            var part = 0
            while start < shuffled.count {
                let size = rng.int(1...12)
                _ = try ingest(Array(shuffled[start..<Swift.min(start + size, shuffled.count)]), into: database, name: "part\(part)")
                start += size
                part += 1
            }
            XCTAssertEqual(try conversations(database), expected, "seed \(seed)")
            XCTAssertEqual(try CacheDump.text(database), try CacheDump.text(inOrder), "seed \(seed)")
            let counts = try database.read { db in
                try Int.fetchAll(db, sql: "SELECT mention_count - (SELECT count(*) FROM mention m WHERE m.conversation_id = c.id) FROM conversation c")
            }
            XCTAssertEqual(Set(counts), [0], "mention counts agree with the mentions, seed \(seed)")
        }
    }

    func testFilesSharingTransactionsStoreWhatTheyWouldAlone() throws {
        // Threads spread over many small files, one that cannot be read and one that is not JSON
        // in between; batches of 5 records end inside files and span several.
        var paths: [String] = []
        for part in 0..<12 {
            var lines = (0..<3).map { n in
                MentionLines.line(id: "p\(part)-\(n)", text: "part \(part) line \(n)", author: "a\(n)", inReplyTo: n > 0 ? "p\(part)-\(n - 1)" : nil)
            }
            if part == 4 { lines.insert("{broken", at: 1) }
            paths.append(folder.write("part\(part).jsonl", lines.joined(separator: "\n") + "\n"))
            if part == 5 { paths.append(folder.file("missing.jsonl")) }
            if part == 7 { paths.append(folder.write("notes.txt", "not json at all\n")) }
        }
        let alone = try AppDatabase.inMemory()
        for path in paths { _ = try? ingest(path: path, into: alone) }

        let shared = try AppDatabase.inMemory()
        let ingester = Ingester(database: shared, config: config, clock: FixedClock("2026-11-23T12:00:00Z"))
        ingester.batchSize = 5
        var rejections: [String] = []
        var outcomes: [String] = []
        ingester.onReject = { path, rejection, _ in rejections.append("\(URL(fileURLWithPath: path).lastPathComponent):\(rejection)") }
        try ingester.ingest(paths: paths) { path, outcome in
            let name = URL(fileURLWithPath: path).lastPathComponent
            switch outcome {
            case .success(let report): outcomes.append("\(name) \(report.new)")
            case .failure(let error): outcomes.append("\(name) failed: \(error.kind)")
            }
        }
        XCTAssertEqual(outcomes, (0..<12).flatMap { part -> [String] in
            ["part\(part).jsonl 3"] + (part == 5 ? ["missing.jsonl failed: unreadable"] : []) + (part == 7 ? ["notes.txt failed: badData"] : [])
        })
        XCTAssertEqual(rejections, ["part4.jsonl:line 2: not valid JSON: expected a quoted key (column 2)"])
        XCTAssertEqual(try CacheDump.text(shared), try CacheDump.text(alone))
        let left = try shared.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM import_position") }
        XCTAssertEqual(left, 0, "finished files leave no position behind")
    }

    func testStoppedImportOfManyFilesResumes() throws {
        // Records are handed over in chunks of 64: a batch of 1,500 takes the first file (700)
        // and chunks of the second until it holds 1,500 or more (832 of them), and stops there.
        let sizes = [700, 1_500, 300]
        let paths = sizes.enumerated().map { part, size in
            folder.write("s\(part).jsonl", (0..<size).map { MentionLines.line(id: "s\(part)-\($0)") }.joined(separator: "\n") + "\n")
        }
        let database = try AppDatabase.inMemory()
        let ingester = Ingester(database: database, config: config, clock: FixedClock("2026-11-23T12:00:00Z"))
        ingester.batchSize = 1_500
        ingester.lockBudget = nil
        var batches = 0
        ingester.shouldStop = { batches == 1 }
        ingester.afterBatch = { _ in batches += 1 }
        var first: [String] = []
        try ingester.ingest(paths: paths) { path, outcome in
            let report = try outcome.get()
            first.append("\(URL(fileURLWithPath: path).lastPathComponent) \(report.new)\(report.interrupted ? " interrupted" : "")")
        }
        XCTAssertEqual(first, ["s0.jsonl 700", "s1.jsonl 832 interrupted"])
        ingester.shouldStop = nil
        var second: [String] = []
        try ingester.ingest(paths: paths) { path, outcome in
            let report = try outcome.get()
            second.append("\(URL(fileURLWithPath: path).lastPathComponent) \(report.new)+\(report.unchanged) after \(report.resumedAtLine)")
        }
        XCTAssertEqual(second, ["s0.jsonl 0+700 after 0", "s1.jsonl 668+0 after 832", "s2.jsonl 300+0 after 0"])
        let stored = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") }
        XCTAssertEqual(stored, 2_500)
    }
}
