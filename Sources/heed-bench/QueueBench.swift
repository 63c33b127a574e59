import ArgumentParser
import Foundation
import HeedCore

struct QueueBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Time and memory from process start to the first page of `heed queue`, on a cache of `count` mentions with `open` open.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Mentions in the cache (made with `heed ingest` when missing).")
    var count = 1_000_000

    @Option(help: "Open conversations in the cache; the rest are resolved.")
    var open = 400_000

    @Option(help: "The mentions: varied (every post a conversation of its own) or demo (most threads answered, so few open).")
    var corpus = BenchCorpus.varied

    @Option(help: "How many runs.")
    var runs = 20

    @Option(help: ArgumentHelp("Also copy the cache into this empty PostgreSQL database and time the first page read from it.", valueName: "url"))
    var store: String?

    func run() throws {
        try options.prepare()
        let cache = try options.cache(mentions: count, open: open, config: try ExampleConfig.load(), name: "queue",
                                      corpus: corpus)
        let page = [options.heedBinary, "queue", "--config", options.configFile, "--cache", cache, "--limit", "50"]
        let (time, peak) = try measure(page)
        print("heed queue (first page of 50, process start to exit; \(count) mentions, \(open) open) over \(runs) runs: "
            + "median \(format(time.median)) ms, max \(format(time.max)) ms (target < 100 ms); "
            + "peak memory \(format(Double(peak) / 1_048_576)) MB (target < 80 MB)")
        guard let store else { return }
        let (exit, copying) = try options.measured([options.heedBinary, "store", "migrate", "--to", store, "--cache", cache, "--config", options.configFile, "--quiet"],
                                                   stdout: "\(options.dir)/queue.out", stderr: "\(options.dir)/queue.err")
        guard exit.status == 0 else { throw ValidationError("heed store migrate failed; see \(options.dir)/queue.err") }
        let (fromCopy, copyPeak) = try measure(page + ["--store", store])
        print("  copied into PostgreSQL in \(format(copying)) ms; the first page from it over \(runs) runs: median \(format(fromCopy.median)) ms, "
            + "max \(format(fromCopy.max)) ms (target < 50 ms); peak memory \(format(Double(copyPeak) / 1_048_576)) MB")
        for search in ["tag:billing", "followers:>10000", "card declined", "refund OR chargeback", "the"] {
            let (cache, _) = try measure(page + [search])
            let (copy, _) = try measure(page + ["--store", store, search])
            print("  heed queue \(search): from the cache median \(format(cache.median)) ms, max \(format(cache.max)) ms; "
                + "from PostgreSQL median \(format(copy.median)) ms, max \(format(copy.max)) ms")
        }
    }

    /// `runs` runs of `command` from process start: their median and slowest time, and the peak memory.
    private func measure(_ command: [String]) throws -> (time: (median: Double, max: Double), peak: Int) {
        var times: [Double] = []
        var peak = 0
        for _ in 0..<runs {
            let (exit, time) = try options.measured(command, stdout: "\(options.dir)/queue.out", stderr: "\(options.dir)/queue.err")
            guard exit.status == 0 else { throw ValidationError("heed queue failed; see \(options.dir)/queue.err") }
            times.append(time)
            peak = max(peak, exit.maxResidentBytes)
        }
        times.sort()
        return ((times[runs / 2], times.last!), peak)
    }
}
