import Dispatch
import Foundation
import Logging

/// The config's `retention`, enforced by `heed run`: once as it starts, then daily.
struct RetentionPart: ServicePart {
    let policy: RetentionPolicy
    let database: AppDatabase
    let clock: any Clock
    let logger: Logger
    let name = "retention"
    static let interval: Int64 = 86_400_000
    private let queue = DispatchQueue(label: "heed.retention")

    func round() async throws -> Int64 {
        let (policy, database, clock) = (policy, database, clock)
        let started = Date()
        let report = try await blocking(queue) {
            try Retention.enforce(database, policy: policy, now: clock.now()) { Task.isShuttingDownGracefully || RunService.stopping.isSet }
        }
        if report.conversations > 0 {
            logger.info("removed text past retention", metadata: [
                "conversations": "\(report.conversations)", "mentions": "\(report.mentions)", "events_redacted": "\(report.eventsRedacted)",
                "contacts": "\(report.contacts)", "seconds": "\(String(format: "%.1f", Date().timeIntervalSince(started)))",
            ])
        }
        return Self.interval
    }
}
