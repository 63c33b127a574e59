import Foundation

/// The keys of spool posts about to be handed over (`CACHE-spooled`, one a line), written and
/// synced before the post's file is renamed into the folder. A worker killed after the rename
/// but before the post was marked sent leaves its key here: if the folder's reader has already
/// taken the file, the key — not the file — says the post went, and it is not sent again.
struct SpoolJournal {
    let path: String
    let cache: String

    init?(cache: String?) {
        guard let cache else { return nil }
        self.cache = cache
        path = CacheSideFile.spooled.path(cache)
    }

    /// Written before the hand-over, and on disk when this returns.
    func record(_ key: String) throws {
        let descriptor = CacheSideFile.spooled.open(cache)
        guard descriptor >= 0 else { throw HeedError("cannot write \(path): \(String(cString: strerror(errno)))", .cannotWrite) }
        defer { close(descriptor) }
        let line = Array((key + "\n").utf8)
        lseek(descriptor, 0, SEEK_END)
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) }
        guard written == line.count, fsync(descriptor) == 0 else {
            throw HeedError("cannot write \(path): \(String(cString: strerror(errno)))", .cannotWrite)
        }
    }

    func keys() -> Set<String> {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return Set(String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
    }

    /// Keeps only `keys` (the posts still being sent); the rest are settled.
    func keep(_ keys: Set<String>) throws {
        let descriptor = CacheSideFile.spooled.open(cache)
        guard descriptor >= 0 else { throw HeedError("cannot write \(path): \(String(cString: strerror(errno)))", .cannotWrite) }
        defer { close(descriptor) }
        let text = Array(keys.sorted().map { $0 + "\n" }.joined().utf8)
        guard ftruncate(descriptor, 0) == 0 else { throw HeedError("cannot write \(path): \(String(cString: strerror(errno)))", .cannotWrite) }
        let written = text.isEmpty ? 0 : text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress!, $0.count, 0) }
        guard written == text.count, fsync(descriptor) == 0 else { throw HeedError("cannot write \(path): \(String(cString: strerror(errno)))", .cannotWrite) }
    }

    /// Large enough to be kept short (a long-running worker hands over many posts between starts).
    var isLong: Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_size > 1 << 20
    }
}
