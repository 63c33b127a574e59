import Foundation

/// The files heed keeps beside a cache (its locks): opened without following a link, and given
/// the cache's group and mode, so that a team sharing a cache through a Unix group shares them
/// too — whatever the umask of whoever made them first.
enum CacheSideFile {
    /// `cache + suffix`, opened read-write (made if missing); -1 with errno set when it cannot be.
    static func open(_ cache: String, suffix: String) -> Int32 {
        let path = cache + suffix
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
