import Foundation

/// Makes operators' actions on one cache take turns in the order the kernel wakes them.
///
/// SQLite has no queue for its write lock: a writer that finds it taken sleeps and tries again,
/// so under load the one that just let go often takes it back and others wait 50 ms and more.
/// Waiting on a file lock (`flock`) instead, the kernel wakes a waiter as the holder lets go
/// (8 operator processes: p99 58 → see docs/performance.md).
final class ActionLock: @unchecked Sendable {
    private let descriptor: Int32

    /// The lock beside the cache at `path` (`PATH-actions.lock`), nil when it cannot be had (an
    /// in-memory cache, a read-only folder): actions then rely on SQLite's lock alone.
    init?(cache path: String?) {
        guard let path else { return nil }
        let descriptor = CacheSideFile.open(path, suffix: "-actions.lock")
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    func holding<T>(_ body: () throws -> T) rethrows -> T {
        while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
