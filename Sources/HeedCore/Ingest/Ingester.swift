import Foundation
import GRDB

/// Imports files of heed's JSON Lines format into the cache.
///
/// Streams each file (memory does not grow with its size) and commits each batch of lines in
/// one transaction together with the position reached, so that a killed import leaves a
/// consistent cache and the same command resumes where it stopped.
///
/// Operators share the cache's write lock with an import: a round of storing ends when its time
/// is up (`lockBudget`) and is scored at once; alone, a transaction goes on for rounds up to
/// `aloneTurn`, ending at the next round as soon as another writer waits; each transaction takes
/// its turn on the operators' action lock, and incident detection reads outside the lock
/// (docs/performance.md, "Beside an import").
public final class Ingester {
    private let database: AppDatabase
    private let config: Config
    private let clock: any Clock
    /// Lines per transaction at most. A killed import redoes at most one batch.
    public static let defaultBatchSize = 50_000
    public var batchSize = defaultBatchSize
    /// How long a writer who comes may wait for the import, in seconds: a round of storing stops
    /// when the time spent plus what scoring it is expected to take reaches it. Nil: batches of
    /// `batchSize` whatever they take (a cache no one else is using).
    public var lockBudget: Double? = defaultLockBudget
    public static let defaultLockBudget = 0.05
    /// How long a transaction goes on, round after scored round, while no other connection has
    /// written for `busyFor` seconds and none waits (an operator's action, or any heed's writer
    /// kept waiting by SQLite: `BusyKnock`). Each commit writes every page the transaction
    /// changed, and a short one's pages are mostly a page of each spread index per mention:
    /// the varied million took 164.5 s in 50 ms transactions, 116.0 s in one-second ones.
    public var aloneTurn = defaultAloneTurn
    public static let defaultAloneTurn = 1.0
    /// A budget given in milliseconds, as `heed ingest --lock-budget` takes it: 0 for none.
    public static func lockBudget(milliseconds: Double) -> Double? { milliseconds > 0 ? milliseconds / 1000 : nil }
    /// The most a turn holds the lock while operators act beside the import (another connection
    /// committed in the last `busyFor` seconds). An operator who knocks waits for what the turn
    /// has stored to be scored, and with 50 ms turns the slowest actions waited longer than the
    /// 50 ms they may (beside the bench's import, p99 55 – 60 ms; with 30 ms turns, 47 ms, the
    /// import 3,578 mentions/s instead of 4,277 – 4,971). Alone, the import keeps `lockBudget`.
    public static let busyLockBudget = 0.03
    static let busyFor: Double = 60

    /// The next turn's rounds and length: rounds of `lockBudget` for up to `aloneTurn` seconds;
    /// one round of `busyLockBudget` (when less) when others wrote within `busyFor` seconds of
    /// `now` (seconds on the same clock as `othersLastWrote`); one round of a whole batch without
    /// a budget.
    static func nextTurn(_ lockBudget: Double?, aloneTurn: Double, othersLastWrote: Double?, now: Double) -> (round: Double?, length: Double?) {
        guard let lockBudget else { return (nil, nil) }
        guard !alone(othersLastWrote: othersLastWrote, now: now) else { return (lockBudget, max(lockBudget, aloneTurn)) }
        let round = min(lockBudget, busyLockBudget)
        return (round, round)
    }

    /// No other connection has committed within `busyFor` seconds of `now` (as far as the turns tell).
    static func alone(othersLastWrote: Double?, now: Double) -> Bool {
        othersLastWrote.map { now - $0 >= busyFor } ?? true
    }

