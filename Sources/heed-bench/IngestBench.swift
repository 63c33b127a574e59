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

    func run() throws {
        try options.prepare()
        let file = "\(options.dir)/mentions-\(count).jsonl"
        let config = try ExampleConfig.load()
        if !FileManager.default.fileExists(atPath: file) {
            print("generating \(count) mentions → \(file) (not timed)")
            try writeMentions(to: file, config: config)
        }
        let cache = "\(options.dir)/ingest-\(count).sqlite"
        options.removeCache(cache)
        let configFile = "\(options.dir)/config.json"
        try ExampleConfig.text.write(toFile: configFile, atomically: true, encoding: .utf8)

        let start = DispatchTime.now()
        let child = try ChildProcess.spawn([options.heedBinary, "ingest", "--config", configFile, "--cache", cache, file],
                                           stdout: "\(options.dir)/ingest.out", stderr: "\(options.dir)/ingest.err")
        let exit = child.wait()
        let seconds = milliseconds(since: start) / 1000
        guard exit.status == 0 else {
            throw ValidationError("heed ingest failed with status \(exit.status); see \(options.dir)/ingest.err")
        }
        let rate = Double(count) / seconds
        print("heed ingest: \(count) mentions in \(format(seconds, 2)) s = \(Int(rate)) mentions/s, "
            + "peak memory \(format(Double(exit.maxResidentBytes) / 1_048_576)) MB")

        let bare = try bareInsertRate(config: config)
        print("bare prepared-statement insert into a bare table: \(Int(bare)) rows/s")
        print("heed / bare: \(format(rate / bare, 2))")
    }

    private func writeMentions(to path: String, config: Config) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("cannot write \(path)") }
        defer { try? handle.close() }
        var chunk = ""
        for mention in DemoGenerator(size: count, seed: 7, now: benchNow, config: config) {
            chunk += HeedJSONLines.encode(mention)
            chunk += "\n"
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
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
