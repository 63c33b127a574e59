import ArgumentParser
import Foundation
import GRDB
import HeedCore
import LocalHTTPServer

extension ConnectorsBench {
    /// The measures against a local server playing `network`, paging as its API pages, an access
    /// token from the environment.
    func runPlayed(_ network: PlayedNetwork, _ demo: [IncomingMention]) throws {
        let mentions = demo.enumerated().map { network.shaped($0.element, index: $0.offset) }
        network.hold(Array(mentions.prefix(count)))
        let server = try LocalServer { network.respond($0) }
        let label = network.title, prefix = "\(options.dir)/connectors-\(network.name)"
        let configFile = prefix + "-config.json"
        try config(network, server.url, accounts: 1).write(toFile: configFile, atomically: true, encoding: .utf8)

        // The same pages as files, the floor.
        let pages = prefix + "-pages"
        try? FileManager.default.removeItem(atPath: pages)
        try FileManager.default.createDirectory(atPath: pages, withIntermediateDirectories: true)
        var files: [String] = []
        for (index, first) in stride(from: 0, to: count, by: network.pageSize).enumerated() {
            let file = String(format: "%@/page-%04d.json", pages, index)
            try network.file(Array(network.items[first..<min(count, first + network.pageSize)])).write(toFile: file, atomically: true, encoding: .utf8)
            files.append(file)
        }
        // Each side three times in turn, the median of each: one backlog takes a second or two,
        // so one sample moves with whatever else the machine is doing.
        let fileCache = prefix + "-files.sqlite", cache = prefix + ".sqlite"
        let environment = ProcessInfo.processInfo.environment.merging(network.secrets(1)) { $1 }
        var fileRates: [Double] = [], runRates: [Double] = []
        var run: ChildProcess?, database: AppDatabase?
        defer { run?.kill() }
        for round in 1...Self.backlogRounds {
            options.removeCache(fileCache)
            var start = DispatchTime.now()
            let ingest = try ChildProcess.spawn([options.heedBinary, "ingest", "--config", configFile, "--cache", fileCache] + files,
                                                stdout: prefix + "-ingest.out", stderr: prefix + "-ingest.err").wait()
            guard ingest.status == 0 else { throw ValidationError("heed ingest failed: see \(prefix)-ingest.err") }
            fileRates.append(Double(count) / (milliseconds(since: start) / 1000))

            // heed run resuming from a cursor older than the whole backlog.
            options.removeCache(cache)
            try AppDatabase.open(path: cache).close()
            try DatabaseQueue(path: cache).write { db in
                try db.execute(sql: "INSERT INTO account_state (account, cursor, stopped, updated_at) VALUES (?, ?, 0, 0)",
                               arguments: ["\(network.name)-1", network.oldCursor])
            }
            start = DispatchTime.now()
            run = try ChildProcess.spawn([options.heedBinary, "run", "--config", configFile, "--cache", cache],
                                         stdout: prefix + "-run.log", stderr: prefix + "-run.log", environment: environment)
            let opened = try AppDatabase.open(path: cache)
            database = opened
            try waitUntil(seconds: 300) { try opened.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") } ?? 0 >= count }
            runRates.append(Double(count) / (milliseconds(since: start) / 1000))
            guard round < Self.backlogRounds else { break }
            run?.kill(SIGTERM)
            _ = run?.wait()
            try opened.close()
        }
        let (runRate, fileRate) = (ActionsRun.percentile(runRates.sorted(), 0.5), ActionsRun.percentile(fileRates.sorted(), 0.5))
        let ratios = zip(runRates, fileRates).map { $0 / $1 }
        print("\(label): backlog of \(count) mentions, \(network.pageSize) a page: heed run \(format(runRate, 0)) mentions/s, "
            + "the same pages imported as files \(format(fileRate, 0)) mentions/s, ratio \(format(runRate / fileRate, 2)) "
            + "(medians of \(Self.backlogRounds) each; a round's ratio \(format(ratios.min()!, 2))–\(format(ratios.max()!, 2))) (target ≥ 0.70)")
        guard let run, let database else { return }

        let polled = try arrivalDelays(Array(mentions[count..<(count + arrivals)]), database: database) { network.add($0) }
        print("\(label): a new mention in the cache after it appeared on the network, polling every second: \(Self.spread(polled)) "
            + "(the screen shows it within its half-second poll after; target p50 ≤ 2 s)")
        run.kill(SIGTERM)
        _ = run.wait()

        if let mastodon = network as? PlayedMastodon {
            defer { mastodon.stream.close() }
            mastodon.streaming = true
            // The same by the streaming API, the account polled only every half minute.
            try config(network, server.url, accounts: 1, poll: 30, stream: true).write(toFile: configFile, atomically: true, encoding: .utf8)
            let streaming = try ChildProcess.spawn([options.heedBinary, "run", "--config", configFile, "--cache", cache],
                                                   stdout: prefix + "-stream.log", stderr: prefix + "-stream.log", environment: environment)
            defer { streaming.kill() }
            try waitUntil(seconds: 30) { try database.read { db in try Int64.fetchOne(db, sql: "SELECT streaming_since FROM account_state") } != nil }
            let streamed = try arrivalDelays(Array(mentions.suffix(arrivals)), database: database) { network.add($0) }
            print("\(label): the same by the streaming API (polling every 30 s): \(Self.spread(streamed))")
            streaming.kill(SIGTERM)
            _ = streaming.wait()
        }

        try config(network, server.url, accounts: 10).write(toFile: configFile, atomically: true, encoding: .utf8)
        let tenCache = prefix + "-ten.sqlite"
        options.removeCache(tenCache)
        let secrets = (1...10).reduce(into: [String: String]()) { all, number in all.merge(network.secrets(number)) { $1 } }
        let peak = try peakMemory(configFile: configFile, cache: tenCache, log: prefix + "-ten.log", secrets: secrets)
        print("\(label): heed run with 10 accounts polling every second for 30 s: peak memory \(format(peak / 1024)) MB (target < 60 MB)")
    }

    static let backlogRounds = 3

    private func config(_ network: PlayedNetwork, _ url: URL, accounts: Int, poll: Int = 1, stream: Bool = false) -> String {
        let entries = (1...accounts).map {
            network.account($0) + #", "url": "\#(url.absoluteString)", "poll_seconds": \#(poll)"# + (stream ? #", "stream": true}"# : "}")
        }
        return #"{"brand": "Northwind", "accounts": {"\#(network.name)": [\#(entries.joined(separator: ", "))]}}"#
    }
}
