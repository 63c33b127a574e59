import Foundation

/// Writes a file whole under a new name beside it, then renames it over the old one: a reader
/// never sees half of it, a crash leaves the old one, and nothing planted at the new name (a
/// link) is written through.
enum FileReplacement {
    /// `path` becomes `bytes`, with `mode` (narrowed by the umask unless `exactly`: a file kept
    /// as it was). `beforeRename` runs once the bytes are on disk (a hand-over recorded first);
    /// a failure leaves no new file behind.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t, exactly: Bool = false, beforeRename: () throws -> Void = {}) throws {
        let temporary = path + ".tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw HeedError("cannot write \(temporary): \(String(cString: strerror(errno)))", .cannotWrite) }
        let written = bytes.isEmpty ? 0 : bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, $0.count) }
        let whole = written == bytes.count && (!exactly || fchmod(fd, mode) == 0) && fsync(fd) == 0
        close(fd)
        guard whole else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw HeedError("cannot write \(temporary): \(reason)", .cannotWrite)
        }
        try beforeRename()
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw HeedError("cannot write \(path): \(reason)", .cannotWrite)
        }
    }
}
