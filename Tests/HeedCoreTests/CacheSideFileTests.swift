import Foundation
import HeedTestSupport
import XCTest
@testable import HeedCore

/// A team shares a cache through a Unix group: every lock heed makes beside it follows the
/// cache's group and mode, whatever the umask of whoever makes it first.
final class CacheSideFileTests: XCTestCase {
    func testLocksFollowTheCachesGroupAndModeWhateverTheUmask() throws {
        let folder = TemporaryFolder()
        let cache = folder.file("cache.sqlite")
        _ = try AppDatabase.open(path: cache)
        var status = stat()
        XCTAssertEqual(stat(cache, &status), 0)
        // Another group than the process's own, as a team's would be (root may give any).
        XCTAssertEqual(chown(cache, uid_t.max, getuid() == 0 ? 1 : status.st_gid), 0)
        XCTAssertEqual(stat(cache, &status), 0)
        let old = umask(0o077)
        defer { umask(old) }
        for side in CacheSideFile.allCases {
            let suffix = side.rawValue
            unlink(side.path(cache))
            let descriptor = side.open(cache)
            XCTAssertGreaterThanOrEqual(descriptor, 0)
            close(descriptor)
            var lock = stat()
            XCTAssertEqual(stat(side.path(cache), &lock), 0)
            XCTAssertEqual(lock.st_mode & 0o777, 0o660, "\(suffix) readable and writable by the group, not 0600 from the umask")
            XCTAssertEqual(lock.st_gid, status.st_gid, "\(suffix) in the cache's group")
        }
        // A link planted where a lock goes is not followed.
        let target = folder.write("target", "keep")
        unlink(cache + "-actions.lock")
        XCTAssertEqual(symlink(target, cache + "-actions.lock"), 0)
        XCTAssertLessThan(CacheSideFile.actions.open(cache), 0)
        XCTAssertEqual(folder.read("target"), "keep")
    }
}
