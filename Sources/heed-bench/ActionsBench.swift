import ArgumentParser
import Foundation
import GRDB
import HeedCore

/// Operators acting at once on the same conversations, each a process of its own.
struct ActionsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions",
        abstract: "Action latency with 8 operator processes at once on 200 conversations, and whether the event log still replays to the cache.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Operator processes.")
    var operators = 8

    @Option(help: "Actions each.")
    var count = 2_000

    @Option(help: "Conversations they share.")
    var conversations = 200

    @Option(help: "For a second run: milliseconds each operator waits between actions (0: no second run).")
    var pause = 5.0

    @Option(help: "Mentions of a file imported into the same cache while the operators act (0: none); the import stops when they are done.")
    var besideImport = 0

    @Option(help: "A file of one's own imported beside them instead (the hostile corpus, say); the import ends with the file or when they are done.")
    var besideFile: String?

    @Option(help: "The import's lock budget in milliseconds, as `heed ingest --lock-budget` takes it.")
    var lockBudget = Ingester.defaultLockBudget * 1000

    func run() throws {
        // Only this binary runs (as each operator's process): no release `heed` to build.
        try FileManager.default.createDirectory(atPath: options.dir, withIntermediateDirectories: true)
        let cache = "\(options.dir)/actions.sqlite"
        let importFile = besideFile ?? "\(options.dir)/beside-import.jsonl"
        if besideImport > 0 && besideFile == nil {
            try IngestBench.writeLines(BenchCorpus.demo.mentions(besideImport, config: try ActionsRun.config(operators: operators)), to: importFile)
        }
        let importing = besideImport > 0 || besideFile != nil
        // Flat out (every process acting back to back: on 2 cores, 8 processes queue for the CPU
        // too), then at a pace still far above a person's. Beside an import, only the run at the
        // operators' pace: flat out, eight processes and the import only contend for the two cores.
        for pause in importing ? [pause] : pause > 0 ? [0, pause] : [0] {
            let beside = importing ? BesideImport(file: importFile, operators: operators, lockBudget: Ingester.lockBudget(milliseconds: lockBudget)) : nil
            let result = try ActionsRun.run(worker: CommandLine.arguments[0], cache: cache, folder: options.dir, operators: operators, count: count,
                                            conversations: conversations, pauseMilliseconds: pause, beside: beside)
            if let done = result.besideImport {
                print("beside them, an import of \(besideFile ?? "\(besideImport) mentions") stored \(done.records) at "
                    + "\(format(Double(done.records) / done.seconds, 0)) a second in \(format(done.seconds)) s "
                    + "(target for the operators meanwhile: p99 < 50 ms)")
                let held = done.lockHeld.sorted().map { $0 * 1000 }
                print("  the import's turns on the write lock (\(held.count): its transactions, and the incidents it found written) held it: median \(format(ActionsRun.percentile(held, 0.5), 1)) ms, "
                    + "p99 \(format(ActionsRun.percentile(held, 0.99), 1)) ms, max \(format(held.last ?? 0, 1)) ms (target: ≤ 100 ms; "
                    + "alone, a turn goes on for up to \(format(Ingester.defaultAloneTurn, 1)) s of rounds, ended at the round in which an operator knocks)")
            }
            let latencies = result.latencies.sorted()
            print("\(operators) operator processes × \(count) actions on \(conversations) conversations, "
                + (pause == 0 ? "flat out" : "each pausing \(format(pause, 1)) ms between actions") + ": "
                + "\(result.done) done, \(result.refused) refused, \(result.conflicts) conflicts, \(result.locked) \"database is locked\" in "
                + "\(format(result.seconds)) s")
            print("  action latency: median \(format(ActionsRun.percentile(latencies, 0.5), 2)) ms, p90 \(format(ActionsRun.percentile(latencies, 0.9), 2)) ms, "
                + "p99 \(format(ActionsRun.percentile(latencies, 0.99), 2)) ms, max \(format(latencies.last ?? 0, 2)) ms (targets: median < 5 ms, p99 < 20 ms)")
            print("  event log replayed against the cache: " + (result.disagreements.isEmpty ? "agrees" : "\(result.disagreements.count) disagreements"))
            for line in result.disagreements.prefix(5) { print("  " + line) }
            if !result.disagreements.isEmpty || result.locked > 0 { throw ExitCode(1) }
        }
        try delivery(cache: cache)
    }

    /// Replies queued on every conversation, then one `heed deliver` round through the spool.
    private func delivery(cache: String) throws {
        let config = try ActionsRun.config(operators: 1)
        let database = try AppDatabase.open(path: cache)
        let clock = FixedClock(benchNow)
        let service = ActionService(database: database, config: config, clock: clock)
        let actor = config.operators[0]
        // The operators' conversations (an import beside them added many more).
        let ids = try database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM conversation ORDER BY id LIMIT ?", arguments: [conversations]) }
        var queued = 0
        for round in 0..<10 {
            for id in ids where (try? service.reply(to: id, text: "Sorry about that! DM us, round \(round).", by: actor)) != nil { queued += 1 }
        }
        clock.advance(seconds: 600)
        try? FileManager.default.removeItem(atPath: "\(options.dir)/outbox-spool")
        let start = DispatchTime.now()
        let delivery = Delivery(database: database, config: config, clock: clock)
        let report = try waitFor { try await delivery.runOnce() }
        let seconds = milliseconds(since: start) / 1000
        print("delivery through the spool adapter: \(report.sent) of \(queued) posts in \(format(seconds, 2)) s, "
            + "\(format(Double(report.sent) / seconds, 0)) posts a second (each written, renamed, marked sent and put in its thread)")
    }
}

