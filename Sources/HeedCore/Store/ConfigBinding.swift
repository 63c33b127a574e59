import Foundation
import GRDB

/// Which config scores a cache. A cache holds priorities, SLA due times and rules' results that
/// a config decided; a process with a config that would decide them differently must not write
/// them, or two operators see different priorities (and each run re-scores for everyone). The
/// first config to open a cache binds it; `heed config apply` re-binds it (and re-scores).
public struct ConfigBinding: Sendable, Equatable {
    public var scoring: ScoringFingerprint
    /// A file's path, `example` (the built-in example: the demo's) or `defaults` (no file).
    public var source: String
    public var boundAt: Int64
    public var boundBy: String?

    public static let example = "example"
    public static let defaults = "defaults"

    public static func read(_ db: Database) throws -> ConfigBinding? {
        guard let row = try Row.fetchOne(db, sql: "SELECT scoring, source, bound_at, bound_by FROM config_binding") else { return nil }
        return ConfigBinding(scoring: ScoringFingerprint(stored: row["scoring"]) ?? ScoringFingerprint(root: nil), source: row["source"],
                             boundAt: row["bound_at"], boundBy: row["bound_by"])
    }

    /// The binding of the cache at `path` without opening it for writing (nil: no cache, or
    /// one older than bindings, or not a cache at all — the open that follows says so).
    public static func peek(path: String) -> ConfigBinding? {
        // Only a cache already in WAL mode: there a reader never stands in a writer's way, where
        // one still being made (not yet WAL) would make its maker's writes fail as locked.
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        let header = (try? handle.read(upToCount: 20)) ?? Data()
        try? handle.close()
        guard header.count == 20, header.starts(with: Data("SQLite format 3\0".utf8)), header[18] == 2 else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return nil }
        defer { try? queue.close() }
        return try? queue.read { db in try db.tableExists("config_binding") ? try read(db) : nil }
    }

    /// Binds the cache to `config` if nothing does yet; refuses a config that scores differently
    /// from the one bound, naming both and what differs. Returns the binding in force.
    @discardableResult
    static func settle(_ database: AppDatabase, config: Config, source: String, by actor: String?, now: Int64) throws -> ConfigBinding {
        if let bound = try database.read(read) {
            try check(bound, config: config, source: source, cache: database.path ?? "the cache")
            if bound.scoring.description != config.scoring.description {
                // Bound in an earlier form of the same scoring: kept in today's, so that what
                // changes next is compared with it.
                try database.write { db in try db.execute(sql: "UPDATE config_binding SET scoring = ?", arguments: [config.scoring.description]) }
            }
            return bound
        }
        return try database.write { db in
            // Two processes binding a new cache at once: the first one's stands, the second is checked against it.
            if let bound = try read(db) {
                try check(bound, config: config, source: source, cache: database.path ?? "the cache")
                return bound
            }
            try db.execute(sql: "INSERT INTO config_binding (only, scoring, source, bound_at, bound_by) VALUES (1, ?, ?, ?, ?)",
                           arguments: [config.scoring.description, source, now, actor])
            return ConfigBinding(scoring: config.scoring, source: source, boundAt: now, boundBy: actor)
        }
    }

    private static func check(_ bound: ConfigBinding, config: Config, source: String, cache: String) throws {
        let differs = bound.scoring.differences(from: config.scoring)
        guard !differs.isEmpty else { return }
        let who = bound.boundBy.map { " by \($0)" } ?? ""
        throw HeedError("the cache \(cache) is scored by \(describe(bound.source)) (since \(RFC3339.string(fromMilliseconds: bound.boundAt))\(who)); "
            + "\(describe(source)) would score it differently (\(differs.joined(separator: ", ")) differ), and two configs on one cache "
            + "give operators different priorities", .config,
            hint: .useConfig(bound: bound.source, mine: source))
    }

    static func describe(_ source: String) -> String {
        switch source {
        case example: "the built-in example config"
        case defaults: "the defaults (no config file)"
        default: source
        }
    }

    /// Makes `config` the cache's and re-scores every open conversation with it, in one
    /// transaction. Returns the binding it replaced and how many were re-scored.
    public static func apply(_ database: AppDatabase, config: Config, source: String, by actor: String?, now: Int64) throws
        -> (previous: ConfigBinding?, rescored: Int) {
        try database.write { db in
            let previous = try read(db)
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM conversation WHERE status = 'open' ORDER BY id")
            try Triager(config: config).retriage(ids, in: db, now: now)
            try db.execute(sql: """
                INSERT INTO config_binding (only, scoring, source, bound_at, bound_by) VALUES (1, ?, ?, ?, ?)
                ON CONFLICT (only) DO UPDATE SET scoring = excluded.scoring, source = excluded.source, bound_at = excluded.bound_at,
                                                 bound_by = excluded.bound_by
                """, arguments: [config.scoring.description, source, now, actor])
            try EventLog.append(db, at: now, by: actor ?? EventLog.ingestOperator, kind: .configApplied, subject: source,
                                before: previous?.scoring.description, after: config.scoring.description)
            return (previous, ids.count)
        }
    }
}
