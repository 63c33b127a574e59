import Dispatch
import Foundation
import Logging
import ServiceLifecycle

/// `heed run`: the one long-running service of a cache. For every connected account its
/// listener; delivery of due posts; the clock (SLA re-scoring, snooze wake-ups, overdue
/// shifts); the spool folder, backups and retention when the config asks for them. Each part
/// is supervised on its own (a failing one restarts with backoff, the others go on); SIGTERM and
/// SIGINT stop it gracefully, finishing what is in flight.
public struct RunService: Sendable {
    let database: AppDatabase
    let config: Config
    let cachePath: String
    let connectors: Connectors
    let clock: any Clock
    let logger: Logger

    public init(database: AppDatabase, config: Config, cachePath: String, connectors: Connectors, clock: any Clock, logger: Logger) {
        self.database = database
        self.config = config
        self.cachePath = cachePath
        self.connectors = connectors
        self.clock = clock
        self.logger = logger
    }

    /// Set once a stop was asked for: work on blocking queues (the spool watcher) checks it.
    static let stopping = Flag()

    /// The parts this config asks for.
    func parts() -> [any ServicePart] {
        func logger(_ label: String) -> Logger {
            var logger = self.logger
            logger[metadataKey: "component"] = "\(label)"
            return logger
        }
        let imports = DispatchQueue(label: "heed.listen")
        var parts: [any ServicePart] = config.connectedAccounts.map { account in
            ListenPart(account: account, connectors: connectors, database: database, config: config, clock: clock,
                       logger: logger("\(account.network.rawValue).\(account.name)"), queue: imports)
        }
        parts.append(DeliverPart(delivery: Delivery(database: database, config: config, clock: clock, connectors: connectors), logger: logger("deliver")))
        parts.append(ClockPart(database: database, config: config, clock: clock, logger: logger("clock")))
        if let folder = config.watchFolder {
            parts.append(WatchPart(folder: folder, database: database, config: config, clock: clock, logger: logger("watch")))
        }
        if var schedule = config.backup {
            // A relative folder is the cache's neighbour, as the spool folder is.
            if !schedule.folder.hasPrefix("/") {
                schedule.folder = URL(fileURLWithPath: cachePath).deletingLastPathComponent().appendingPathComponent(schedule.folder).path
            }
            parts.append(BackupPart(schedule: schedule, database: database, cachePath: cachePath, clock: clock, logger: logger("backup")))
        }
        if let policy = config.retention {
            parts.append(RetentionPart(policy: policy, database: database, clock: clock, logger: logger("retention")))
        }
        return parts
    }

    /// Runs until SIGTERM or SIGINT (or `stop`); refuses to start when another `heed run` holds
    /// this cache.
    public func run() async throws {
        let lock = try RunLock(cache: cachePath)
        defer { withExtendedLifetime(lock) {} }
        let status = ServiceStatus(database: database, clock: clock)
        let parts = parts()
        logger.info("started", metadata: ["cache": "\(cachePath)", "parts": "\(parts.map(\.name).joined(separator: ","))", "pid": "\(getpid())"])
        let services = parts.map { ServiceGroupConfiguration.ServiceConfiguration(
            service: Supervised(part: $0, status: status, logger: logger, clock: clock), successTerminationBehavior: .ignore,
            failureTerminationBehavior: .ignore) }
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(30)
        let group = ServiceGroup(configuration: configuration)
        try await withGracefulShutdownHandler {
            try await group.run()
        } onGracefulShutdown: {
            Self.stopping.set()
        }
        logger.info("stopped")
    }
}

/// A flag set once, read from any thread.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
