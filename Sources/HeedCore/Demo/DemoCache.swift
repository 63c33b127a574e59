import Foundation
import GRDB

/// Builds the demo cache: the example config's brand, a generated stream of mentions, stored
/// through the same ingest path as real data.
public enum DemoCache {
    public static let defaultSize = 2_000
    public static let defaultSeed: UInt64 = 42

    /// Creates (or rebuilds) a demo cache at `path`. Refuses to touch a cache that is not a demo.
    @discardableResult
    public static func build(path: String, size: Int, seed: UInt64, clock: any Clock, progress: IngestProgress? = nil) throws -> (AppDatabase, IngestReport) {
        if FileManager.default.fileExists(atPath: path) {
            guard try isDemo(path: path) else {
                throw HeedError("\(path) holds a real cache, not a demo", .cannotWrite, hint: .otherCache)
            }
            // Rebuilding it under a screen or `heed run` would pull their cache away mid-shift.
            guard !AppDatabase.inUse(path: path) else {
                throw HeedError("the demo cache \(path) is open in another heed (a screen, `heed run` or a command): "
                    + "close it before rebuilding the demo", .cannotWrite, hint: .otherCache)
            }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let config = try ExampleConfig.load()
        let database = try AppDatabase.open(path: path)
        try database.write { db in
            _ = try EventLog.append(db, at: clock.now(), by: EventLog.ingestOperator, kind: .demo, conversation: nil,
                                subject: "demo cache", before: nil, after: JSONWriter.object([("size", .number(String(size))), ("seed", .number(String(seed)))]))
        }
        try ConfigBinding.settle(database, config: config, source: ConfigBinding.example, by: nil, now: clock.now())
        let ingester = Ingester(database: database, config: config, clock: clock)
        // No one works in a demo cache while it is made: whole batches.
        ingester.lockBudget = nil
        ingester.progress = progress
        let report = try ingester.ingest(madeAhead: DemoGenerator(size: size, seed: seed, now: clock.now(), config: config), source: "demo")
        return (database, report)
    }

    /// A demo cache is one whose event log begins with the demo's own event.
    static func isDemo(path: String) throws -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              (attributes[.size] as? Int ?? 0) > 0 else { return true }
        do {
            let queue = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
            return try queue.read { db in
                guard try db.tableExists("event") else { return false }
                return try String.fetchOne(db, sql: "SELECT kind FROM event ORDER BY id LIMIT 1") == "demo"
            }
        } catch {
            return false
        }
    }

    /// Where `heed demo` puts its cache unless told otherwise: beside the real one, never in it.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        Workspace.xdg("XDG_DATA_HOME", fallback: ".local/share", environment: environment) + "/heed/demo.sqlite"
    }
}
