import ArgumentParser
import Foundation
import GRDB
import HeedCore

struct IngestBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest N generated mentions with `heed ingest` into a new cache; compare with bare inserts.")

    @OptionGroup var options: BenchOptions

    @Option(help: "How many mentions.")
    var count = 1_000_000

    @Option(help: "The mentions: demo (the demo's scenarios, few texts repeated) or varied (most texts said once, reposts and campaigns at a real rate).")
    var corpus = BenchCorpus.demo

    @Option(help: ArgumentHelp("Also import the same mentions in a channel's format (mastodon, x, feed) and compare.", valueName: "format"))
    var format: String?

    func validate() throws {
        if let format, !FormatWriters.supported.contains(format) {
            throw ValidationError("--format takes one of \(FormatWriters.supported.joined(separator: ", "))")
        }
    }

    func run() throws {
        try options.prepare()
        if let format {
            try compare(format: format)
            return
        }
        let file = "\(options.dir)/mentions-\(corpus.fileTag)\(count).jsonl"
        let config = try ExampleConfig.load()
        if !FileManager.default.fileExists(atPath: file) {
            print("generating \(count) mentions → \(file) (not timed)")
            try Self.writeLines(corpus.mentions(count, config: config), to: file)
        }
        let (rate, peak, written) = try timedIngest([file], cache: "\(options.dir)/ingest-\(count).sqlite", config: try options.writeConfig())
        print("heed ingest: \(count) mentions in \(heed_bench.format(Double(count) / rate, 2)) s = \(Int(rate)) mentions/s, "
            + "peak memory \(heed_bench.format(peak)) MB, written to the disk \(heed_bench.format(written / 1e9, 2)) GB "
            + "(\(heed_bench.format(written / Double(count) / 1000)) KB a mention)")

        let bare = try bareInsertRate(config: config)
        print("bare prepared-statement insert into a bare table: \(Int(bare)) rows/s")
        print("heed / bare: \(heed_bench.format(rate / bare, 2))")
    }

    /// Imports the same mentions twice, in heed's format and in `format`, into new caches, and
    /// prints both rates and their ratio.
    private func compare(format: String) throws {
        let config = try ExampleConfig.load()
        let configFile = try options.writeConfig()
        let channel = FormatWriters.channel(of: format)
        let heedFile = "\(options.dir)/\(format)-as-heed-\(count).jsonl"
        let folder = "\(options.dir)/\(format)-\(count)"
        var files: [String] = []
        if !FileManager.default.fileExists(atPath: heedFile) || !FileManager.default.fileExists(atPath: folder) {
            print("generating \(count) mentions as heed's format and as \(format) (not timed)")
            try? FileManager.default.removeItem(atPath: folder)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let heedOut = try Output(heedFile)
            let pageOut = try Output(folder + "/pages.jsonl")
            var page: [IncomingMention] = []
            var pages = 0
            let pageSize = format == "feed" ? 1_000 : (format == "x" ? 100 : 40)
            func flush() throws {
                guard !page.isEmpty else { return }
                switch format {
                case "mastodon": try pageOut.write(FormatWriters.mastodonPage(page) + "\n")
                case "x": try pageOut.write(FormatWriters.xPage(page) + "\n")
                default:
                    // A feed is one document: each page of 1,000 comments is a file, as a connector drops them.
                    let feed = try Output(String(format: "%@/feed-%06d.rss", folder, pages))
                    try feed.write(FormatWriters.feed(page))
                    feed.close()
                }
                pages += 1
                page.removeAll(keepingCapacity: true)
            }
            for var mention in DemoGenerator(size: count, seed: 7, now: benchNow, config: config) {
                mention.channel = channel
                if format == "feed" { mention.inReplyTo = nil; mention.threadID = nil; mention.lang = nil; mention.metrics = Metrics(); mention.url = "https://blog.example/p/1#c-" + mention.sourceID }
                if format == "mastodon" { mention.threadID = nil }
                mention.author.verified = format == "x" ? mention.author.verified : false
                if format != "x" { mention.author.name = mention.author.name ?? "" }
                try heedOut.write(HeedJSONLines.encode(mention) + "\n")
                page.append(mention)
                if page.count == pageSize { try flush() }
            }
            try flush()
            heedOut.close()
            pageOut.close()
            if format == "feed" { try? FileManager.default.removeItem(atPath: folder + "/pages.jsonl") }
        }
        files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { folder + "/" + $0 }
        let heedRate = try timedIngest([heedFile], cache: "\(options.dir)/\(format)-as-heed.sqlite", config: configFile)
        let formatRate = try timedIngest(files, cache: "\(options.dir)/\(format).sqlite", config: configFile)
        print("heed format: \(Int(heedRate.rate)) mentions/s, peak \(heed_bench.format(heedRate.peak)) MB")
        print("\(format) (\(files.count) file(s)): \(Int(formatRate.rate)) mentions/s, peak \(heed_bench.format(formatRate.peak)) MB")
        print("\(format) / heed format: \(heed_bench.format(formatRate.rate / heedRate.rate, 2)) (target ≥ 0.70)")
    }

    /// Runs `heed ingest` on new cache; mentions per second, peak memory in MB, bytes written to the disk.
    private func timedIngest(_ files: [String], cache: String, config: String) throws -> (rate: Double, peak: Double, written: Double) {
        options.removeCache(cache)
        let (exit, time) = try options.measured([options.heedBinary, "ingest", "--config", config, "--cache", cache] + files,
                                                stdout: "\(options.dir)/ingest.out", stderr: "\(options.dir)/ingest.err")
        let seconds = time / 1000
        guard exit.status == 0 else { throw ValidationError("heed ingest failed (\(exit.status)); see \(options.dir)/ingest.err") }
        return (Double(count) / seconds, Double(exit.maxResidentBytes) / 1_048_576, Double(exit.writtenBytes))
    }

    /// A file written in 1 MB pieces.
    struct Output {
        let handle: FileHandle
        init(_ path: String) throws {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("cannot write \(path)") }
            self.handle = handle
        }
        func write(_ text: String) throws { handle.write(Data(text.utf8)) }
        func close() { try? handle.close() }
    }

    /// Mentions as heed's JSON lines, written a megabyte at a time.
    static func writeLines(_ mentions: some Sequence<IncomingMention>, to path: String) throws {
        let output = try Output(path)
        defer { output.close() }
        var chunk = ""
        for mention in mentions {
            chunk += HeedJSONLines.encode(mention) + "\n"
            if chunk.utf8.count > 1 << 20 {
                try output.write(chunk)
                chunk = ""
            }
        }
        try output.write(chunk)
    }

    /// The floor: the same rows through one reused prepared statement, no indexes, no threading.
    private func bareInsertRate(config: Config) throws -> Double {
        let path = "\(options.dir)/bare.sqlite"
        options.removeCache(path)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
            try db.execute(sql: """
                CREATE TABLE bare (id INTEGER PRIMARY KEY, channel TEXT, source_id TEXT, author TEXT, text TEXT,
                                   created_at INTEGER, in_reply_to TEXT, likes INTEGER)
                """)
        }
        let rows = Array(DemoGenerator(size: count, seed: 7, now: benchNow, config: config))
        let start = DispatchTime.now()
        try queue.write { db in
            let statement = try db.makeStatement(sql: "INSERT INTO bare (channel, source_id, author, text, created_at, in_reply_to, likes) VALUES (?, ?, ?, ?, ?, ?, ?)")
            for m in rows {
                statement.setUncheckedArguments([m.channel, m.sourceID, m.author.handle, m.text, m.createdAt, m.inReplyTo, m.metrics.likes])
                try statement.execute()
            }
        }
        return Double(count) / (milliseconds(since: start) / 1000)
    }
}
