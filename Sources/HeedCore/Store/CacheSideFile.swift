import Foundation

/// The files heed keeps beside a cache (its locks, and the spool's journal): opened without
/// following a link, and given the cache's group and mode, so that a team sharing a cache
/// through a Unix group shares them too — whatever the umask of whoever made them first.
enum CacheSideFile: String, CaseIterable {
    /// Whether any heed has the cache open (shared while open; a restore takes it exclusively).
    case users = "-users.lock"
    /// Operators' actions take turns on it (`ActionLock`).
    case actions = "-actions.lock"
    /// Whoever waits for the write lock says so on it (`ActionLock`, `BusyKnock`).
    case knock = "-actions.knock"
    /// One process migrates the schema at a time.
    case migrate = "-migrate.lock"
    /// One `heed run` a cache.
    case run = "-run.lock"
    /// One delivery worker at a time.
    case deliver = "-deliver.lock"
    /// The keys of spool posts being handed over (`SpoolJournal`).
    case spooled = "-spooled"

    /// The side file's path beside `cache`.
    func path(_ cache: String) -> String { cache + rawValue }

    /// The side file beside `cache`, opened read-write (made if missing); -1 with errno set when
    /// it cannot be.
    func open(_ cache: String) -> Int32 {
        let path = path(cache)
        let descriptor = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o660)
        guard descriptor >= 0 else { return descriptor }
        var cacheStatus = stat(), status = stat()
        if stat(cache, &cacheStatus) == 0, fstat(descriptor, &status) == 0, status.st_uid == getuid() {
            // Only the owner may change them; another member of the group finds them right already.
            if status.st_gid != cacheStatus.st_gid { _ = fchown(descriptor, uid_t.max, cacheStatus.st_gid) }
            let mode = (cacheStatus.st_mode & 0o666) | 0o600
            if status.st_mode & 0o777 != mode { _ = fchmod(descriptor, mode) }
        }
        return descriptor
    }
}
