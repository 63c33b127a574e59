import ArgumentParser
import Foundation
import HeedCore

/// `heed report` over 30 days of a large cache, timed as a lead runs it: from process start.
struct ReportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The 30-day report over a 1M-mention cache from process start (target < 1 s), by each grouping, with peak memory.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Mentions in the cache (made with `heed ingest` when missing).")
    var count = 1_000_000

    @Option(help: "Open conversations in the cache; the rest are resolved.")
    var open = 60_000

    @Option(help: "Runs of each report.")
    var runs = 5

    func run() throws {
        try options.prepare()
        let config = try ExampleConfig.load()
        let cache = try options.cache(mentions: count, open: open, config: config, name: "report")
        let configFile = "\(options.dir)/config.json"
        let since = RFC3339.string(fromMilliseconds: benchNow - 30 * 86_400_000), until = RFC3339.string(fromMilliseconds: benchNow)
        print("30 days (\(since) – \(until)) of \(count) mentions, \(open) conversations open; \(runs) runs each, release heed from process start")
        for (name, extra) in [("by channel, text", ["--by", "channel"]), ("by day, text", ["--by", "day"]), ("by operator, JSON", ["--by", "operator", "--json"]),
                              ("by week, CSV", ["--by", "week", "--csv"])] {
            var times: [Double] = []
            var peak = 0
            for _ in 0..<runs {
                let start = DispatchTime.now()
                let exit = try ChildProcess.spawn([options.heedBinary, "report", "--cache", cache, "--config", configFile, "--since", since, "--until", until] + extra,
                                                  stdout: "\(options.dir)/report.out", stderr: "\(options.dir)/report.err").wait()
                times.append(milliseconds(since: start))
                guard exit.status == 0 else { throw ValidationError("heed report failed; see \(options.dir)/report.err") }
                peak = max(peak, exit.maxResidentBytes)
            }
            times.sort()
            print("  \(name): median \(format(times[times.count / 2])) ms, slowest \(format(times.last!)) ms, peak memory \(format(Double(peak) / 1_048_576)) MB")
        }
        options.removeCache(cache)
    }
}
