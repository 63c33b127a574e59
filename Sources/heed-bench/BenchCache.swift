import ArgumentParser
import Foundation
import GRDB
import HeedCore

extension BenchOptions {
    /// A copy of a `count`-mention cache with exactly `open` open conversations.
    func cache(mentions count: Int, open: Int, config: Config, name: String) throws -> String {
        let source = "\(dir)/triage-source-\(count).sqlite"
        if !FileManager.default.fileExists(atPath: source) {
            let file = "\(dir)/mentions-\(count).jsonl"
            if !FileManager.default.fileExists(atPath: file) {
                print("generating \(count) mentions → \(file) (not timed)")
                try IngestBench.writeMentions(count: count, to: file, config: config)
            }
            print("importing them (not timed)")
            let configFile = "\(dir)/config.json"
            try benchConfigText().write(toFile: configFile, atomically: true, encoding: .utf8)
            let exit = try ChildProcess.spawn([heedBinary, "ingest", "--config", configFile, "--cache", source, file],
                                              stdout: "\(dir)/ingest.out", stderr: "\(dir)/ingest.err").wait()
            guard exit.status == 0 else { throw ValidationError("heed ingest failed; see \(dir)/ingest.err") }
        }
        let cache = "\(dir)/\(name)-\(count)-\(open).sqlite"
        removeCache(cache)
        try AppDatabase.open(path: source).copy(to: cache)
        // The bench's own fixture, not a change anyone makes: the rest resolved straight in the copy.
        let copy = try DatabaseQueue(path: cache)
        let available = try copy.write { db -> Int in
            try db.execute(sql: """
                UPDATE conversation SET status = 'resolved' WHERE status = 'open'
                    AND id NOT IN (SELECT id FROM conversation WHERE status = 'open' ORDER BY id LIMIT ?);
                """, arguments: [open])
            // The demo answers most threads, so fewer are open than asked for: the customer is
            // made to have written last in enough of those waiting for them, as if after our reply.
            try db.execute(sql: """
                UPDATE conversation SET status = 'open', waiting_since = last_customer_at
                WHERE id IN (SELECT id FROM conversation WHERE status = 'waiting' AND last_customer_at IS NOT NULL ORDER BY id
                             LIMIT max(0, ?1 - (SELECT count(*) FROM conversation WHERE status = 'open')))
                """, arguments: [open])
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation WHERE status = 'open'") ?? 0
        }
        guard available == open else { throw ValidationError("the cache has only \(available) open conversations; raise --count") }
        return cache
    }
}
