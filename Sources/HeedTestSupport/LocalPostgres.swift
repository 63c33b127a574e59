import Foundation
import HeedCore

/// A real PostgreSQL server for the tests: a cluster of its own in a temporary folder, reached
/// through a Unix socket there, and with TLS on the loopback alone (a certificate of its own,
/// made with openssl) for the tests of TLS. Started once per test process and stopped when it
/// exits; each test takes a new empty database.
///
/// PostgreSQL refuses to run as root: under root (CI's containers) the cluster runs as the
/// `postgres` user Debian's package creates.
public final class LocalPostgres: @unchecked Sendable {
    public let folder: String
    private let binaries: String
    private let lock = NSLock()
    private var databases = 0

    /// The process's server, started by the first test that asks. A server that cannot start
    /// fails each test that needs one, saying why, and the other tests run on.
    public static func shared() throws -> LocalPostgres { try started.get() }

    private static let started: Result<LocalPostgres, any Error> = {
        do {
            let server = try LocalPostgres()
            atexit { if case .success(let server) = LocalPostgres.started { server.stop() } }
            return .success(server)
        } catch {
            return .failure(error)
        }
    }()

    private init() throws {
        guard let binaries = Self.binaryFolder() else {
            throw HeedError("PostgreSQL's server is not installed (Debian: apt-get install postgresql); scripts/test installs it")
        }
        self.binaries = binaries
        port = try Self.freePort()
        var template = Array((URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("heed-pg-XXXXXX").path).utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HeedError("cannot make a folder for PostgreSQL: \(String(cString: strerror(errno)))")
        }
        folder = String(cString: made)
        if geteuid() == 0 {
            guard let owner = getpwnam("postgres") else { throw HeedError("running as root, PostgreSQL needs the postgres user (apt-get install postgresql)") }
            chown(folder, owner.pointee.pw_uid, owner.pointee.pw_gid)
        }
        chmod(folder, 0o755)
        try run(["initdb", "-D", folder + "/data", "-A", "trust", "-U", "heed", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        // Three ways in besides the tests' trusted `heed`: a password (from a password file),
        // the operating system's user over the socket (peer), and TLS on the loopback; and a
        // role the tests grant only SELECT, as a team's reporting role.
        try run(["sh", "-c", """
            cat > "$0/data/pg_hba.conf" <<EOF
            local all heed trust
            local all \(Self.reader) trust
            local all secured scram-sha-256
            local all \(Self.systemUser) peer
            hostssl all secured 127.0.0.1/32 scram-sha-256
            EOF
            cd "$0/data" && openssl req -new -x509 -days 2 -nodes -subj /CN=localhost -keyout server.key -out server.crt 2>/dev/null && chmod 600 server.key
            """, folder])
        try run(["pg_ctl", "-D", folder + "/data", "-l", folder + "/server.log", "-w", "-t", "60",
                 "-o", "-k \(folder) -p \(port) -c listen_addresses=127.0.0.1 -c ssl=on -c fsync=off -c full_page_writes=off", "start"])
        try psql("postgres", "CREATE ROLE secured LOGIN PASSWORD '\(Self.password)'")
        try psql("postgres", "CREATE ROLE \(Self.reader) LOGIN")
        if Self.systemUser != "heed" { try psql("postgres", "CREATE ROLE \"\(Self.systemUser)\" LOGIN") }
    }

    /// The port the server listens on, on the loopback and in its socket's name.
    public let port: Int
    /// The role that must give a password, and its password.
    public static let password = "correct horse battery staple"
    /// A role that holds nothing until a test grants it (SELECT, for a reporting role).
    public static let reader = "reporter"
    public static let systemUser: String = {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "heed" }
        return String(cString: name)
    }()

    /// A new, empty database and the URL that reaches it (as `heed`, trusted over the socket).
    public func newDatabase() throws -> String {
        let name = lock.withLock { () -> String in
            databases += 1
            return "heed_test_\(databases)"
        }
        try psql("postgres", "CREATE DATABASE \(name)")
        return url(name)
    }

    public func url(_ database: String) -> String { "postgres:///\(database)?host=\(folder)&port=\(port)&user=heed" }

    /// Runs SQL with psql (the test's own statements, never a customer's text through a shell:
    /// psql is started directly), returning what it printed, unaligned and without headers.
    @discardableResult
    public func psql(_ database: String, _ sql: String) throws -> String {
        let output = try ChildProcess.run([binaries + "/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", folder, "-p", "\(port)", "-U", "heed",
                                           "-d", database, "-c", sql], timeout: 60)
        guard let output, output.exit.status == 0 else {
            throw HeedError("psql \(sql): \(output.map { String(decoding: $0.stderr, as: UTF8.self) } ?? "timed out")")
        }
        return String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func stop() {
        try? run(["pg_ctl", "-D", folder + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func run(_ arguments: [String]) throws {
        var command = (arguments[0] == "sh" ? ["/bin/sh"] : [binaries + "/" + arguments[0]]) + arguments.dropFirst()
        if geteuid() == 0 { command = ["runuser", "-u", "postgres", "--"] + command }
        guard let output = try ChildProcess.run(command, timeout: 120) else { throw HeedError("\(arguments[0]) timed out") }
        guard output.exit.status == 0 else {
            let log = (try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? ""
            throw HeedError("\(arguments[0]) failed: \(String(decoding: output.stderr + output.stdout, as: UTF8.self)) \(log)")
        }
    }

    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw HeedError("no free port on the loopback for PostgreSQL") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Debian installs the server's programs under /usr/lib/postgresql/VERSION/bin, off PATH.
    private static func binaryFolder() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        return nil
    }
}
