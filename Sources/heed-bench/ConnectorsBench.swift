import ArgumentParser
import Foundation
import GRDB
import HeedCore
import LocalHTTPServer

/// `heed run` against a local server playing a Mastodon instance (or a signed-in network,
/// `--network x|reddit|youtube|facebook`): how fast
/// it takes a backlog in against the same pages imported as files, how soon a new mention is in
/// the cache, and how much memory it holds with ten accounts.
struct ConnectorsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectors",
        abstract: "heed run hearing a local Mastodon instance (or X, Reddit, YouTube, Facebook): backlog rate against file import, arrival delay polling and streaming, memory with 10 accounts.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Notifications in the backlog (40 a page).")
    var count = 10_000

    @Option(help: "New mentions whose arrival is timed.")
    var arrivals = 20

    @Option(help: "The network played: mastodon, x, reddit, youtube or facebook.")
    var network = "mastodon"

    func run() throws {
        try options.prepare()
        let config = try ExampleConfig.load()
        guard let played = PlayedNetwork.played(network) else { throw ValidationError("--network: mastodon, x, reddit, youtube or facebook") }
        // The demo's mentions, as the network's own.
        let mentions = Array(DemoGenerator(size: count + 2 * arrivals, seed: 11, now: benchNow, config: config).prefix(count + 2 * arrivals))
            .enumerated().map { index, mention -> IncomingMention in
            var m = mention
            (m.channel, m.sourceID, m.inReplyTo, m.threadID) = (network, String(100_000 + index), nil, nil)
            return m
        }
        try runPlayed(played, mentions)
    }

    /// Each mention appears on the network (`appear`) after a pause of 0.1–0.9 s: milliseconds
    /// until it is in the cache, sorted.
    func arrivalDelays(_ mentions: [IncomingMention], database: AppDatabase, appear: (IncomingMention) -> Void) throws -> [Double] {
        var delays: [Double] = []
        for mention in mentions {
            usleep(useconds_t.random(in: 100_000...900_000))
            let appeared = DispatchTime.now()
            appear(mention)
            try waitUntil(seconds: 30) {
                try database.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM mention WHERE source_id = ?)", arguments: [mention.sourceID]) } == true
            }
            delays.append(milliseconds(since: appeared))
        }
        return delays.sorted()
    }

    /// `heed run` of `configFile` for half a minute: its own high-water mark in KB, read from the
    /// kernel before it stops (the rusage of a child started with posix_spawn begins from this
    /// benchmark's own size).
    func peakMemory(configFile: String, cache: String, log: String, secrets: [String: String]) throws -> Double {
        let run = try ChildProcess.spawn([options.heedBinary, "run", "--config", configFile, "--cache", cache], stdout: log, stderr: log,
                                         environment: ProcessInfo.processInfo.environment.merging(secrets) { $1 })
        usleep(30_000_000)
        let status = (try? String(contentsOfFile: "/proc/\(run.pid)/status", encoding: .utf8)) ?? ""
        let peak = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.flatMap { Double($0.split(separator: " ")[1]) } ?? 0
        run.kill(SIGTERM)
        _ = run.wait()
        return peak
    }

    static func spread(_ sorted: [Double]) -> String {
        "p50 \(format(sorted[sorted.count / 2] / 1000, 2)) s, p90 \(format(sorted[sorted.count * 9 / 10] / 1000, 2)) s, max \(format(sorted.last! / 1000, 2)) s"
    }

    func waitUntil(seconds: Double, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(20_000)
        }
        throw ValidationError("waited \(seconds) s in vain; see the logs in \(options.dir)")
    }
}