    /// Seconds each recent turn on the operators' lock took (a batch's transaction, or the
    /// incidents found written), for the benchmarks.
    public private(set) var lockHeld: [Double] = []
    /// Rounds stored and scored, in every transaction.
    public private(set) var rounds = 0
    /// What scoring a batch took per record stored, seconds (a running estimate). It starts
    /// high: the first transactions, on a cold cache, were the import's longest.
    private var finishPerRecord = 0.000_3
    /// The operators' action lock: each transaction takes its turn on it with them.
    private lazy var turns = ActionLock(cache: database.path)
    /// Called for each rejected line, as soon as it is found, with the file's path (as given)
    /// and the line's raw bytes.
    public var onReject: ((String, Rejection, [UInt8]?) -> Void)?
    /// Called after each committed batch with the mentions it stored new (the after-ingest hook).
    public var afterBatch: (([IncomingMention]) -> Void)?
    /// Asked after each committed batch: true stops the import there (it resumes from that
    /// batch when run again), as `--watch` does on SIGINT or SIGTERM.
    public var shouldStop: (() -> Bool)?
    /// Moved on as records are read, for a progress line.
    public var progress: IngestProgress?

    /// The import a call with `continues` left going.
    private(set) var continuing: MentionUpsert?
    /// Whether the running import checkpoints the WAL itself (`checkpointingItself`).
    private var checkpointsItself = false

    public init(database: AppDatabase, config: Config, clock: any Clock = SystemClock()) {
        self.database = database
        self.config = config
        self.clock = clock
    }

    /// Imports the file at `path` ("-" for standard input) in `format`, or the format its
    /// content shows when nil.
    public func ingest(path: String, format: (any MentionFormat)? = nil) throws -> IngestReport {
        var outcome: Result<IngestReport, HeedError>?
        try ingest(paths: [path], format: format) { _, result in outcome = result }
        return try outcome!.get()
    }

