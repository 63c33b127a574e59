import ArgumentParser
import Foundation
import GRDB
import HeedCore

struct TriageBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Scoring rate on one core, re-scoring 100,000 open conversations, and the queue's first page on a 1M cache.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Mentions scored for the rate.")
    var scored = 500_000

    @Option(help: "Mentions in the cache (made with `heed ingest` when missing).")
    var count = 1_000_000

    @Option(help: "Open conversations in the cache; the rest are resolved.")
    var open = 100_000

    @Flag(help: "Only the scoring rate (no cache is built).")
    var rateOnly = false

    func run() throws {
        try options.prepare()
        let config = try ExampleConfig.load()
        try scoringRate(config: config)
        if rateOnly { return }
        let cache = try options.cache(mentions: count, open: open, config: config, name: "triage")
        let database = try AppDatabase.open(path: cache)
        let triager = Triager(config: config)

        // Re-score every open conversation, the clock jumping between a week before the data
        // (no SLA used) and a day after (all breached), so that every priority changes each time.
        var now = benchNow
        var times: [Double] = []
        var changed = 0
        for run in 0..<5 {
            now = run % 2 == 0 ? benchNow + 86_400_000 : benchNow - 7 * 86_400_000
            let start = DispatchTime.now()
            changed = try triager.catchUp(database, now: now)
            times.append(milliseconds(since: start))
        }
        times.sort()
        print("re-score \(open) open conversations (clock's part): median \(format(times[2])) ms, max \(format(times[4])) ms "
            + "(\(changed) changed in the last run; target < 500 ms)")

        // The usual case: a minute passes, every row is read and only those that moved are written.
        now = benchNow
        try triager.catchUp(database, now: now)
        var minutes: [Double] = []
        for _ in 0..<5 {
            now += 60_000
            let start = DispatchTime.now()
            changed = try triager.catchUp(database, now: now)
            minutes.append(milliseconds(since: start))
        }
        minutes.sort()
        print("re-score \(open) open conversations a minute later: median \(format(minutes[2])) ms (\(changed) changed in the last run; target < 150 ms)")

        // The whole triage of every open conversation (signals, rules, reasons) at once.
        let start = DispatchTime.now()
        let triaged = try triager.retriageOpen(database, now: now)
        print("full triage of \(triaged) open conversations: \(format(milliseconds(since: start))) ms")

        var pages: [Double] = []
        for _ in 0..<50 {
            let start = DispatchTime.now()
            let rows = try database.read { db in try Queue.open(db, limit: 50) }
            pages.append(milliseconds(since: start))
            guard rows.count == 50 else { throw ValidationError("the queue has fewer than 50 rows") }
        }
        let first = pages[0]
        pages.sort()
        print("queue first page (50 rows, in process) on \(count) mentions with \(open) open: first \(format(first, 2)) ms, "
            + "median \(format(pages[25], 2)) ms, max \(format(pages[49], 2)) ms (target < 20 ms)")
    }

    /// Mentions per second through the text analysis and the priority model, on one core.
    private func scoringRate(config: Config) throws {
        let texts = DemoGenerator(size: scored, seed: 9, now: benchNow, config: config).map(\.text)
        let analyzer = MessageAnalyzer(keywords: config.triage.keywords)
        var total = 0.0
        let start = DispatchTime.now()
        for (index, text) in texts.enumerated() {
            var signals = TriageSignals(analysis: analyzer.analyze(text), channel: "x")
            signals.followers = index % 10_000
            total += PriorityModel.staticPart(signals, settings: config.triage).points
        }
        let seconds = milliseconds(since: start) / 1000
        print("scoring: \(scored) mentions in \(format(seconds, 2)) s = \(Int(Double(scored) / seconds)) mentions/s on one core "
            + "(target ≥ 200,000; checksum \(Int(total)))")
    }
}
