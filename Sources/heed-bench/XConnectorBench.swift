import ArgumentParser
import Foundation
import GRDB
import HeedCore
import LocalHTTPServer

/// The same measures against a local server playing the X API v2: mentions newest first, 100 a
/// page, `since_id` and `pagination_token` as X pages them, an access token from the environment.
extension ConnectorsBench {
    /// Tweets the network holds, ids ascending; a page is the newest 100 after `since`, skipping
    /// `offset` (the pagination token).
    final class XNetwork: @unchecked Sendable {
        let lock = NSLock()
        var tweets: [IncomingMention] = []

        func page(since: Int?, offset: Int) -> String {
            lock.withLock {
                let newer = tweets.filter { since == nil || Int($0.sourceID)! > since! }.reversed()
                let page = Array(newer.dropFirst(offset).prefix(100))
                var meta = "\"result_count\":\(page.count)"
                if let newest = page.first { meta += ",\"newest_id\":\"\(newest.sourceID)\",\"oldest_id\":\"\(page.last!.sourceID)\"" }
                if since != nil, offset + 100 < newer.count { meta += ",\"next_token\":\"\(offset + 100)\"" }
                guard !page.isEmpty else { return "{\"meta\":{\(meta)}}" }
                return FormatWriters.xPage(page).replacingOccurrences(of: "\"meta\":{\"result_count\":\(page.count)}", with: "\"meta\":{\(meta)}")
            }
        }
    }

    func runX(_ mentions: [IncomingMention]) throws {
        let network = XNetwork()
        network.tweets = Array(mentions.prefix(count))
        let server = try LocalServer { request in
            switch request.path {
            case "/2/users/me": return .json(#"{"data": {"id": "1", "name": "Northwind Help", "username": "NorthwindHelp"}}"#)
            case "/2/users/1/mentions":
                return .json(network.page(since: request.query("since_id").flatMap { Int($0) }, offset: request.query("pagination_token").flatMap { Int($0) } ?? 0),
                             headers: [("x-rate-limit-limit", "450"), ("x-rate-limit-remaining", "449"), ("x-rate-limit-reset", "4102444800")])
            default: return .json(#"{"title": "Not Found Error", "status": 404}"#, status: 404)
            }
        }
        let configFile = "\(options.dir)/connectors-x-config.json"
        try xConfig(server.url, accounts: 1).write(toFile: configFile, atomically: true, encoding: .utf8)

        // The same pages as files, the floor.
        let pages = "\(options.dir)/connector-x-pages"
        try? FileManager.default.removeItem(atPath: pages)
        try FileManager.default.createDirectory(atPath: pages, withIntermediateDirectories: true)
        var files: [String] = []
        for (index, first) in stride(from: 0, to: count, by: 100).enumerated() {
            let file = String(format: "%@/page-%04d.json", pages, index)
            try FormatWriters.xPage(Array(network.tweets[first..<min(count, first + 100)])).write(toFile: file, atomically: true, encoding: .utf8)
            files.append(file)
        }
        let fileCache = "\(options.dir)/connectors-x-files.sqlite"
        options.removeCache(fileCache)
        var start = DispatchTime.now()
        let ingest = try ChildProcess.spawn([options.heedBinary, "ingest", "--config", configFile, "--cache", fileCache] + files,
                                            stdout: "\(options.dir)/connectors-x-ingest.out", stderr: "\(options.dir)/connectors-x-ingest.err").wait()
        guard ingest.status == 0 else { throw ValidationError("heed ingest failed: see \(options.dir)/connectors-x-ingest.err") }
        let fileRate = Double(count) / (milliseconds(since: start) / 1000)

        // heed run resuming from a cursor older than the whole backlog: pages back from the newest.
        let cache = "\(options.dir)/connectors-x.sqlite"
        options.removeCache(cache)
        try AppDatabase.open(path: cache).close()
        try DatabaseQueue(path: cache).write { db in
            try db.execute(sql: "INSERT INTO account_state (account, cursor, stopped, updated_at) VALUES ('x-1', '0', 0, 0)")
        }
        let environment = ProcessInfo.processInfo.environment.merging(["HEED_SECRET_X_1": "t"]) { $1 }
        start = DispatchTime.now()
        let run = try ChildProcess.spawn([options.heedBinary, "run", "--config", configFile, "--cache", cache],
                                         stdout: "\(options.dir)/connectors-x-run.log", stderr: "\(options.dir)/connectors-x-run.log", environment: environment)
        defer { run.kill() }
        let database = try AppDatabase.open(path: cache)
        try waitUntil(seconds: 300) { try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") } ?? 0 >= count }
        let runRate = Double(count) / (milliseconds(since: start) / 1000)
        print("X: backlog of \(count) mentions over \(count / 100) pages read back from the newest: heed run \(format(runRate, 0)) mentions/s, "
            + "the same pages imported as files \(format(fileRate, 0)) mentions/s, ratio \(format(runRate / fileRate, 2)) (target ≥ 0.70)")

        let polled = try arrivalDelays(Array(mentions[count..<(count + arrivals)]), database: database) { mention in
            network.lock.withLock { network.tweets.append(mention) }
        }
        print("X: a new mention in the cache after it appeared on the network, polling every second: \(Self.spread(polled)) (target p50 ≤ 2 s)")
        run.kill(SIGTERM)
        _ = run.wait()

        try xConfig(server.url, accounts: 10).write(toFile: configFile, atomically: true, encoding: .utf8)
        let tenCache = "\(options.dir)/connectors-x-ten.sqlite"
        options.removeCache(tenCache)
        let secrets = Dictionary(uniqueKeysWithValues: (1...10).map { ("HEED_SECRET_X_\($0)", "t") })
        let peak = try peakMemory(configFile: configFile, cache: tenCache, log: "\(options.dir)/connectors-x-ten.log", secrets: secrets)
        print("X: heed run with 10 accounts polling every second for 30 s: peak memory \(format(peak / 1024)) MB (target < 60 MB)")
    }

    private func xConfig(_ url: URL, accounts: Int) -> String {
        let entries = (1...accounts).map {
            #"{"name": "x-\#($0)", "handle": "NorthwindHelp", "client_id": "bench", "id": "1", "url": "\#(url.absoluteString)", "poll_seconds": 1}"#
        }
        return #"{"brand": "Northwind", "accounts": {"x": [\#(entries.joined(separator: ", "))]}}"#
    }
}
