import ArgumentParser
import Foundation
import GRDB
import HeedCore
import HeedTUI

struct ScreenBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Start-up to the first full screen, key-to-grid times, search times and memory, on a cache of `count` mentions with `open` open.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Mentions in the cache (made with `heed ingest` when missing).")
    var count = 1_000_000

    @Option(help: "Open conversations in the cache; the rest are resolved.")
    var open = 100_000

    @Option(help: "The mentions: demo (the demo's scenarios) or varied (every post a conversation of its own, for more open than the demo has).")
    var corpus = BenchCorpus.demo

    @Option(help: "Keys timed.")
    var keys = 10_000

    @Flag(help: "Print each search's time.")
    var each = false

    /// Only the keys and searches, on the cache a run without it made: that run starts this one
    /// through `measured-run`, so that building the cache is not counted as the screen's memory.
    @Flag(help: .hidden)
    var keysOnly = false

    /// The README's search examples, as an operator would type them at `/`.
    static let searches = [
        "refund OR chargeback tag:billing", "from:dana_k", "channel:mastodon", "tag:billing", "-tag:billing", "is:resolved",
        "is:escalated", "is:unassigned", "is:breached", "priority:>80", "age:<2h", "due:<15m", "followers:>10000",
        "sentiment:<0", "kind:complaint", "assignee:sam", "lang:de", "incident:any", "\"double charged\"", "the",
        "the tag:billing", "card declined channel:x",
    ]

    func run() throws {
        if keysOnly { return try keysAndSearches(options.cachePath(mentions: count, open: open, name: "screen", corpus: corpus)) }
        try options.prepare()
        let cache = try options.cache(mentions: count, open: open, config: try ExampleConfig.load(), name: "screen",
                                      corpus: corpus)
        try startUp(cache)
        let output = "\(options.dir)/screen-keys.txt"
        let (exit, _) = try options.measured([options.benchBinary, "screen", "--keys-only", "--dir", options.dir, "--count", String(count),
                                              "--open", String(open), "--corpus", corpus.rawValue, "--keys", String(keys)] + (each ? ["--each"] : []),
                                             stdout: output, stderr: "\(options.dir)/screen-keys.err")
        guard exit.status == 0 else { throw ValidationError("the keys and searches failed; see \(options.dir)/screen-keys.err") }
        print(try String(contentsOfFile: output, encoding: .utf8), terminator: "")
        print("peak memory of the screen's runtime on the cache, after the keys and searches: \(format(Double(exit.maxResidentBytes) / 1_048_576)) MB "
            + "(target < 80 MB)")
    }

    /// `heed` from process start to its first full screen, in a pseudo-terminal (`script`), and
    /// the process's peak memory.
    private func startUp(_ cache: String) throws {
        var times: [Double] = []
        var peak = 0
        for _ in 0..<15 {
            let (exit, time) = try options.measured(
                ["env", "HEED_EXIT_AFTER_FIRST_SCREEN=1", "TERM=xterm-256color", "COLUMNS=120", "LINES=40", "script", "-qec",
                 "'\(options.heedBinary)' --config '\(options.configFile)' --cache '\(cache)'", "/dev/null"],
                stdout: "\(options.dir)/screen.out", stderr: "\(options.dir)/screen.err")
            guard exit.status == 0 else { throw ValidationError("heed failed to open the screen; see \(options.dir)/screen.out") }
            times.append(time)
            peak = max(peak, exit.maxResidentBytes)
        }
        times.sort()
        print("process start to the first full screen (\(count) mentions, \(open) open): median \(format(times[7])) ms, "
            + "max \(format(times[14])) ms (target < 150 ms); peak memory \(format(Double(peak) / 1_048_576)) MB")
    }

    private func keysAndSearches(_ cache: String) throws {
        let database = try AppDatabase.open(path: cache)
        let clock = FixedClock(benchNow)
        let terminal = GridTerminal(width: 120, height: 40)
        let runtime = try Runtime(terminal: terminal, state: AppState(brand: "Northwind Bank", width: 120, height: 40, now: benchNow),
                                  clock: clock, data: ScreenData(database: database, me: "sam"))
        try runtime.start()
        // A day's mix: mostly moving, some paging, opening a conversation and going back.
        let script: [(String, Key)] = [("move", .down), ("move", .down), ("move", .down), ("move", .up), ("page", .pageDown),
                                       ("open", .enter), ("move", .down), ("back", .escape), ("move", .down), ("page", .pageUp)]
        var times: [String: [Double]] = [:]
        var all: [Double] = []
        for index in 0..<keys {
            let (name, key) = script[index % script.count]
            // Round the first 300 rows, so that moves are not stuck at an end.
            let step = name == "page" && runtime.state.selected > 300 ? Key.char("g") : key
            let start = DispatchTime.now()
            try runtime.step([.key(step)])
            let ms = milliseconds(since: start)
            times[name, default: []].append(ms)
            all.append(ms)
        }
        for name in ["move", "page", "open", "back"] {
            let sorted = times[name, default: []].sorted()
            print("key to grid, \(name) (\(sorted.count) keys): median \(format(ActionsRun.percentile(sorted, 0.5), 3)) ms, "
                + "p99 \(format(ActionsRun.percentile(sorted, 0.99), 3)) ms")
        }
        all.sort()
        print("key to grid, all \(keys) keys: median \(format(ActionsRun.percentile(all, 0.5), 3)) ms, p99 \(format(ActionsRun.percentile(all, 0.99), 3)) ms "
            + "(targets < 2 ms and < 10 ms)")

        var searchTimes: [(String, Double)] = []
        for query in Self.searches {
            _ = try runtime.step([.key(.escape)])
            var best = Double.infinity
            for _ in 0..<3 {
                _ = try runtime.step([.key(.char("/")), .key(.ctrl("u"))])
                _ = try runtime.step(query.map { .key(.char($0)) })
                let start = DispatchTime.now()
                try runtime.step([.key(.enter)])
                best = min(best, milliseconds(since: start))
                guard runtime.state.prompt == nil else { throw ValidationError("the screen refused \(query): \(runtime.state.prompt!.error!.message)") }
            }
            searchTimes.append((query, best))
            if each { print("  \(format(best)) ms  \(query)") }
        }
        let sorted = searchTimes.map(\.1).sorted()
        let slowest = searchTimes.max { $0.1 < $1.1 }!
        print("search at / (Enter to results on screen), \(Self.searches.count) README queries: median \(format(ActionsRun.percentile(sorted, 0.5))) ms, "
            + "p95 \(format(ActionsRun.percentile(sorted, 0.95))) ms (target < 100 ms); slowest \(slowest.0) \(format(slowest.1)) ms")
    }
}
