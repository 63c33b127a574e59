import Foundation

/// A program started with an argument list — never through a shell — with its standard
/// streams on files, waited for with waitpid. (Foundation's Process waits for grandchildren
/// holding inherited descriptors, which hangs with daemons such as tmux.)
public struct ChildProcess: Sendable {
    public let pid: pid_t

    public struct Exit: Sendable {
        /// The exit status, or 128 + the signal number when a signal ended it.
        public var status: Int32
        public var signalled: Bool
        /// Peak resident memory of the child, in bytes.
        public var maxResidentBytes: Int
        /// What the child had written to the disk, in bytes (counted as the pages it changed
        /// go to the storage layer: a WAL frame and its checkpoint both count).
        public var writtenBytes: Int

        /// From what `wait4` tells of an ended child.
        init(waitStatus status: Int32, usage: rusage) {
            let signalNumber = status & 0x7F
            signalled = signalNumber != 0 && signalNumber != 0x7F
            self.status = signalled ? 128 + signalNumber : (status >> 8) & 0xFF
            maxResidentBytes = Int(usage.ru_maxrss) * 1024
            writtenBytes = Int(usage.ru_oublock) * 512
        }
    }

    /// Starts `arguments[0]` (a path, or a name looked up on PATH) with the rest as its arguments.
    public static func spawn(_ arguments: [String], stdin: String = "/dev/null", stdout: String = "/dev/null",
                             stderr: String = "/dev/null", environment: [String: String]? = nil) throws -> ChildProcess {
        precondition(!arguments.isEmpty)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        if stderr == stdout {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = env.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, &envp)
        guard result == 0 else {
            throw HeedError("cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid)
    }

    /// Waits for the child to end.
    public func wait() -> Exit {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        return Exit(waitStatus: status, usage: usage)
    }

    /// Waits at most `seconds`; a child still running then is killed, and nil returned.
    public func wait(timeout seconds: Double) -> Exit? {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        var usage = rusage()
        while Date() < deadline {
            let result = wait4(pid, &status, WNOHANG, &usage)
            if result == pid { return Exit(waitStatus: status, usage: usage) }
            if result < 0 && errno != EINTR { return nil }
            usleep(10_000)
        }
        kill()
        _ = wait()
        return nil
    }

    public func kill(_ signal: Int32 = SIGKILL) {
        _ = Foundation.kill(pid, signal)
    }
}

extension ChildProcess {
    /// What a program run to its end wrote.
    public struct Output: Sendable {
        public var exit: Exit
        public var stdout: Data
        public var stderr: Data

        /// The last line it wrote on standard error, for a message.
        public var lastErrorLine: String {
            String(decoding: stderr, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        }
    }

    /// Runs `arguments` (no shell) with `input` on its standard input, and returns what it wrote;
    /// nil when it took longer than `timeout` seconds (it is killed). Its streams go through
    /// files in a folder of heed's own, readable by this user only, removed after.
    public static func run(_ arguments: [String], input: Data = Data(), timeout: Double, environment: [String: String]? = nil) throws -> Output? {
        let folder = try PrivateFolder()
        defer { folder.remove() }
        try folder.write("in", input)
        let child = try spawn(arguments, stdin: folder.path("in"), stdout: folder.path("out"), stderr: folder.path("err"), environment: environment)
        guard let exit = child.wait(timeout: timeout) else { return nil }
        return Output(exit: exit, stdout: folder.read("out"), stderr: folder.read("err"))
    }
}

/// A temporary folder only this user can enter (`mkdtemp`, mode 0700), whose files are created
/// new (`O_EXCL`, no symlink followed): nothing planted beside it can be written through.
struct PrivateFolder {
    let root: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/heed-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HeedError("cannot make a private temporary folder: \(String(cString: strerror(errno)))", .cannotWrite)
        }
        root = String(cString: made)
    }

    func path(_ name: String) -> String { root + "/" + name }

    func write(_ name: String, _ data: Data) throws {
        let fd = open(path(name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HeedError("cannot write \(path(name)): \(String(cString: strerror(errno)))", .cannotWrite) }
        defer { close(fd) }
        var offset = 0
        while offset < data.count {
            let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard written > 0 else { throw HeedError("cannot write \(path(name)): \(String(cString: strerror(errno)))", .cannotWrite) }
            offset += written
        }
    }

    func read(_ name: String) -> Data { FileManager.default.contents(atPath: path(name)) ?? Data() }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}
