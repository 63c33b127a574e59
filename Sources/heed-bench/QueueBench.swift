import ArgumentParser
import Foundation
import HeedCore

struct QueueBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Time from process start to the first page of `heed queue` on the cache `heed-bench ingest` made.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Which ingest cache to use (its mention count).")
    var count = 1_000_000

    @Option(help: "How many runs.")
    var runs = 20

    func run() throws {
        try options.prepare()
        let cache = "\(options.dir)/ingest-\(count).sqlite"
        guard FileManager.default.fileExists(atPath: cache) else {
            throw ValidationError("no cache at \(cache): run `heed-bench ingest --count \(count)` first")
        }
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now()
            let exit = try ChildProcess.spawn([options.heedBinary, "queue", "--cache", cache, "--limit", "50"],
                                              stdout: "\(options.dir)/queue.out", stderr: "\(options.dir)/queue.err").wait()
            guard exit.status == 0 else { throw ValidationError("heed queue failed; see \(options.dir)/queue.err") }
            times.append(milliseconds(since: start))
        }
        times.sort()
        print("heed queue (first page of 50, process start to exit) over \(runs) runs: "
            + "median \(format(times[runs / 2])) ms, max \(format(times.last!)) ms")
    }
}
