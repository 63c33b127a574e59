import Dispatch
import Foundation
import GRDB

/// What `heed run` says of each of its parts (`service_part`): for `heed status` and for the
/// screen, which shows operators when nothing is sending.
public struct ServicePartState: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "service_part"

    public enum State: String, Sendable, Codable {
        case starting, running, failing, stopped
    }

    public var name: String
    public var state: State
    public var detail: String?
    public var pid: Int32?
    public var host: String?
    public var startedAt: Int64?
    public var heartbeatAt: Int64
    public var lastError: String?
    public var lastErrorAt: Int64?
    public var restarts: Int

    enum CodingKeys: String, CodingKey {
        case name, state, detail, pid, host, startedAt = "started_at", heartbeatAt = "heartbeat_at", lastError = "last_error"
        case lastErrorAt = "last_error_at", restarts
    }

    public static func all(_ db: Database) throws -> [ServicePartState] { try order(Column("name")).fetchAll(db) }
}

/// `heed run`'s writes of its parts' states, each a small transaction on a queue of its own.
/// Every write wakes the screens (they reload on any commit), so a part's rounds are recorded at
/// most once a minute; whether `heed run` is alive at all is its lock (`RunLock`), not a beat.
final class ServiceStatus: @unchecked Sendable {
    let database: AppDatabase
    let clock: any Clock
    private let queue = DispatchQueue(label: "heed.status")
    private let pid = getpid()
    private let host = ProcessInfo.processInfo.hostName
    private let beats = NSLock()
    private var lastBeat: [String: Int64] = [:]
    static let beatEvery: Int64 = 60_000

    init(database: AppDatabase, clock: any Clock) {
        self.database = database
        self.clock = clock
    }

    func set(_ name: String, state: ServicePartState.State, error: String? = nil) async throws {
        let (database, clock, pid, host) = (database, clock, pid, host)
        try await blocking(queue) {
            try database.write { db in
                let now = clock.now()
                var part = try ServicePartState.fetchOne(db, key: name)
                    ?? ServicePartState(name: name, state: state, pid: pid, host: host, startedAt: now, heartbeatAt: now, restarts: 0)
                if state == .starting { (part.startedAt, part.pid, part.host) = (now, pid, host) }
                if state == .failing { part.restarts += 1 }
                part.state = state
                part.heartbeatAt = now
                if let error { (part.lastError, part.lastErrorAt) = (error, now) }
                try part.save(db)
            }
        }
        beats.withLock { lastBeat[name] = clock.now() }
    }

    /// The part did a round.
    func beat(_ name: String) async throws {
        let (database, clock) = (database, clock)
        let now = clock.now()
        let due = beats.withLock {
            guard now - (lastBeat[name] ?? 0) >= Self.beatEvery else { return false }
            lastBeat[name] = now
            return true
        }
        guard due else { return }
        try await blocking(queue) {
            try database.write { db in
                try db.execute(sql: "UPDATE service_part SET heartbeat_at = ?, state = 'running' WHERE name = ?", arguments: [clock.now(), name])
            }
        }
    }
}
