import ArgumentParser
import Foundation
import HeedCore
import HeedTUI

/// `heed report` over 30 days of a large cache, timed as a lead runs it: from process start.
struct ReportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The 30-day report over a 1M-mention cache from process start (target < 1 s), by each grouping, with peak memory; the screen's Reports view on the same cache (first draw < 200 ms).")

    @OptionGroup var options: BenchOptions

    @Option(help: "Mentions in the cache (made with `heed ingest` when missing).")
    var count = 1_000_000

    @Option(help: "Open conversations in the cache; the rest are resolved.")
    var open = 60_000

    @Option(help: "Runs of each report.")
    var runs = 5

    @Option(help: ArgumentHelp("Also copy the cache into this empty PostgreSQL database and time the reports read from it.", valueName: "url"))
    var store: String?

    func run() throws {
        try options.prepare()
        let config = try ExampleConfig.load()
        let cache = try options.cache(mentions: count, open: open, config: config, name: "report")
        let configFile = options.configFile
        let since = RFC3339.string(fromMilliseconds: benchNow - 30 * 86_400_000), until = RFC3339.string(fromMilliseconds: benchNow)
        print("30 days (\(since) – \(until)) of \(count) mentions, \(open) conversations open; \(runs) runs each, release heed from process start")
        var reports = [("by channel, text", ["--by", "channel"]), ("by day, text", ["--by", "day"]), ("by operator, JSON", ["--by", "operator", "--json"]),
                       ("by week, CSV", ["--by", "week", "--csv"])]
        if let store {
            let (exit, time) = try options.measured([options.heedBinary, "store", "migrate", "--to", store, "--cache", cache, "--config", configFile, "--quiet"],
                                                    stdout: "\(options.dir)/report.out", stderr: "\(options.dir)/report.err")
            guard exit.status == 0 else { throw ValidationError("heed store migrate failed; see \(options.dir)/report.err") }
            print("  copied into PostgreSQL in \(format(time)) ms")
            reports += reports.map { ("from PostgreSQL, \($0.0)", $0.1 + ["--store", store]) }
        }
        for (name, extra) in reports {
            var times: [Double] = []
            var peak = 0
            for _ in 0..<runs {
                let (exit, time) = try options.measured([options.heedBinary, "report", "--cache", cache, "--config", configFile, "--since", since, "--until", until] + extra,
                                                        stdout: "\(options.dir)/report.out", stderr: "\(options.dir)/report.err")
                times.append(time)
                guard exit.status == 0 else { throw ValidationError("heed report failed; see \(options.dir)/report.err") }
                peak = max(peak, exit.maxResidentBytes)
            }
            times.sort()
            print("  \(name): median \(format(times[times.count / 2])) ms, slowest \(format(times.last!)) ms, peak memory \(format(Double(peak) / 1_048_576)) MB")
        }
        try reportsView(cache, config: config)
        try handover(cache, config: config)
        options.removeCache(cache)
    }

    /// A shift ended on the same cache after its operator answered 200 conversations first:
    /// the handover works out their measures inside the end's one write.
    private func handover(_ cache: String, config: Config) throws {
        let database = try AppDatabase.open(path: cache)
        let clock = FixedClock(benchNow)
        let service = ActionService(database: database, config: config, clock: clock)
        let actor = try firstOperator(config)
        _ = try service.startShift(by: actor, intro: "On shift for the benchmark", until: benchNow + 8 * 3_600_000)
        let open = try database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM conversation WHERE status = 'open' ORDER BY id LIMIT 400") }
        var answered: [Int64] = []
        for id in open where answered.count < 200 {
            clock.advance(seconds: 5)
            if (try? service.reply(to: id, text: "Sorry about that, we are looking into it now.", by: actor)) != nil { answered.append(id) }
        }
        clock.advance(seconds: 60)
        let start = DispatchTime.now()
        let ended = try service.endShift(by: actor, note: "benchmark")
        let took = milliseconds(since: start)
        let measuring = DispatchTime.now()
        _ = try database.read { db in try Report.measures(db, conversations: answered, config: config, now: clock.now()) }
        print("ending a shift that answered \(answered.count) conversations first: \(format(took)) ms in its one write, of which its handover's "
            + "measures (\(ended.handover?.measures?.heard.answered ?? 0) conversations) \(format(milliseconds(since: measuring))) ms")
        try database.close()
    }

    private func firstOperator(_ config: Config) throws -> Operator {
        guard let actor = config.operators.first(where: { $0.role == .lead }) ?? config.operators.first else {
            throw ValidationError("the example config names no operator")
        }
        return actor
    }

    /// The screen's Reports view on the same cache, in this process as the screen has it: the
    /// key to its first frame, the count of its figures (on its own thread on the screen), and
    /// the frame drawn with them, each the median of `runs`.
    private func reportsView(_ cache: String, config: Config) throws {
        let database = try AppDatabase.open(path: cache)
        var state = AppState(brand: "Northwind Bank", width: 80, height: 24, now: benchNow)
        var frame: [Double] = [], count: [Double] = [], drawn: [Double] = []
        var digest: ReportDigest?
        for _ in 0..<runs {
            state.showingReports = false
            state.digest = nil
            var start = DispatchTime.now()
            _ = state.handle(.key(.char("%")))
            _ = RootScreen.render(state)
            frame.append(milliseconds(since: start))
            start = DispatchTime.now()
            digest = try ReportDigest.make(database, config: config, now: benchNow)
            count.append(milliseconds(since: start))
            start = DispatchTime.now()
            _ = state.handle(.reportsCounted(.success(digest!)))
            _ = RootScreen.render(state)
            drawn.append(milliseconds(since: start))
        }
        let median = { (times: [Double]) in format(times.sorted()[times.count / 2]) }
        print("the Reports view at 80x24 (7 days: \(digest?.week.heard.mentionsIn ?? 0) mentions in, \(digest?.week.heard.opened ?? 0) conversations opened): "
            + "key to first frame \(median(frame)) ms (target < 200 ms), counting its figures \(median(count)) ms, the frame with them \(median(drawn)) ms")
        try database.close()
    }
}
