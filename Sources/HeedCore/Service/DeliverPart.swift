import Foundation
import Logging

/// Sends due posts as their undo window ends (within half a second), through `Delivery`.
struct DeliverPart: ServicePart {
    let delivery: Delivery
    let logger: Logger
    let name = "deliver"
    static let interval: Int64 = 500

    func start() async throws {
        let looked = try await delivery.recover()
        if looked > 0 { logger.info("looked again at posts a stopped run left half sent", metadata: ["posts": "\(looked)"]) }
    }

    func round() async throws -> Int64 {
        let report = try await delivery.runOnce { Task.isShuttingDownGracefully }
        if report != Delivery.Report() {
            logger.info("delivered", metadata: ["sent": "\(report.sent)", "retrying": "\(report.retrying)", "failed": "\(report.failed)"])
        }
        return Self.interval
    }
}

/// The clock's work: snoozes that ran out woken, every open conversation's waiting time scored
/// again, shifts left open past `shifts.max_hours` ended — so that no operator's screen or
/// command has to.
struct ClockPart: ServicePart {
    let database: AppDatabase
    let config: Config
    let clock: any Clock
    let logger: Logger
    let name = "clock"
    static let interval: Int64 = 30_000
    private let queue = DispatchQueue(label: "heed.clock")

    func round() async throws -> Int64 {
        let (database, config, clock) = (database, config, clock)
        let (changed, ended) = try await blocking(queue) {
            let changed = try Triager(config: config).catchUp(database, now: clock.now())
            let ended = try ActionService(database: database, config: config, clock: clock).endOverdueShifts().count
            return (changed, ended)
        }
        if ended > 0 { logger.info("ended shifts left open too long", metadata: ["shifts": "\(ended)"]) }
        logger.debug("clock", metadata: ["priorities_changed": "\(changed)"])
        return Self.interval
    }
}

/// The spool folder (`watch`): every file that appears is imported (`SpoolWatcher`).
struct WatchPart: ServicePart {
    let folder: String
    let database: AppDatabase
    let config: Config
    let clock: any Clock
    let logger: Logger
    let name = "watch"
    private let queue = DispatchQueue(label: "heed.watch")

    func round() async throws -> Int64 {
        let (folder, database, config, clock, logger) = (folder, database, config, clock, logger)
        try await blocking(queue) {
            let watcher = SpoolWatcher(folder: folder, ingester: Ingester(database: database, config: config, clock: clock))
            watcher.onFile = { name, outcome in
                switch outcome {
                case .done(let report, let rejections):
                    logger.info("imported", metadata: ["file": "\(name)", "new": "\(report.new)", "rejected": "\(rejections.count)"])
                case .failed(let reason): logger.warning("not imported", metadata: ["file": "\(name)", "reason": "\(reason)"])
                case .interrupted: logger.info("stopped inside a file; it resumes on the next start", metadata: ["file": "\(name)"])
                }
            }
            // Until `heed run` stops: the watcher polls the folder itself.
            try watcher.run { Task.isShuttingDownGracefully || RunService.stopping.isSet }
        }
        return 0
    }
}
