import Dispatch
import Foundation
import Logging
import ServiceLifecycle

/// One part of `heed run`: a listener, delivery, the clock, the spool watcher. It does one round
/// of its work and says how long to wait before the next.
protocol ServicePart: Sendable {
    /// Its name in `heed status`, the logs and the screen: `listen:mastodon-help`, `deliver`.
    var name: String { get }
    /// One round; returns milliseconds to wait before the next (0: at once).
    func round() async throws -> Int64
    /// Before the first round (recovering what a killed run left half done).
    func start() async throws
}

extension ServicePart {
    func start() async throws {}
}

/// Runs a part round after round until `heed run` stops, and keeps it going: a round that
/// throws is logged, shown (`service_part`), and the part restarted after a backoff (1 s, 2 s,
/// 4 s … a minute), without touching the other parts.
struct Supervised: Service {
    let part: any ServicePart
    let status: ServiceStatus
    let logger: Logger
    let clock: any Clock
    static let maxBackoff: Int64 = 60_000

    func run() async throws {
        var logger = logger
        logger[metadataKey: "part"] = "\(part.name)"
        var failures = 0
        try await status.set(part.name, state: .starting)
        while !Task.isShuttingDownGracefully {
            do {
                try await part.start()
                try await status.set(part.name, state: .running)
                if failures > 0 { logger.info("running again", metadata: ["after": "\(failures) failure(s)"]) }
                failures = 0
                while !Task.isShuttingDownGracefully {
                    let wait = try await part.round()
                    try await status.beat(part.name)
                    guard await Self.pause(wait) else { break }
                }
            } catch {
                failures += 1
                let message = (error as? HeedError)?.message ?? "\(error)"
                let backoff = min(Self.maxBackoff, 1_000 << Int64(min(failures - 1, 16)))
                logger.error("failed; restarting", metadata: ["error": "\(message)", "in_ms": "\(backoff)"])
                try? await status.set(part.name, state: .failing, error: message)
                guard await Self.pause(backoff) else { break }
            }
        }
        try? await status.set(part.name, state: .stopped)
        logger.info("stopped")
    }

    /// Waits `milliseconds`, cut short when `heed run` is asked to stop: false then.
    static func pause(_ milliseconds: Int64) async -> Bool {
        var left = milliseconds
        while left > 0 {
            if Task.isShuttingDownGracefully || Task.isCancelled { return false }
            let step = min(left, 100)
            try? await Task.sleep(nanoseconds: UInt64(step) * 1_000_000)
            left -= step
        }
        return !Task.isShuttingDownGracefully && !Task.isCancelled
    }
}

/// Runs blocking work (SQLite waiting for its lock, a child process) on a queue of its own, so
/// that it never holds one of the few threads the async parts share.
func blocking<T: Sendable>(_ queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        queue.async { continuation.resume(with: Result { try body() }) }
    }
}
