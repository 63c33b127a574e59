import Foundation

/// One `heed run` a cache: it holds `CACHE-run.lock` (with its process id and host in it) for
/// as long as it runs. The kernel lets go of the lock when the process ends however it ends, so
/// whether it is held says whether a run is alive — for the screen and `heed status` too.
public final class RunLock: @unchecked Sendable {
    private let descriptor: Int32

    /// Takes the lock, or says who holds it.
    public init(cache path: String) throws {
        let file = CacheSideFile.run.path(path)
        let descriptor = CacheSideFile.run.open(path)
        guard descriptor >= 0 else { throw HeedError("cannot open \(file): \(String(cString: strerror(errno)))", .cannotWrite) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.holder(descriptor)
            close(descriptor)
            throw HeedError("heed run is already running for \(path)" + (holder.map { " (\($0))" } ?? ""), .conflict)
        }
        self.descriptor = descriptor
        let line = "process \(getpid()) on \(ProcessInfo.processInfo.hostName)\n"
        _ = ftruncate(descriptor, 0)
        _ = line.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        close(descriptor)
    }

    private static func holder(_ descriptor: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 200)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// Whether a `heed run` holds the lock of the cache at `path` now, and who.
    public static func running(cache path: String) -> (running: Bool, holder: String?) {
        let descriptor = open(CacheSideFile.run.path(path), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return (false, nil) }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return (false, nil)
        }
        return (true, holder(descriptor))
    }
}