    /// Imports files one after another, telling `each` how every one went, in order (a file that
    /// cannot be read or told apart does not stop the others).
    ///
    /// Small files share transactions (a connector's feed pages are often a thousand comments
    /// each, and a commit per page cost more than parsing it), and the next file is read and
    /// parsed on its reader thread while the current one is stored. A file joins a shared
    /// transaction only once its first records are parsed, which is where a file that cannot be
    /// read or told apart fails; a read error later in a file rolls its transaction back and
    /// stops the import (what was committed stays; running it again resumes).
    public func ingest(paths: [String], format: (any MentionFormat)? = nil,
                       each: (String, Result<IngestReport, HeedError>) throws -> Void) throws {
        dropPlanAhead()
        let resumeAutoCheckpoint = try checkpointingItself()
        defer { resumeAutoCheckpoint() }
        let upsert = MentionUpsert(config: config, now: clock.now())
        // Read once, before any transaction: files are opened ahead from inside one.
        let positions = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT source, fingerprint, byte_offset, line FROM import_position")
                .reduce(into: [String: SavedPosition]()) { $0[$1["source"]] = SavedPosition(fingerprint: $1["fingerprint"], offset: $1["byte_offset"], line: $1["line"]) }
        }
        var files = FileQueue(paths: paths) { path in
            do { return .success(try self.open(path: path, format: format, positions: positions)) } catch let error as HeedError {
                return .failure(error)
            } catch {
                return .failure(HeedError("\(path): \(error)", .unreadable))
            }
        }
        var run = files.next()
        while let first = run {
            if shouldStop?() == true, case .success(let file) = first.file {
                file.report.interrupted = true
                try detectIncidents(upsert, atEnd: true)
                try logIngest(file.report)
                try each(first.path, .success(file.report))
                return
            }
            var outcomes: [(String, Result<IngestReport, HeedError>)] = []
            var fresh: [IncomingMention] = []
            try transaction(upsert, while: { run != nil && shouldStop?() != true }) { db, budget in
                var records = 0
                while records < batchSize, !budget.spent(records), let current = run {
                    guard case .success(let file) = current.file else {
                        if case .failure(let error) = current.file { outcomes.append((current.path, .failure(error))) }
                        run = files.next()
                        continue
                    }
                    let chunk: ParsedChunks.Chunk
                    do {
                        chunk = try file.chunks.next()
                    } catch let error as HeedError where Self.skipsFile(error) {
                        guard !file.started else {
                            throw HeedError(error.message + "; the import stopped, keeping what it had committed (running it again resumes)",
                                            error.kind, hint: error.hint)
                        }
                        outcomes.append((current.path, .failure(error)))
                        run = files.next()
                        continue
                    }
                    file.started = true
                    records += chunk.items.count
                    progress?.advance(chunk.items.count, file: current.path, offset: chunk.nextOffset)
                    file.report.format = chunk.format ?? file.report.format
                    file.position = (chunk.nextOffset, chunk.lastLine)
                    for (index, item) in chunk.items.enumerated() {
                        switch item {
                        case .mention(let mention):
                            let outcome = try upsert.store(mention, reading: chunk.readings.isEmpty ? nil : chunk.readings[index], in: db)
                            self.count(outcome, into: &file.report)
                            if outcome == .new && afterBatch != nil { fresh.append(mention) }
                        case .rejected(let rejection, let raw):
                            file.report.rejected += 1
                            onReject?(current.path, rejection, raw)
                        case .blank: break
                        }
                    }
                    guard chunk.isLast else { continue }
                    try self.logIngest(file.report, in: db)
                    if file.resumable { try db.execute(sql: "DELETE FROM import_position WHERE source = ?", arguments: [file.source]) }
                    outcomes.append((current.path, .success(file.report)))
                    run = files.next()
                }
                return records
            } end: { db in
                // The position is committed with the rows it covers: a killed import resumes exactly here.
                if let current = run, case .success(let file) = current.file, file.started, file.resumable {
                    try db.execute(sql: """
                        INSERT INTO import_position (source, fingerprint, byte_offset, line, updated_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (source) DO UPDATE SET fingerprint = excluded.fingerprint, byte_offset = excluded.byte_offset,
                            line = excluded.line, updated_at = excluded.updated_at
                        """, arguments: [file.source, file.fingerprint, file.position.offset, file.position.line, clock.now()])
                }
            }
            try detectIncidents(upsert, atEnd: run == nil)
            for (path, outcome) in outcomes { try each(path, outcome) }
            if !fresh.isEmpty { afterBatch?(fresh) }
        }
    }

    /// Errors that concern one file only: the others are still imported.
    public static func skipsFile(_ error: HeedError) -> Bool {
        error.kind == .unreadable || error.kind == .badData
    }

    /// The files of one import, opened one ahead so the next is parsing while the current is
    /// stored. Standard input is not read ahead: it is read when its turn comes.
    private struct FileQueue {
        let paths: [String]
        let open: (String) -> Result<OpenFile, HeedError>
        var index = 0
        var ahead: Result<OpenFile, HeedError>?

        init(paths: [String], open: @escaping (String) -> Result<OpenFile, HeedError>) {
            (self.paths, self.open) = (paths, open)
        }

        mutating func next() -> (path: String, file: Result<OpenFile, HeedError>)? {
            guard index < paths.count else { return nil }
            let path = paths[index]
            let file = ahead ?? open(path)
            index += 1
            ahead = index < paths.count && paths[index] != "-" ? open(paths[index]) : nil
            return (path, file)
        }
    }

    /// A file opened for import, its reader already parsing, and how far its import has come.
    final class OpenFile {
        let fd: Int32
        let source: String
        let resumable: Bool
        let fingerprint: String
        let chunks: ParsedChunks
        var report: IngestReport
        var position: (offset: Int64, line: Int) = (0, 0)
        /// Some of its records are stored (in the open transaction or before).
        var started = false

        init(fd: Int32, source: String, resumable: Bool, fingerprint: String, chunks: ParsedChunks, resumedAtLine: Int) {
            (self.fd, self.source, self.resumable, self.fingerprint, self.chunks) = (fd, source, resumable, fingerprint, chunks)
            report = IngestReport(source: source)
            report.resumedAtLine = resumedAtLine
        }

        deinit {
            chunks.cancel()
            if fd > 0 { close(fd) }
        }
    }

    /// Where an interrupted import of a file stopped.
    struct SavedPosition {
        var fingerprint: String
        var offset: Int64
        var line: Int
    }

    private func open(path: String, format: (any MentionFormat)?, positions: [String: SavedPosition]) throws -> OpenFile {
        if path == "-" { return try open(fd: 0, source: "-", resumable: false, format: format, positions: positions) }
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw HeedError("\(path): cannot read: \(String(cString: strerror(errno)))", .unreadable)
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw HeedError("\(path): is a folder, not a file", .unreadable)
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        do {
            return try open(fd: fd, source: absolute, resumable: (info.st_mode & S_IFMT) == S_IFREG, format: format, positions: positions)
        } catch {
            close(fd)
            throw error
        }
    }

    private func open(fd: Int32, source: String, resumable: Bool, format: (any MentionFormat)?,
                      positions: [String: SavedPosition]) throws -> OpenFile {
        var start: (offset: Int64, line: Int) = (0, 1)
        var fingerprint = ""
        if resumable {
            fingerprint = try Self.fingerprint(fd: fd)
            if let saved = positions[source], saved.fingerprint == fingerprint {
                start = (saved.offset, saved.line + 1)
            }
            guard lseek(fd, off_t(start.offset), SEEK_SET) == off_t(start.offset) else {
                throw HeedError("\(source): cannot seek in the file", .unreadable)
            }
        }
        let chunks = ParsedChunks(fd: fd, offset: start.offset, firstLine: start.line, source: source, format: format,
                                   context: FormatContext(config: config), reader: MentionReader(config: config))
        return OpenFile(fd: fd, source: source, resumable: resumable, fingerprint: fingerprint, chunks: chunks,
                        resumedAtLine: start.line - 1)
    }

    /// Imports mentions made in memory (the demo, connectors built into heed), in the same batches;
    /// `alongside` writes in the last batch's transaction (a connector's new cursor: committed
    /// with the mentions it covers, or not at all).
    public func ingest<S: Sequence<IncomingMention>>(mentions: S, source: String) throws -> IngestReport {
        try ingest(mentions: mentions, source: source, alongside: nil)
    }

    /// Imports mentions as `ingest(mentions:source:)` does, `mentions` being made on a thread of
    /// their own (the demo's generator, on the second core) that also reads each text for triage
    /// there (`MentionReading`): the writer's thread only stores.
    public func ingest<S: Sequence<IncomingMention>>(madeAhead mentions: S, source: String) throws -> IngestReport {
        let reader = MentionReader(config: config)
        return try ingest(read: MadeAhead(mentions.lazy.map { ($0, Optional(reader.read($0))) }), source: source, continues: false, alongside: nil)
    }

    /// With `continues`, more of the same import follows in the next call (a connector's backlog,
    /// stored batch by batch): the complaints it stored wait for incident detection with the
    /// next call's, as an import's batches do, until a call without it or `finishContinuing`.
    func ingest<S: Sequence<IncomingMention>>(mentions: S, source: String, continues: Bool = false,
                                              alongside: ((Database) throws -> Void)?) throws -> IngestReport {
        try ingest(read: mentions.lazy.map { ($0, nil) }, source: source, continues: continues, alongside: alongside)
    }

    /// Mentions each with its text's reading for triage, when it was worked out ahead.
    private func ingest<S: Sequence<(IncomingMention, MentionReading?)>>(read mentions: S, source: String, continues: Bool,
                                                                         alongside: ((Database) throws -> Void)?) throws -> IngestReport {
        dropPlanAhead()
        let resumeAutoCheckpoint = try checkpointingItself(mentions.underestimatedCount >= Self.checkpointingFrom)
        defer { resumeAutoCheckpoint() }
        var report = IngestReport(source: source)
        // A call that fails leaves nothing to go on with: its complaints may have been rolled back.
        let upsert = continuing.map { $0.resumed(now: clock.now()) } ?? MentionUpsert(config: config, now: clock.now())
        continuing = nil
        var iterator = mentions.makeIterator()
        var finished = false
        while !finished {
            try transaction(upsert, while: { !finished }) { db, budget in
                var records = 0
                // Whether an operator waits is asked every few records (two system calls).
                while records < batchSize && (records % 32 != 0 || !budget.spent(records)) {
                    guard let (mention, reading) = iterator.next() else {
                        finished = true
                        break
                    }
                    count(try upsert.store(mention, reading: reading, in: db), into: &report)
                    records += 1
                    progress?.advance(1)
                }
                return records
            } end: { db in
                if finished { try alongside?(db) }
            }
            try detectIncidents(upsert, atEnd: finished && !continues)
        }
        try writePlanAhead(upsert)
        try logIngest(report)
        if continues { continuing = upsert }
        return report
    }

    /// Looks for incidents among the complaints a call with `continues` left waiting.
    func finishContinuing() throws {
        guard let upsert = continuing else { return }
        continuing = nil
        try detectIncidents(upsert, atEnd: true)
    }

    /// One transaction, in turn with the operators' actions: rounds of storing (`round` returns
    /// how many records it stored), each scored at once, while `more` holds and the turn lasts;
    /// then `end` writes what is committed with them.
    private func transaction(_ upsert: MentionUpsert, while more: () -> Bool, round: (Database, Budget) throws -> Int,
                             end: (Database) throws -> Void) throws {
        try takingTurns {
            let next = nextTurn
            let budget = Budget(limit: next.round, turn: next.length, finishPerRecord: finishPerRecord, turns: turns)
            // The rules' changes of a conversation still fire triggers that journal what they change.
            try database.writeManyRows { db in
                try upsert.begin(db)
                defer { upsert.end() }
                repeat {
                    try finishBatch(upsert, records: try round(db, budget), budget: budget, in: db)
                } while more() && budget.anotherRound()
                try end(db)
            }
            rounds += budget.rounds
            // The last round's scoring and the commit, as the next round's estimate.
            finishPerRecord = budget.learnt(until: budget.elapsed)
        }
    }

    /// While it runs, the import checkpoints the WAL itself, once the operators' turn is given
    /// back, rather than SQLite at the commit that passes a thousand pages: that commit is
    /// inside the turn, and copying the pages held it up to 300 ms (an operator's slowest actions
    /// beside an import were those). Not for a few mentions (a reply sent, a quiet poll): one
    /// commit, and a checkpoint each would only slow them. Returns what sets it back, after a
    /// last checkpoint: the next commit, maybe an operator's, would otherwise copy what is left.
    ///
    /// Alone, it waits until the WAL holds `checkpointPages`. A transaction short enough for the
    /// operators still writes a leaf of every index it inserts into, some two thousand pages;
    /// copying them after every transaction, with two fsyncs, took a fifth of an import's time,
    /// and many of them are written again by the next transactions (300,000 varied mentions:
    /// 36 s checkpointing after each transaction, 30 s at 16,000 pages, 25 s at 48,000). Once
    /// another connection has committed since its last turn (operators acting beside it), it
    /// checkpoints after every turn: their connections checkpoint past a thousand pages inside
    /// their own commits, and would otherwise copy what the import left (actions p99 58 ms
    /// against 50 beside the bench's import).
    private func checkpointingItself(_ worthIt: Bool = true) throws -> () -> Void {
        guard worthIt, turns != nil else { return {} }
        let pages = try database.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? 1_000
            walPages.watch(db)
            return pages
        }
        checkpointsItself = true
        dataVersion = nil
        return { [self] in
            checkpointsItself = false
            if walPages.count > 0 { try? checkpoint() }
            try? database.writeWithoutTransaction { db in try walPages.stop(db, autocheckpoint: pages) }
        }
    }

    private func checkpoint() throws {
        try database.writeWithoutTransaction { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        checkpoints += 1
    }

    /// Pages in the WAL, as SQLite tells after each commit of the import's connection.
    private let walPages = WALPages()
    /// 64 MB of 4 KB pages: on disk while an import runs, not in memory; the most an operator's
    /// first commit after a lone stretch of the import copies.
    var checkpointPages = 16_000
    /// The connection's `data_version` at the import's last turn: it moves when another
    /// connection commits.
    private var dataVersion: Int?
    /// Checkpoints the import did while it ran and at its end, for the tests.
    private(set) var checkpoints = 0

    /// Mentions made in memory from which an import checkpoints itself.
    static let checkpointingFrom = 100

    /// Incidents among the complaints stored since they were last looked for, once there are
    /// `detectionBatch` of them or the import is `atEnd`: looked for outside the lock, and written
    /// in turns of their own when there are any. Every `detectionBatch` complaints and at
    /// the end of an import, whatever its transactions: when they end depends on the machine's
    /// speed, and what is found must not.
    ///
    /// Alone, and with more to store, an import works the plan out on a reader thread while it
    /// stores the next batch, and writes it before the next plan: the plan sees the same
    /// snapshot either way, and nothing the storing does reads what a plan writes. With
    /// operators about it plans in line, as they would share the cores with it.
    private func detectIncidents(_ upsert: MentionUpsert, atEnd: Bool) throws {
        try writePlanAhead(upsert)
        guard upsert.pendingComplaints > 0, atEnd || upsert.pendingComplaints >= detectionBatch else { return }
        upsert.takeComplaints()
        if !atEnd && plansAhead && Self.alone(othersLastWrote: othersLastWrote, now: Self.seconds()),
           let ahead = try database.readAhead({ db in try upsert.planTaken(reading: db) }) {
            (planAhead, plannedAhead) = (ahead, plannedAhead + 1)
            return
        }
        try writeIncidents(try database.read { db in try upsert.planTaken(reading: db) }, upsert)
    }

    /// Whether incident detection may run beside the storing (`detectIncidents`); the tests
    /// compare what it finds with what it finds in line.
    var plansAhead = true
    /// The plan being worked out beside the storing.
    private var planAhead: ReadAhead<IncidentPlan>?
    /// Plans worked out beside the storing, for the tests.
    private(set) var plannedAhead = 0

    /// Writes the plan worked out beside the storing, once it is done.
    private func writePlanAhead(_ upsert: MentionUpsert) throws {
        guard let ahead = planAhead else { return }
        planAhead = nil
        try writeIncidents(try ahead.wait(), upsert)
    }

    /// A plan left by an import that failed is waited for and dropped: its complaints were
    /// committed, but the next import is another's, which must not fail for it.
    private func dropPlanAhead() {
        _ = try? planAhead?.wait()
        planAhead = nil
    }

    /// Writes the incidents `plan` found.
    private func writeIncidents(_ plan: IncidentPlan, _ upsert: MentionUpsert) throws {
        var rest = plan
        // In turns like the storing's: an outage's thousands of complaints join their incident
        // in several.
        while !rest.isEmpty {
            try takingTurns {
                let budget = Budget(limit: nextTurn.round, turn: nil, finishPerRecord: 0, turns: turns)
                try database.writeManyRows { db in rest = try upsert.applyIncidents(rest, in: db) { budget.spent(1) } }
            }
        }
    }

    var detectionBatch = 5_000

    /// Holds the action lock for `body`, then rests a moment so that an operator woken as it
    /// was let go takes it before the next batch does, and checkpoints what `body` wrote while
    /// they act (`checkpointingItself`).
    private func takingTurns(_ body: () throws -> Void) throws {
        guard let turns else { return try body() }
        try turns.holding {
            let began = DispatchTime.now().uptimeNanoseconds
            defer {
                if lockHeld.count >= 10_000 { lockHeld.removeFirst(5_000) }
                lockHeld.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9)
            }
            try body()
        }
        usleep(Self.restMicroseconds)
        guard checkpointsItself else { return }
        let others = try othersWrote()
        if others { othersLastWrote = Self.seconds() }
        if others || walPages.count >= checkpointPages { try checkpoint() }
    }

    /// When another connection last committed between two of the import's turns (`seconds()`).
    private var othersLastWrote: Double?

    private var nextTurn: (round: Double?, length: Double?) {
        Self.nextTurn(lockBudget, aloneTurn: aloneTurn, othersLastWrote: othersLastWrote, now: Self.seconds())
    }

    private static func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Whether another connection committed since the last time this was asked.
    private func othersWrote() throws -> Bool {
        let version = try database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA data_version") }
        defer { dataVersion = version }
        return dataVersion != nil && version != dataVersion
    }

    static let restMicroseconds: UInt32 = 1_000

    /// The batch's triage, said on the progress line while it runs.
    private func finishBatch(_ upsert: MentionUpsert, records: Int, budget: Budget, in db: Database) throws {
        progress?.doing("scoring")
        defer { progress?.doing(nil) }
        budget.stored(records)
        try upsert.finishBatch(in: db)
    }

    /// When a round's time is up: the time since it began plus what scoring and committing what
    /// it stored is expected to take reaches the limit, or another writer is waiting for the lock
    /// (then the round ends with what it has); and whether the turn has time for another round.
    final class Budget {
        /// A round's, and the whole turn's (nil: one round).
        let limit: Double?
        let turn: Double?
        private(set) var finishPerRecord: Double
        let turns: ActionLock?
        private let began = DispatchTime.now().uptimeNanoseconds
        /// When the round began, and when its storing ended (seconds into the transaction).
        private var roundBegan = 0.0
        private var stored = 0.0
        /// Records the round stored.
        private var records = 0
        private(set) var rounds = 1

        init(limit: Double?, turn: Double?, finishPerRecord: Double, turns: ActionLock?) {
            (self.limit, self.turn, self.finishPerRecord, self.turns) = (limit, turn, finishPerRecord, turns)
        }

        var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9 }

        func spent(_ records: Int) -> Bool {
            guard let limit, records > 0 else { return false }
            return elapsed - roundBegan + Double(records) * finishPerRecord >= limit || turns?.othersWaiting() == true
        }

        func stored(_ count: Int) {
            (records, stored) = (count, elapsed)
        }

        /// What scoring a record took, from the round's end of storing to `end`, in a running estimate.
        func learnt(until end: Double) -> Double {
            guard records > 0 else { return finishPerRecord }
            return 0.5 * finishPerRecord + 0.5 * (end - stored) / Double(records)
        }

        /// Called once a round is scored: true when another fits in the turn and no one waits (it begins).
        func anotherRound() -> Bool {
            let now = elapsed
            guard let limit, let turn, now + limit <= turn, turns?.othersWaiting() != true else { return false }
            finishPerRecord = learnt(until: now)
            (roundBegan, records, rounds) = (now, 0, rounds + 1)
            return true
        }
    }

    private func count(_ outcome: MentionUpsert.Outcome, into report: inout IngestReport) {
        switch outcome {
        case .new: report.new += 1
        case .updated: report.updated += 1
        case .unchanged: report.unchanged += 1
        }
    }

    private func logIngest(_ report: IngestReport) throws {
        guard report.total > 0 else { return }
        try database.write { db in try logIngest(report, in: db) }
    }

    private func logIngest(_ report: IngestReport, in db: Database) throws {
        guard report.total > 0 else { return }
        try EventLog.append(db, at: clock.now(), by: EventLog.ingestOperator, kind: .ingest, subject: report.source,
                            after: JSONWriter.object([("new", .number(String(report.new))), ("updated", .number(String(report.updated))),
                                                      ("unchanged", .number(String(report.unchanged))), ("rejected", .number(String(report.rejected)))]))
    }


    /// Identifies a file's content cheaply (its first 64 KiB), so a resumed import is the same file.
    static func fingerprint(fd: Int32) throws -> String {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        guard count >= 0 else { throw HeedError("cannot read: \(String(cString: strerror(errno)))", .unreadable) }
        let hash = FNV1a.hash(buffer[0..<count])
        return "\(count):\(String(hash, radix: 16))"
    }
}
