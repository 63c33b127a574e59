import Foundation

/// Makes operators' actions on one cache take turns in the order the kernel wakes them, and
/// lets a long writer (an import) see that someone is waiting.
///
/// SQLite has no queue for its write lock: a writer that finds it taken sleeps and tries again,
/// so under load the one that just let go often takes it back and others wait 50 ms and more.
/// Waiting on a file lock (`flock`) instead, the kernel wakes a waiter as the holder lets go
/// (8 operator processes: p99 58 → see docs/performance.md).
///
/// Whoever has to wait holds a shared lock on `PATH-actions.knock` meanwhile: the holder tells
/// that someone waits when it cannot take that one itself (`othersWaiting`).
final class ActionLock: @unchecked Sendable {
    private let descriptor: Int32
    private let knock: Int32

    /// The lock beside the cache at `path` (`PATH-actions.lock`), nil when it cannot be had (an
    /// in-memory cache, a read-only folder): actions then rely on SQLite's lock alone.
    init?(cache path: String?) {
        guard let path else { return nil }
        let descriptor = CacheSideFile.actions.open(path)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        knock = CacheSideFile.knock.open(path)
    }

    deinit {
        close(descriptor)
        if knock >= 0 { close(knock) }
    }

    func holding<T>(_ body: () throws -> T) rethrows -> T {
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            if knock >= 0 { while flock(knock, LOCK_SH) != 0 && errno == EINTR {} }
            while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
            if knock >= 0 { flock(knock, LOCK_UN) }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// Whether another process (or another lock in this one) waits for the lock this one holds.
    func othersWaiting() -> Bool {
        guard knock >= 0 else { return false }
        guard flock(knock, LOCK_EX | LOCK_NB) == 0 else { return true }
        flock(knock, LOCK_UN)
        return false
    }
}
