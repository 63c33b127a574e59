import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// An import shares the cache with operators: it commits in short transactions, takes turns
/// with their actions, and ends a batch early when one of them waits.
final class ImportBesideOperatorsTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-11-23T12:00:00Z")

    /// The demo's mentions in heed's format, in a file of the folder.
    func demoFile(_ name: String, size: Int, seed: UInt64, config: Config) -> String {
        folder.write(name, mentions: DemoGenerator(size: size, seed: seed, now: clock.now(), config: config))
    }

    func testAnOperatorActsWhileAnImportRunsWithoutWaitingForIt() throws {
        let config = try ExampleConfig.load()
        let cache = folder.file("cache.sqlite")
        let mentions = Array(DemoGenerator(size: 3_000, seed: 5, now: clock.now(), config: config))
        let path = folder.write("burst.jsonl", mentions: mentions)
        let first = try AppDatabase.open(path: cache)
        _ = try Ingester(database: first, config: config, clock: clock).ingest(mentions: mentions.prefix(50), source: "first")
        let target = try first.read { db in try Int64.fetchOne(db, sql: "SELECT min(id) FROM conversation") }!

        let imported = DispatchSemaphore(value: 0)
        let run = ImportRun(Ingester(database: try AppDatabase.open(path: cache), config: config, clock: clock))
        Thread.detachNewThread {
            run.outcome = Result { try run.ingester.ingest(path: path) }
            imported.signal()
        }
        let service = ActionService(database: first, config: config, clock: clock)
        var waits: [Double] = []
        // Until the import is done: each action is timed from asking to done.
        while imported.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            let began = DispatchTime.now()
            _ = try service.perform(.note("still with us \(waits.count)"), on: target, by: config.operators[0])
            waits.append(Double(DispatchTime.now().uptimeNanoseconds - began.uptimeNanoseconds) / 1e9)
        }
        let report = try XCTUnwrap(run.outcome).get()
        let ingester = run.ingester
        XCTAssertEqual(report.new, 2_950)
        XCTAssertGreaterThan(waits.count, 5, "the operator kept acting during the import")
        XCTAssertGreaterThan(ingester.lockHeld.count, 5, "the import committed in several transactions")
        // In one transaction the import holds the lock for the whole file (0.6 s in a debug
        // build here, and an action waits that long); in turns, an action waits for at most a
        // short transaction (0.05 s here).
        XCTAssertLessThan(waits.max()!, 0.3, "slowest action: \(waits.max()!) s")

        // In many transactions or in one, the cache holds the same.
        let alone = try AppDatabase.open(path: folder.file("alone.sqlite"))
        _ = try Ingester(database: alone, config: config, clock: clock).ingest(mentions: mentions.prefix(50), source: "first")
        let whole = Ingester(database: alone, config: config, clock: clock)
        whole.lockBudget = nil
        let joins = { try alone.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE kind = 'incident-join'") ?? 0 } }
        let joinedBefore = try joins()
        _ = try whole.ingest(path: path)
        // One transaction stores the file; one more writes the incidents found in it, if any.
        XCTAssertEqual(whole.lockHeld.count, try joins() > joinedBefore ? 2 : 1)
        XCTAssertEqual(try CacheDump.text(first), try CacheDump.text(alone))
    }

    /// What an import writes is copied from the WAL into the cache by the import itself between
    /// its turns once the WAL holds `checkpointPages`, and at its end, not by SQLite at whichever
    /// commit passes a thousand pages (inside a turn, where operators wait through it): the cache
    /// file alone holds every mention once the import is done, and the connection checkpoints by
    /// itself again afterwards.
    func testAnImportCheckpointsItsWritesOutsideTheOperatorsTurns() throws {
        let config = try ExampleConfig.load()
        let cache = folder.file("cache.sqlite")
        let database = try AppDatabase.open(path: cache)
        let ingester = Ingester(database: database, config: config, clock: clock)
        (ingester.lockBudget, ingester.aloneTurn) = (0.005, 0.005)
        ingester.checkpointPages = 200
        _ = try ingester.ingest(mentions: Array(DemoGenerator(size: 2_000, seed: 5, now: clock.now(), config: config)), source: "burst")
        XCTAssertGreaterThan(ingester.lockHeld.count, 5)
        XCTAssertGreaterThan(ingester.checkpoints, 1, "checkpointed while it ran")
        XCTAssertLessThan(ingester.checkpoints, ingester.lockHeld.count, "not after every turn")
        XCTAssertEqual(try database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }, 1_000)
        let alone = folder.file("alone.sqlite")
        try FileManager.default.copyItem(atPath: cache, toPath: alone)
        XCTAssertEqual(try DatabaseQueue(path: alone).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") }, 2_000)
    }

    /// Beside operators, whose own connections checkpoint inside their commits, the import
    /// checkpoints after every turn in which someone else committed.
    func testAnImportCheckpointsAfterEveryTurnWhileOthersWrite() throws {
        let config = try ExampleConfig.load()
        let alone = Ingester(database: try AppDatabase.open(path: folder.file("alone.sqlite")), config: config, clock: clock)
        (alone.lockBudget, alone.aloneTurn) = (0.005, 0.005)
        _ = try alone.ingest(path: demoFile("alone.jsonl", size: 1_500, seed: 5, config: config))
        XCTAssertGreaterThan(alone.lockHeld.count, 5)
        XCTAssertEqual(alone.checkpoints, 1, "alone: once, at the end")

        let cache = folder.file("beside.sqlite")
        let beside = Ingester(database: try AppDatabase.open(path: cache), config: config, clock: clock)
        (beside.lockBudget, beside.aloneTurn) = (0.005, 0.005)
        let operators = try DatabaseQueue(path: cache)
        var writes = 0
        beside.afterBatch = { _ in
            writes += 1
            try? operators.write { db in try db.execute(sql: "INSERT INTO tag (name) VALUES (?)", arguments: ["t\(writes)"]) }
        }
        _ = try beside.ingest(path: demoFile("beside.jsonl", size: 1_500, seed: 5, config: config))
        XCTAssertGreaterThan(writes, 5)
        XCTAssertGreaterThanOrEqual(beside.checkpoints, writes, "after each turn that followed another's commit")
    }

    /// While operators act (another connection wrote within the last minute) a turn is one round
    /// of at most 30 ms; alone, rounds of the budget asked for up to `aloneTurn`.
    func testTurnsAreShorterWhileOperatorsAct() {
        func turn(_ budget: Double?, _ othersLastWrote: Double?) -> [Double?] {
            let next = Ingester.nextTurn(budget, aloneTurn: 1, othersLastWrote: othersLastWrote, now: 100)
            return [next.round, next.length]
        }
        XCTAssertEqual(turn(0.05, nil), [0.05, 1], "alone from the start")
        XCTAssertEqual(turn(0.05, 90), [0.03, 0.03])
        XCTAssertEqual(turn(0.05, 30), [0.05, 1], "a minute and more without them")
        XCTAssertEqual(turn(0.02, 90), [0.02, 0.02], "a shorter budget asked is kept")
        XCTAssertEqual(turn(2, nil), [2, 2], "a round longer than a lone turn is one turn")
        XCTAssertEqual(turn(nil, 90), [nil, nil], "no budget: whole batches")
    }

    /// Alone, an import scores round after round in one transaction: fewer commits, the same cache.
    func testAloneAnImportStoresRoundsInLongerTurns() throws {
        let config = try ExampleConfig.load()
        let path = demoFile("burst.jsonl", size: 2_000, seed: 5, config: config)
        let rounds = try AppDatabase.open(path: folder.file("rounds.sqlite"))
        let long = Ingester(database: rounds, config: config, clock: clock)
        (long.lockBudget, long.aloneTurn) = (0.002, 60)
        _ = try long.ingest(path: path)
        XCTAssertGreaterThan(long.rounds, 5, "stored and scored in short rounds")
        XCTAssertLessThanOrEqual(long.lockHeld.count, 2, "in one turn, and one for the incidents found")

        let whole = try AppDatabase.open(path: folder.file("whole.sqlite"))
        let once = Ingester(database: whole, config: config, clock: clock)
        once.lockBudget = nil
        _ = try once.ingest(path: path)
        XCTAssertEqual(try CacheDump.text(rounds), try CacheDump.text(whole))
    }

    /// Any writer of the cache kept waiting by SQLite's lock (not only an operator's action) knocks,
    /// and an import in a long turn lets it in at the end of its round, not of its turn.
    func testAWriterKeptWaitingEndsAnImportsLongTurn() throws {
        let config = try ExampleConfig.load()
        let cache = folder.file("cache.sqlite")
        let path = demoFile("burst.jsonl", size: 8_000, seed: 5, config: config)
        let writer = try AppDatabase.open(path: cache)
        let run = ImportRun(Ingester(database: try AppDatabase.open(path: cache), config: config, clock: clock))
        (run.ingester.lockBudget, run.ingester.aloneTurn) = (0.02, 60)
        let imported = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            run.outcome = Result { try run.ingester.ingest(path: path) }
            imported.signal()
        }
        // Until the import holds its turn.
        let turn = CacheSideFile.actions.open(cache)
        defer { close(turn) }
        let deadline = Date().addingTimeInterval(30)
        while flock(turn, LOCK_EX | LOCK_NB) == 0 && Date() < deadline {
            flock(turn, LOCK_UN)
            usleep(1_000)
        }
        XCTAssertEqual(errno, EWOULDBLOCK, "the import took its turn")
        let began = DispatchTime.now()
        try writer.write { db in try db.execute(sql: "INSERT INTO tag (name) VALUES ('waited')") }
        let waited = Double(DispatchTime.now().uptimeNanoseconds - began.uptimeNanoseconds) / 1e9
        XCTAssertEqual(imported.wait(timeout: .now()), .timedOut, "the import was still running when the write got in")
        XCTAssertLessThan(waited, 0.5, "waited \(waited) s")
        XCTAssertEqual(imported.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(try XCTUnwrap(run.outcome).get().new, 8_000)
        XCTAssertGreaterThan(run.ingester.lockHeld.count, 1, "the turn ended early, and others followed")
    }

    func testTheHolderSeesThatSomeoneWaits() throws {
        let cache = folder.file("cache.sqlite")
        _ = try AppDatabase.open(path: cache)
        let holder = try XCTUnwrap(ActionLock(cache: cache))
        let other = try XCTUnwrap(ActionLock(cache: cache))
        let done = DispatchSemaphore(value: 0)
        var sawWaiting = false
        var sawAlone = true
        holder.holding {
            sawAlone = !holder.othersWaiting()
            Thread.detachNewThread {
                other.holding { _ = done.signal() }
            }
            let deadline = Date().addingTimeInterval(5)
            while !sawWaiting && Date() < deadline {
                sawWaiting = holder.othersWaiting()
                usleep(1_000)
            }
        }
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        XCTAssertTrue(sawAlone, "no one waited at first")
        XCTAssertTrue(sawWaiting, "the holder saw the other waiting")
        XCTAssertFalse(holder.othersWaiting(), "no one waits once the other is done")
    }
}

/// An import on a thread of its own, and how it ended (read once the thread has signalled).
private final class ImportRun: @unchecked Sendable {
    let ingester: Ingester
    var outcome: Result<IngestReport, Error>?

    init(_ ingester: Ingester) {
        self.ingester = ingester
    }
}
