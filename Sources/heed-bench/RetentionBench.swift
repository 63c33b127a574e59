import ArgumentParser
import Foundation
import GRDB
import HeedCore

/// The daily retention pass on a large cache, with an operator acting beside it.
struct RetentionBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "One day's retention on a 1M cache (target < 30 s), and an operator's action latency meanwhile (target p99 < 50 ms).")

    @OptionGroup var options: BenchOptions

    @Option(help: "Mentions in the cache (made with `heed ingest` when missing).")
    var count = 1_000_000

    @Option(help: "Open conversations in the cache; the rest are resolved (or spam, or waiting, as imported).")
    var open = 20_000

    @Option(help: "Milliseconds the operator waits between actions.")
    var pause = 5.0

    func run() throws {
        try options.prepare()
        let config = try ExampleConfig.load()
        let cache = try options.cache(mentions: count, open: open, config: config, name: "retention")
        let database = try AppDatabase.open(path: cache)
        let oldest = try unwrap(database.read { db in
            try Int64.fetchOne(db, sql: "SELECT min(last_at) FROM conversation WHERE status IN ('resolved', 'spam')")
        })
        // Retention of 30 days, the clock where nothing is due yet; then a day later, a day's worth.
        let policy = RetentionPolicy(days: 30)
        let before = oldest + 30 * 86_400_000
        _ = try Retention.enforce(database, policy: policy, now: before)
        let now = before + 86_400_000

        let operatorDatabase = try AppDatabase.open(path: cache)
        let service = ActionService(database: operatorDatabase, config: config, clock: SystemClock())
        let actor = config.operators[0]
        let ids = try operatorDatabase.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM conversation WHERE status = 'open' ORDER BY id LIMIT 500") }
        let latencies = Latencies()
        let stop = DispatchSemaphore(value: 0), stopped = DispatchSemaphore(value: 0)
        let pauseMicroseconds = useconds_t(pause * 1000)
        Thread.detachNewThread {
            var round = 0
            while stop.wait(timeout: .now()) == .timedOut {
                let id = ids[(round / 2) % ids.count]
                let start = DispatchTime.now()
                let tag = round % 2 == 0 ? TriageCommand.tag(add: ["+retention-bench"], remove: []) : .tag(add: [], remove: ["-retention-bench"])
                if (try? service.perform(tag, on: id, by: actor)) != nil { latencies.add(milliseconds(since: start)) } else { latencies.fail() }
                round += 1
                usleep(pauseMicroseconds)
            }
            stopped.signal()
        }

        let start = DispatchTime.now()
        let report = try Retention.enforce(database, policy: policy, now: now)
        let seconds = milliseconds(since: start) / 1000
        stop.signal()
        stopped.wait()
        print("one day's retention on \(count) mentions: \(report.conversations) conversations, \(report.mentions) messages, "
            + "\(report.eventsRedacted) log entries, \(report.contacts) customers' names in \(format(seconds, 1)) s (target < 30 s)")
        let sorted = latencies.values.sorted()
        print("an operator tagging meanwhile (\(format(pause, 0)) ms between actions): \(sorted.count) actions, \(latencies.failures) failed; "
            + "median \(format(ActionsRun.percentile(sorted, 0.5), 1)) ms, p99 \(format(ActionsRun.percentile(sorted, 0.99), 1)) ms, "
            + "max \(format(sorted.last ?? 0, 1)) ms (target p99 < 50 ms)")
        let audit = try AuditReport.verify(database)
        print("event log afterwards: " + (audit.isWhole ? "whole, \(audit.redacted) entries redacted" : "NOT whole: \(audit.problems.first ?? "")"))
    }
}

/// Latencies gathered on one thread and read on another.
private final class Latencies: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Double] = []
    private var failed = 0
    var values: [Double] { lock.withLock { items } }
    var failures: Int { lock.withLock { failed } }
    func add(_ value: Double) { lock.withLock { items.append(value) } }
    func fail() { lock.withLock { failed += 1 } }
}

private func unwrap<T>(_ value: T?) throws -> T {
    guard let value else { throw ValidationError("the cache has no resolved conversations") }
    return value
}
