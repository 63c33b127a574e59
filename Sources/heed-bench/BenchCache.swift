import ArgumentParser
import Foundation
import GRDB
import HeedCore

/// The mentions a bench generates: the demo's scenarios (few texts said again and again, most
/// threads answered) or the varied corpus (most texts said once, every post a conversation of its own).
enum BenchCorpus: String, ExpressibleByArgument, CaseIterable {
    case demo, varied

    /// What a file or cache of this corpus has in its name after its kind.
    var fileTag: String { self == .demo ? "" : rawValue + "-" }

    /// `count` mentions (seed 7, relative to `benchNow`): the same bytes every run.
    func mentions(_ count: Int, config: Config) -> AnySequence<IncomingMention> {
        switch self {
        case .demo: AnySequence(DemoGenerator(size: count, seed: 7, now: benchNow, config: config))
        case .varied: AnySequence(VariedGenerator(size: count, seed: 7, now: benchNow))
        }
    }
}

extension BenchOptions {
    /// Where `cache(…)` puts its copy.
    func cachePath(mentions count: Int, open: Int, name: String, corpus: BenchCorpus) -> String {
        "\(dir)/\(name)-\(corpus.fileTag)\(count)-\(open).sqlite"
    }

    /// A copy of a `count`-mention cache of `corpus` with exactly `open` open conversations.
    func cache(mentions count: Int, open: Int, config: Config, name: String, corpus: BenchCorpus = .demo) throws -> String {
        let configFile = try writeConfig()
        let source = "\(dir)/triage-source-\(corpus.fileTag)\(count).sqlite"
        if !FileManager.default.fileExists(atPath: source) {
            let file = "\(dir)/mentions-\(corpus.fileTag)\(count).jsonl"
            if !FileManager.default.fileExists(atPath: file) {
                print("generating \(count) mentions → \(file) (not timed)")
                try IngestBench.writeLines(corpus.mentions(count, config: config), to: file)
            }
            print("importing them (not timed)")
            // No one else uses the source, so it is imported as a backfill, in whole batches.
            let exit = try ChildProcess.spawn([heedBinary, "ingest", "--lock-budget", "0", "--config", configFile, "--cache", source, file],
                                              stdout: "\(dir)/ingest.out", stderr: "\(dir)/ingest.err").wait()
            guard exit.status == 0 else { throw ValidationError("heed ingest failed; see \(dir)/ingest.err") }
        }
        let cache = cachePath(mentions: count, open: open, name: name, corpus: corpus)
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
