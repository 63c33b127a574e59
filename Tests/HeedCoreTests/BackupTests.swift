import GRDB
import HeedTestSupport
import Logging
import XCTest
@testable import HeedCore

final class BackupTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-11-23T12:00:00Z")

    static let config: Config = {
        var config = Config()
        config.accounts = ["x": ["NorthwindHelp"]]
        config.operators = (1...8).map {
            Operator(handle: "op\($0)", name: "Operator \($0)", unixUser: nil, role: .agent, signature: "", intro: nil, teams: [], maxAssigned: nil)
        }
        return config
    }()

    /// A cache file with `count` open conversations.
    func cache(_ name: String = "cache.sqlite", conversations count: Int = 40) throws -> AppDatabase {
        let database = try AppDatabase.open(path: folder.file(name))
        let lines = (0..<count).map { MentionLines.line(id: "seed\($0)", text: "my card \($0) was charged twice", at: "2026-11-23T11:00:00Z", author: "c\($0)") }
        _ = try Ingester(database: database, config: Self.config, clock: clock).ingest(path: folder.write("seed.jsonl", lines.joined(separator: "\n") + "\n"))
        return database
    }

    func readOnly(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Eight operators tagging and an import committing batch after batch while the backup is
    /// taken: nobody waits on it or fails, and the copy is the cache at one moment — each
    /// conversation's version moved exactly as often as the copy's log says it was tagged.
    func testABackupTakenWhileOperatorsActAndAnImportRunsIsTheCacheAsOfOneMoment() throws {
        let database = try cache()
        let ids = try database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM conversation ORDER BY id") }
        let versions = try database.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, version FROM conversation").map { ($0[0] as Int64, $0[1] as Int) })
        }
        let burst = (0..<30_000).map { MentionLines.line(id: "burst\($0)", text: "is the app down? \($0)", at: "2026-11-23T11:30:00Z", author: "b\($0)") }
        let burstFile = folder.write("burst.jsonl", burst.joined(separator: "\n") + "\n")

        let stop = Flag(), failures = Failures(), actions = Counter(), batches = Counter()
        let group = DispatchGroup()
        let clock = self.clock
        DispatchQueue.global().async(group: group) {
            let ingester = Ingester(database: database, config: Self.config, clock: clock)
            // Batches of exactly 512 (whole chunks of 64), whatever they take, so that the copy can
            // be seen to hold whole ones.
            ingester.batchSize = 512
            ingester.lockBudget = nil
            ingester.afterBatch = { _ in batches.add() }
            ingester.shouldStop = { stop.isSet }
            do { _ = try ingester.ingest(path: burstFile) } catch { failures.add("import: \(error)") }
        }
        for (index, op) in Self.config.operators.enumerated() {
            DispatchQueue.global().async(group: group) {
                let service = ActionService(database: database, config: Self.config, clock: clock)
                var round = 0
                while !stop.isSet {
                    round += 1
                    // Each operator tags a conversation with their name, then untags it, then the next.
                    let id = ids[(round / 2 * 7 + index * 5) % ids.count]
                    let adding = round % 2 == 1
                    do {
                        try service.perform(.tag(add: adding ? ["+\(op.handle)"] : [], remove: adding ? [] : ["-\(op.handle)"]), on: id, by: op)
                        actions.add()
                    } catch let error as HeedError where error.kind == .unchanged || error.kind == .conflict {
                        continue
                    } catch {
                        failures.add("\(op.handle): \(error)")
                    }
                }
            }
        }
        let busy = Date().addingTimeInterval(30)
        while (actions.value < 24 || batches.value < 2) && Date() < busy { usleep(10_000) }
        let contents = try Backup.take(database, to: folder.file("backup.sqlite"), by: "op1", now: clock.now())
        let (actedDuring, batchesDuring) = (actions.value, batches.value)
        stop.set()
        group.wait()
        XCTAssertEqual(failures.list, [], "nobody failed while the backup was taken")
        XCTAssertGreaterThanOrEqual(actedDuring, 24)
        XCTAssertGreaterThanOrEqual(batchesDuring, 2)

        let copy = try readOnly(folder.file("backup.sqlite"))
        try copy.read { db in
            XCTAssertEqual(try String.fetchAll(db, sql: "PRAGMA integrity_check"), ["ok"])
            for id in ids {
                let version = try XCTUnwrap(Int.fetchOne(db, sql: "SELECT version FROM conversation WHERE id = ?", arguments: [id]))
                let tagged = try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE conversation_id = ? AND kind = 'tag'", arguments: [id]) ?? 0
                XCTAssertEqual(version - versions[id]!, tagged, "#\(id): its fields and its log are of the same moment")
            }
            let mentions = try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") ?? 0
            XCTAssertEqual(contents.mentions, mentions)
            XCTAssertEqual((mentions - 40) % 512, 0, "whole import batches only: \(mentions)")
            XCTAssertGreaterThan(mentions, 40)
        }
        let logged = try database.read { db in try Row.fetchOne(db, sql: "SELECT operator, subject FROM event WHERE kind = 'backup'") }
        XCTAssertEqual(logged?[0] as String?, "op1")
        XCTAssertEqual(logged?[1] as String?, folder.file("backup.sqlite"))
    }

    func testABackupIsNeverWrittenOverAFileAndIsAsPrivateAsTheCache() throws {
        let database = try cache(conversations: 3)
        chmod(folder.file("cache.sqlite"), 0o640)
        let contents = try Backup.take(database, to: folder.file("b.sqlite"), by: "op1", now: clock.now())
        XCTAssertEqual(contents.conversations, 3)
        XCTAssertEqual(contents.openConversations, 3)
        var status = stat()
        XCTAssertEqual(stat(folder.file("b.sqlite"), &status), 0)
        XCTAssertEqual(status.st_mode & 0o777, 0o640, "the cache's mode, not the umask's")
        _ = folder.write("taken.sqlite", "someone's file")
        XCTAssertThrowsError(try Backup.take(database, to: folder.file("taken.sqlite"), by: "op1", now: clock.now())) {
            XCTAssertEqual(($0 as? HeedError)?.kind, .cannotWrite)
            XCTAssertTrue(($0 as? HeedError)?.message.contains("taken.sqlite exists") == true, "\($0)")
        }
        XCTAssertEqual(folder.read("taken.sqlite"), "someone's file")
        symlink(folder.file("elsewhere"), folder.file("link.sqlite"))
        XCTAssertThrowsError(try Backup.take(database, to: folder.file("link.sqlite"), by: "op1", now: clock.now()), "a dangling link is a file too")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("elsewhere")))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("partial") }
        XCTAssertEqual(left, [], "nothing half made is left behind")
        XCTAssertEqual(try Backup.check(folder.file("b.sqlite")).mentions, 3)
    }

    func testRestoreWaitsForEveryoneToLeaveAndKeepsTheCacheItReplaces() throws {
        let path = folder.file("cache.sqlite")
        var database: AppDatabase? = try cache(conversations: 3)
        let id = try XCTUnwrap(database!.read { db in try Int64.fetchOne(db, sql: "SELECT min(id) FROM conversation") })
        let service = ActionService(database: database!, config: Self.config, clock: clock)
        try service.reply(to: id, text: "Sorry! We're on it", by: Self.config.operators[0])
        _ = try Backup.take(database!, to: folder.file("monday.sqlite"), by: "op1", now: clock.now())
        try service.perform(.tag(add: ["+after-the-backup"], remove: []), on: id, by: Self.config.operators[0])

        XCTAssertThrowsError(try Backup.restore(from: folder.file("monday.sqlite"), into: path, by: "op2", now: clock.now())) {
            XCTAssertEqual(($0 as? HeedError)?.kind, .conflict)
            XCTAssertTrue(($0 as? HeedError)?.message.contains("is in use (a screen or a command has it open)") == true, "\($0)")
        }
        let run = try RunLock(cache: path)
        XCTAssertThrowsError(try Backup.restore(from: folder.file("monday.sqlite"), into: path, by: "op2", now: clock.now())) {
            XCTAssertTrue(($0 as? HeedError)?.message.contains("is in use (heed run (process \(getpid()) on ") == true, "\($0)")
        }
        withExtendedLifetime(run) {}
        XCTAssertEqual(try database!.read { db in try ConversationFields.fetch(db, conversation: id) }?.fields.tags, ["after-the-backup"])
        try database!.close()
        database = nil

        clock.advance(seconds: 60)
        let restoredNow = try Backup.restore(from: folder.file("monday.sqlite"), into: path, by: "op2", now: clock.now())
        let (contents, replaced) = (restoredNow.contents, restoredNow.replaced)
        XCTAssertEqual(contents.conversations, 3)
        XCTAssertEqual(contents.unsentPosts, 1)
        XCTAssertEqual(restoredNow.leftForChecking, 1, "the reply may have gone out after the backup")
        XCTAssertEqual(replaced, path + ".replaced-20261123T120100Z")
        let restored = try AppDatabase.open(path: path)
        XCTAssertEqual(try restored.read { db in try ConversationFields.fetch(db, conversation: id) }?.fields.tags, [], "as it was when backed up")
        let event = try restored.read { db in try Row.fetchOne(db, sql: "SELECT operator, subject, after FROM event WHERE kind = 'restore'") }
        XCTAssertEqual(event?[0] as String?, "op2")
        XCTAssertEqual(event?[1] as String?, folder.file("monday.sqlite"))
        XCTAssertEqual(event?[2] as String?, #"{"replaced":"\#(path).replaced-20261123T120100Z","posts_left_for_checking":1}"#)
        let post = try restored.read { db in try Row.fetchOne(db, sql: "SELECT state, last_error FROM outbox") }
        XCTAssertEqual(post?[0] as String?, "checking", "never sent twice: a person retries or cancels it")
        XCTAssertTrue((post?[1] as String?)?.hasPrefix("restored from a backup") == true)
        try restored.close()
        let aside = try readOnly(try XCTUnwrap(replaced))
        let tagged = try aside.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE kind = 'tag'") }
        XCTAssertEqual(tagged, 1, "the replaced cache is whole, its last action included")
    }

    func testRestoreRefusesWhatIsNotAWholeHeedBackupAndChangesNothing() throws {
        let path = folder.file("cache.sqlite")
        let database = try cache(conversations: 3)
        _ = try Backup.take(database, to: folder.file("good.sqlite"), by: "op1", now: clock.now())
        try database.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        _ = folder.write("notes.sqlite", "not a database at all")
        let other = try DatabaseQueue(path: folder.file("other.sqlite"))
        try other.write { db in try db.execute(sql: "CREATE TABLE t (x); INSERT INTO t VALUES (1)") }
        try other.close()
        try FileManager.default.copyItem(atPath: folder.file("good.sqlite"), toPath: folder.file("from-the-future.sqlite"))
        let future = try DatabaseQueue(path: folder.file("from-the-future.sqlite"))
        try future.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try future.close()
        var damaged = try Data(contentsOf: URL(fileURLWithPath: folder.file("good.sqlite")))
        for offset in stride(from: 4096 * 3, to: damaged.count, by: 4096) { damaged[offset + 100] ^= 0xFF; damaged[offset + 2000] ^= 0x55 }
        try damaged.write(to: URL(fileURLWithPath: folder.file("damaged.sqlite")))

        let expected = [
            "notes.sqlite": "notes.sqlite is not a heed backup",
            "other.sqlite": "other.sqlite is an SQLite database but not a heed cache",
            "from-the-future.sqlite": "from-the-future.sqlite was written by a newer heed",
            "damaged.sqlite": "damaged.sqlite",
            "missing.sqlite": "no file",
        ]
        for (name, message) in expected {
            XCTAssertThrowsError(try Backup.restore(from: folder.file(name), into: path, by: "op1", now: clock.now()), name) {
                XCTAssertTrue(($0 as? HeedError)?.message.contains(message) == true, "\(name): \($0)")
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "\(name): the cache is untouched")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("restoring") || $0.contains("replaced") }
        XCTAssertEqual(left, [])
    }

    /// `heed run`'s schedule: a backup when the newest is `every` old, the oldest beyond `keep`
    /// removed, nothing else in the folder touched.
    func testRunBacksUpOnScheduleAndKeepsTheNewest() async throws {
        let database = try cache(conversations: 3)
        let backups = folder.file("backups")
        let schedule = BackupSchedule(folder: backups, everyMilliseconds: 3_600_000, keep: 2)
        let part = BackupPart(schedule: schedule, database: database, cachePath: folder.file("cache.sqlite"), clock: clock, logger: Logger(label: "test"))
        try await part.start()
        _ = folder.write("backups/notes.txt", "ours")
        _ = folder.write("backups/cache-backup-by-hand.sqlite", "a copy someone made")
        func taken() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: backups).filter { $0.hasPrefix("cache-backup-2") }.sorted()
        }
        var wait = try await part.round()
        XCTAssertEqual(wait, 60_000)
        XCTAssertEqual(try taken(), ["cache-backup-20261123T120000Z.sqlite"])
        clock.advance(seconds: 1800)
        wait = try await part.round()
        XCTAssertEqual(wait, 60_000, "not due: the next look in a minute at most")
        XCTAssertEqual(try taken().count, 1)
        clock.advance(seconds: 3599 - 1800)
        wait = try await part.round()
        XCTAssertEqual(wait, 1_000, "due in a second")
        clock.advance(seconds: 1)
        _ = try await part.round()
        clock.advance(seconds: 3600)
        _ = try await part.round()
        XCTAssertEqual(try taken(), ["cache-backup-20261123T130000Z.sqlite", "cache-backup-20261123T140000Z.sqlite"])
        XCTAssertEqual(folder.read("backups/notes.txt"), "ours")
        XCTAssertEqual(folder.read("backups/cache-backup-by-hand.sqlite"), "a copy someone made")
        let logged = try database.read { db in try String.fetchAll(db, sql: "SELECT operator FROM event WHERE kind = 'backup'") }
        XCTAssertEqual(logged, ["heed:backup", "heed:backup", "heed:backup"])
    }

    func testTheScheduleIsReadWithItsProblemsNamed() throws {
        let good = try ConfigLoader.parse(#"{"backup": {"folder": "/srv/heed/backups", "every": "6h", "keep": 28}}"#, file: "c.json").get()
        XCTAssertEqual(good.backup, BackupSchedule(folder: "/srv/heed/backups", everyMilliseconds: 6 * 3_600_000, keep: 28))
        XCTAssertEqual(try ConfigLoader.parse(#"{"backup": {"folder": "b"}}"#, file: "c.json").get().backup,
                       BackupSchedule(folder: "b", everyMilliseconds: 86_400_000, keep: 7), "a day, a week kept")
        let bad = "{\n \"backup\": {\"every\": \"30s\",\n \"keep\": 0}\n}"
        guard case .failure(let error) = ConfigLoader.parse(bad, file: "c.json") else { return XCTFail("expected problems") }
        let lines = error.problems.map(\.description)
        XCTAssertTrue(lines.contains { $0.hasPrefix("c.json:2: backup") && $0.contains("folder") }, "\(lines)")
        guard case .failure(let twice) = ConfigLoader.parse("{\"backup\": {\"folder\": \"b\",\n \"every\": \"30s\",\n \"keep\": 0}}", file: "c.json") else {
            return XCTFail("expected problems")
        }
        XCTAssertEqual(twice.problems.map(\.description), [
            "c.json:2: backup.every: \"30s\" is not a time of a minute or more (such as \"30m\", \"6h\", \"1d\")",
            "c.json:3: backup.keep: 0 is out of range 1…10000",
        ])
    }
}

/// Counts across threads.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}

private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    var list: [String] { lock.withLock { items } }
    func add(_ item: String) { lock.withLock { items.append(item) } }
}
