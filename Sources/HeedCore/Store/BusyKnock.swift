import Foundation

/// How a connection waits for another's write lock: it asks again every millisecond (every five
/// after the first tenth of a second) for up to `AppDatabase.busyTimeout`, and meanwhile says
/// that it waits on `PATH-actions.knock`, as an operator's action waiting for its turn does
/// (`ActionLock`), so that an import in a long turn ends it at its next round.
///
/// SQLite's own wait sleeps longer the longer it has waited (100 ms a try at last), which would
/// add up to that much to a wait the import had already ended.
final class BusyKnock: @unchecked Sendable {
    private let cache: String
    /// Opened the first time a connection waits: a cache no one contends for gets no side file.
    private var descriptor: Int32?
    private let lock = NSLock()
    private var knocking = false

    /// Knocks beside the cache at `path`; without the file it only waits.
    init(cache path: String) {
        cache = path
    }

    deinit {
        if let descriptor, descriptor >= 0 { close(descriptor) }
    }

    /// SQLite's busy handler: true to ask for the lock again after a pause, false to give up
    /// (the statement fails with SQLITE_BUSY).
    func wait(tries: Int) -> Bool {
        let fastTries = 100
        let waitedMilliseconds = tries <= fastTries ? tries : fastTries + (tries - fastTries) * 5
        guard waitedMilliseconds < Int(AppDatabase.busyTimeout * 1000) else {
            stop()
            return false
        }
        lock.withLock {
            let descriptor = descriptor ?? CacheSideFile.knock.open(cache)
            self.descriptor = descriptor
            // Refused while the holder looks for knocks: asked again at the next try.
            if !knocking && descriptor >= 0 { knocking = flock(descriptor, LOCK_SH | LOCK_NB) == 0 }
        }
        usleep(tries < fastTries ? 1_000 : 5_000)
        return true
    }

    /// In, or given up: no longer waiting.
    func stop() {
        lock.withLock {
            guard knocking, let descriptor else { return }
            flock(descriptor, LOCK_UN)
            knocking = false
        }
    }
}
