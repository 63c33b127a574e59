import ArgumentParser
import Foundation
import GRDB
import HeedCore
import LocalHTTPServer

/// `heed run` against a local server playing a Mastodon instance (or X, `--network x`): how fast
/// it takes a backlog in against the same pages imported as files, how soon a new mention is in
/// the cache, and how much memory it holds with ten accounts.
struct ConnectorsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectors",
        abstract: "heed run hearing a local Mastodon instance (or X): backlog rate against file import, arrival delay polling and streaming, memory with 10 accounts.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Notifications in the backlog (40 a page).")
    var count = 10_000

    @Option(help: "New mentions whose arrival is timed.")
    var arrivals = 20

    @Option(help: "The network played: mastodon or x.")
    var network = "mastodon"

    /// Notifications the instance holds, ids ascending from 1; `min_id` pages forward through them.
    final class Instance: @unchecked Sendable {
        let lock = NSLock()
        var notifications: [String] = []

        func page(after minID: Int?) -> String {
            lock.withLock {
                let start = minID ?? max(0, notifications.count - 40)
                return "[" + notifications.dropFirst(start).prefix(40).reversed().joined(separator: ",") + "]"
            }
        }
    }

    func run() throws {
        try options.prepare()
        let config = try ExampleConfig.load()
        // The demo's mentions, as notifications of a Mastodon instance.
        guard ["mastodon", "x"].contains(network) else { throw ValidationError("--network: mastodon or x") }
        let mentions = Array(DemoGenerator(size: count + 2 * arrivals, seed: 11, now: benchNow, config: config).prefix(count + 2 * arrivals))
            .enumerated().map { index, mention -> IncomingMention in
            var m = mention
            (m.channel, m.sourceID, m.inReplyTo, m.threadID) = (network, String(100_000 + index), nil, nil)
            return m
        }
        if network == "x" { return try runX(mentions) }
        let instance = Instance()
        instance.notifications = mentions.prefix(count).enumerated().map { Self.notification($0.offset + 1, $0.element) }
        let stream = ResponseStream()
        defer { stream.close() }
        let server = try LocalServer { request in
            if request.path == "/api/v1/streaming/user/notification" { return .events(stream, first: ":)\n") }
            guard request.path == "/api/v1/notifications" else { return .json("[]") }
            return .json(instance.page(after: request.query("min_id").flatMap { Int($0) }))
        }

        // The same pages as files, imported by `heed ingest` from a folder: the floor.
        let pages = "\(options.dir)/connector-pages"
        try? FileManager.default.removeItem(atPath: pages)
        try FileManager.default.createDirectory(atPath: pages, withIntermediateDirectories: true)
        var files: [String] = []
        guard instance.notifications.count == count else { throw ValidationError("the generator made \(instance.notifications.count) of \(count)") }
        for (index, first) in stride(from: 0, to: count, by: 40).enumerated() {
            let file = String(format: "%@/page-%04d.json", pages, index)
            try ("[" + instance.notifications[first..<min(count, first + 40)].joined(separator: ",") + "]").write(toFile: file, atomically: true, encoding: .utf8)
            files.append(file)
        }
        let configFile = "\(options.dir)/connectors-config.json"
        try connectorConfig(server.url, accounts: 1, poll: 1).write(toFile: configFile, atomically: true, encoding: .utf8)
        let fileCache = "\(options.dir)/connectors-files.sqlite"
        options.removeCache(fileCache)
        var start = DispatchTime.now()
        let ingest = try ChildProcess.spawn([options.heedBinary, "ingest", "--config", configFile, "--cache", fileCache] + files,
                                            stdout: "\(options.dir)/connectors-ingest.out", stderr: "\(options.dir)/connectors-ingest.err").wait()
        guard ingest.status == 0 else { throw ValidationError("heed ingest failed: see \(options.dir)/connectors-ingest.err") }
        let fileRate = Double(count) / (milliseconds(since: start) / 1000)

        // heed run taking the backlog from the instance, page after page.
        let cache = "\(options.dir)/connectors.sqlite"
        options.removeCache(cache)
        // As after `heed run` was stopped a while: listening resumes from a cursor the whole backlog is newer than.
        try AppDatabase.open(path: cache).close()
        try DatabaseQueue(path: cache).write { db in
            try db.execute(sql: "INSERT INTO account_state (account, cursor, stopped, updated_at) VALUES ('mastodon-1', '0', 0, 0)")
        }
        start = DispatchTime.now()
        let run = try ChildProcess.spawn([options.heedBinary, "run", "--config", configFile, "--cache", cache],
                                         stdout: "\(options.dir)/connectors-run.log", stderr: "\(options.dir)/connectors-run.log",
                                         environment: ProcessInfo.processInfo.environment.merging(["HEED_SECRET_MASTODON_1": "t"]) { $1 })
        defer { run.kill() }
        let database = try AppDatabase.open(path: cache)
        try waitUntil(seconds: 300) { try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM mention") } ?? 0 >= count }
        let runRate = Double(count) / (milliseconds(since: start) / 1000)
        print("backlog of \(count) notifications over \(count / 40) pages: heed run \(format(runRate, 0)) mentions/s, "
            + "the same pages imported as files \(format(fileRate, 0)) mentions/s, ratio \(format(runRate / fileRate, 2)) (target ≥ 0.70)")

        // New mentions appearing on the instance one at a time: how long until they are in the cache.
        let polled = try arrivalDelays(Array(mentions[count..<(count + arrivals)]), database: database) { mention in
            instance.lock.withLock { instance.notifications.append(Self.notification(instance.notifications.count + 1, mention)) }
        }
        print("a new mention in the cache after it appeared on the instance, polling every second: \(Self.spread(polled)) "
            + "(the screen shows it within its half-second poll after; target p50 ≤ 2 s)")
        run.kill(SIGTERM)
        _ = run.wait()

        // The same by the streaming API, the account polled only every half minute.
        try connectorConfig(server.url, accounts: 1, poll: 30, stream: true).write(toFile: configFile, atomically: true, encoding: .utf8)
        let streaming = try ChildProcess.spawn([options.heedBinary, "run", "--config", configFile, "--cache", cache],
                                               stdout: "\(options.dir)/connectors-stream.log", stderr: "\(options.dir)/connectors-stream.log",
                                               environment: ProcessInfo.processInfo.environment.merging(["HEED_SECRET_MASTODON_1": "t"]) { $1 })
        defer { streaming.kill() }
        try waitUntil(seconds: 30) { try database.read { db in try Int64.fetchOne(db, sql: "SELECT streaming_since FROM account_state") } != nil }
        let streamed = try arrivalDelays(Array(mentions.suffix(arrivals)), database: database) { mention in
            let notification = instance.lock.withLock {
                let notification = Self.notification(instance.notifications.count + 1, mention)
                instance.notifications.append(notification)
                return notification
            }
            stream.send("event: notification\ndata: \(notification)\n\n")
        }
        print("the same by the streaming API (polling every 30 s): \(Self.spread(streamed))")
        streaming.kill(SIGTERM)
        _ = streaming.wait()

        // Ten accounts polling every second for half a minute: the process's peak memory.
        try connectorConfig(server.url, accounts: 10, poll: 1).write(toFile: configFile, atomically: true, encoding: .utf8)
        let tenCache = "\(options.dir)/connectors-ten.sqlite"
        options.removeCache(tenCache)
        let secrets = Dictionary(uniqueKeysWithValues: (1...10).map { ("HEED_SECRET_MASTODON_\($0)", "t") })
        let peak = try peakMemory(configFile: configFile, cache: tenCache, log: "\(options.dir)/connectors-ten.log", secrets: secrets)
        print("heed run with 10 accounts polling every second for 30 s: peak memory \(format(peak / 1024)) MB (target < 60 MB)")
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

    private func connectorConfig(_ url: URL, accounts: Int, poll: Int, stream: Bool = false) -> String {
        let entries = (1...accounts).map {
            #"{"name": "mastodon-\#($0)", "handle": "help\#($0)", "url": "\#(url.absoluteString)", "poll_seconds": \#(poll), "stream": \#(stream)}"#
        }
        return #"{"brand": "Northwind", "accounts": {"mastodon": [\#(entries.joined(separator: ", "))]}}"#
    }

    private static func notification(_ id: Int, _ mention: IncomingMention) -> String {
        let status = String(FormatWriters.mastodonPage([mention]).dropFirst().dropLast())
        return #"{"id": "\#(id)", "type": "mention", "created_at": "\#(RFC3339.string(fromMilliseconds: mention.createdAt))", "status": \#(status), "account": {"id": "\#(mention.author.id)", "acct": "\#(mention.author.handle)"}}"#
    }
}