/// One operator's process: random actions, each timed, as a screen would send them (on the
/// version just read, so others' changes in between make conflicts).
struct ActionsWorker: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "actions-worker", shouldDisplay: false)

    @Option var cache: String
    @Option(name: .customLong("operator")) var handle: String
    @Option var count: Int
    @Option var seed: UInt64
    @Option var out: String
    @Option var operators: Int
    @Option var conversations: Int
    @Option var pause = 0.0

    func run() throws {
        let config = try ActionsRun.config(operators: operators)
        let database = try AppDatabase.open(path: cache)
        let service = ActionService(database: database, config: config, clock: SystemClock())
        guard let actor = config.operator(handle: handle) else { throw ValidationError("no operator \(handle)") }
        // The operators' conversations (an import beside them added many more).
        let ids = try database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM conversation ORDER BY id LIMIT ?", arguments: [conversations]) }
        var random = SeededRandom(seed: seed)
        var lines: [String] = []
        var counts = [0, 0, 0, 0]   // done, refused, conflicts, locked
        for _ in 0..<count {
            let id = ids[Int(random.next() % UInt64(ids.count))]
            let version = try database.read { db in try Int.fetchOne(db, sql: "SELECT version FROM conversation WHERE id = ?", arguments: [id]) } ?? 0
            let start = DispatchTime.now()
            do {
                switch random.next() % 16 {
                case 0: try service.undo(by: actor)
                case 1: try service.redo(by: actor)
                case 2: try service.next(by: actor)
                default: try service.perform(ActionsRun.command(random.next(), config: config), on: id, by: actor, expecting: version)
                }
                counts[0] += 1
            } catch let error as HeedError {
                counts[error.kind == .conflict ? 2 : 1] += 1
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                counts[3] += 1
            }
            lines.append(String(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6))
            if pause > 0 { usleep(UInt32(pause * 1000)) }
        }
        try (counts.map(String.init).joined(separator: " ") + "\n" + lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
}

/// The run both the benchmark and the concurrency test make.
public enum ActionsRun {
    public struct Result {
        public var latencies: [Double] = []
        public var done = 0, refused = 0, conflicts = 0, locked = 0
        public var disagreements: [String] = []
        public var seconds = 0.0
        /// What an import beside the operators did until they were done.
        public var besideImport: BesideImport.Stored?
    }

    /// Operators `op1`…`opN` and a team.
    static func config(operators: Int) throws -> Config {
        let members = (1...max(1, operators)).map { #"{"handle": "op\#($0)", "name": "Operator \#($0)"}"# }
        return try ConfigLoader.parse(#"{"teams": [{"name": "billing"}], "operators": [\#(members.joined(separator: ", "))]}"#, file: "bench").get()
    }

    static func command(_ value: UInt64, config: Config) -> TriageCommand {
        let tags = ["billing", "vip", "callback", "fraud"]
        switch value % 12 {
        case 0, 1: return .tag(add: [tags[Int(value / 12 % 4)]], remove: [])
        case 2: return .tag(add: [], remove: [tags[Int(value / 12 % 4)]])
        case 3: return .assign("op\(value / 12 % UInt64(config.operators.count) + 1)")
        case 4: return .unassign
        case 5: return .resolve
        case 6: return .reopen
        case 7: return .spam
        case 8: return .notSpam
        case 9: return .snooze(until: nil)
        case 10: return .note("called back \(value)")
        default: return .assign("billing")
        }
    }

    public static func run(worker: String, cache: String, folder: String, operators: Int, count: Int, conversations: Int,
                           pauseMilliseconds: Double = 0, beside: BesideImport? = nil) throws -> Result {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: cache + suffix) }
        let database = try AppDatabase.open(path: cache)
        let mentions = (0..<conversations).map { i in
            IncomingMention(channel: "x", sourceID: "a\(i)", text: "my card was charged twice (\(i))", createdAt: benchNow - Int64(i) * 60_000,
                            author: IncomingAuthor(id: "c\(i)", handle: "customer\(i)", followers: i * 10))
        }
        _ = try Ingester(database: database, config: try config(operators: operators), clock: FixedClock(benchNow)).ingest(mentions: mentions, source: "bench")
        try database.close()
        try beside?.start(cache: cache)

        let started = DispatchTime.now()
        let workers = try (1...operators).map { n in
            try ChildProcess.spawn([worker, "actions-worker", "--cache", cache, "--operator", "op\(n)", "--count", String(count),
                                    "--seed", String(n * 7919), "--out", "\(folder)/actions-op\(n).txt", "--operators", String(operators), "--conversations", String(conversations), "--pause", String(pauseMilliseconds)],
                                   stdout: "\(folder)/actions-op\(n).out", stderr: "\(folder)/actions-op\(n).err")
        }
        var result = Result()
        for (index, worker) in workers.enumerated() {
            let exit = worker.wait()
            guard exit.status == 0 else {
                throw ValidationError("operator \(index + 1) failed (exit \(exit.status)); see \(folder)/actions-op\(index + 1).err")
            }
        }
        result.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        result.besideImport = try beside?.finish()
        for n in 1...operators {
            let lines = try String(contentsOfFile: "\(folder)/actions-op\(n).txt", encoding: .utf8).split(separator: "\n")
            let counts = lines[0].split(separator: " ").compactMap { Int($0) }
            result.done += counts[0]
            result.refused += counts[1]
            result.conflicts += counts[2]
            result.locked += counts[3]
            result.latencies += lines.dropFirst().compactMap { Double($0) }
        }
        let reopened = try AppDatabase.open(path: cache)
        result.disagreements = try reopened.read { db in try EventReplay.disagreements(db) }
        return result
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }
}

/// An import running on a thread of its own beside the operators, until told to stop.
public final class BesideImport: @unchecked Sendable {
    /// Mentions stored, in how long, and how long each transaction held the write lock (seconds).
    public typealias Stored = (records: Int, seconds: Double, lockHeld: [Double])

    let file: String
    let operators: Int
    private let lock = NSLock()
    private var stopping = false
    private var outcome: Swift.Result<Stored, Error>?
    private let done = DispatchSemaphore(value: 0)

    let lockBudget: Double?

    init(file: String, operators: Int, lockBudget: Double?) {
        (self.file, self.operators, self.lockBudget) = (file, operators, lockBudget)
    }

    func start(cache: String) throws {
        let config = try ActionsRun.config(operators: operators)
        Thread.detachNewThread { [self] in
            let began = DispatchTime.now()
            let result = Swift.Result { () throws -> Stored in
                let database = try AppDatabase.open(path: cache)
                defer { try? database.close() }
                let ingester = Ingester(database: database, config: config, clock: FixedClock(benchNow))
                ingester.shouldStop = { [self] in lock.withLock { stopping } }
                ingester.lockBudget = lockBudget
                let report = try ingester.ingest(path: file)
                return (report.new + report.updated + report.unchanged, Double(DispatchTime.now().uptimeNanoseconds - began.uptimeNanoseconds) / 1e9,
                        ingester.lockHeld)
            }
            lock.withLock { outcome = result }
            done.signal()
        }
    }

    func finish() throws -> Stored {
        lock.withLock { stopping = true }
        done.wait()
        return try lock.withLock { outcome! }.get()
    }
}
