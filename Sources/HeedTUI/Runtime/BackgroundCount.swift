import Foundation
import HeedCore

/// Counts on a thread of its own what the keys must not wait for: the Reports view's figures
/// (seconds on a million mentions) and the tabs' counts (a quarter of a second with 400,000
/// open). One count at a time; the runtime takes what finished on its next turn.
final class BackgroundCount<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var finished: Result<Value, HeedError>?
    private var counting = false
    /// When the latest count started, and the cache's change token then.
    private(set) var startedAt: Int64 = 0
    private(set) var startedToken: Int?

    var running: Bool { lock.withLock { counting } }

    /// Whether to count again at `now`: none is running, and none was started yet, or the cache
    /// changed (its token is not the one the last count began at) at least `milliseconds` after it began.
    func due(token: Int, now: Int64, changedAfter milliseconds: Int64) -> Bool {
        !running && (startedToken == nil || (startedToken != token && now - startedAt >= milliseconds))
    }

    /// Starts a count unless one is running (its figures come soon enough).
    func start(now: Int64, token: Int, _ count: @escaping @Sendable () -> Result<Value, HeedError>) {
        let started = lock.withLock {
            guard !counting else { return false }
            counting = true
            return true
        }
        guard started else { return }
        (startedAt, startedToken) = (now, token)
        Thread.detachNewThread { [self] in
            let result = count()
            lock.withLock {
                finished = result
                counting = false
            }
        }
    }

    /// What the latest count found, once.
    func take() -> Result<Value, HeedError>? {
        lock.withLock {
            defer { finished = nil }
            return finished
        }
    }
}
