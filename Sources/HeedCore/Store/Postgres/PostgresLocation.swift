import Foundation

/// Where a PostgreSQL store is, from a URL as libpq reads one:
/// `postgres://USER@HOST:PORT/DATABASE?sslmode=MODE`, or a Unix socket's folder as the host
/// (`postgres:///heed?host=/run/postgresql`, or `postgres://%2Frun%2Fpostgresql/heed`).
///
/// A password never comes in the URL: the URL lands in config files and shell history. It is
/// read from the password file libpq reads (`PGPASSFILE`, else `~/.pgpass`), or the server
/// needs none (peer authentication over the socket).
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum Endpoint: Sendable, Equatable {
        case socket(folder: String)
        case tcp(host: String)
    }

    /// libpq's sslmode, as far as heed tells them apart: `require` encrypts without checking who
    /// answers; `verify-full` also checks the server's certificate and name against the system's
    /// authorities.
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var endpoint: Endpoint
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode

    /// Debian's PostgreSQL puts its socket here.
    static let defaultSocketFolder = "/var/run/postgresql"

    public init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let parsed = URLComponents(string: url)
        // The URL as said back, never with the password someone put in it.
        var shown = parsed
        if shown?.password != nil { shown?.password = "…" }
        func refuse(_ why: String) -> HeedError { HeedError("the store \(shown?.string ?? url): \(why)", .config) }
        guard let parts = parsed, let scheme = parts.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw refuse("not a PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE)")
        }
        guard parts.password == nil else {
            throw refuse("a password in the URL would be kept in config and shell history; put it in ~/.pgpass or the file PGPASSFILE names")
        }
        var query: [String: String] = [:]
        for item in parts.queryItems ?? [] {
            guard ["host", "port", "user", "dbname", "sslmode"].contains(item.name), let value = item.value else {
                throw refuse("unknown parameter \(item.name) (heed reads host, port, user, dbname and sslmode)")
            }
            query[item.name] = value
        }
        let host = query["host"] ?? parts.percentEncodedHost.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        if let host, host.hasPrefix("/") {
            endpoint = .socket(folder: host)
        } else if let host {
            endpoint = .tcp(host: host)
        } else {
            endpoint = .socket(folder: Self.defaultSocketFolder)
        }
        if let text = query["port"] ?? parts.port.map(String.init) {
            guard let value = Int(text), (1...65535).contains(value) else { throw refuse("the port \(text) is not a port number") }
            port = value
        } else {
            port = 5432
        }
        let named = query["user"] ?? parts.user.flatMap { $0.removingPercentEncoding }
        user = named ?? environment["PGUSER"] ?? Self.systemUser()
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        database = query["dbname"] ?? (path.isEmpty ? user : path)
        if let mode = query["sslmode"] {
            guard let value = TLSMode(rawValue: mode) else {
                throw refuse("sslmode \(mode) is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            tls = value
        } else {
            // As libpq: a socket needs no encryption; over the network, encrypted when the server offers it.
            if case .socket = endpoint { tls = .disable } else { tls = .prefer }
        }
        if case .socket = endpoint, tls != .disable {
            throw refuse("sslmode \(tls.rawValue) over a Unix socket: a socket is never encrypted, leave sslmode out")
        }
    }

    /// The socket file for a socket endpoint, named as the server names it.
    var socketPath: String? {
        guard case .socket(let folder) = endpoint else { return nil }
        return "\(folder)/.s.PGSQL.\(port)"
    }

    /// The URL again, without anything secret, for messages and the event log.
    public var description: String {
        switch endpoint {
        case .socket(let folder): "postgres://\(user)@/\(database)?host=\(folder)" + (port == 5432 ? "" : "&port=\(port)")
        case .tcp(let host): "postgres://\(user)@\(host):\(port)/\(database)" + (tls == .prefer ? "" : "?sslmode=\(tls.rawValue)")
        }
    }

    /// The password for this location in a libpq password file, if the file has one.
    ///
    /// Each line is `host:port:database:user:password`, `*` matching anything, `\:` and `\\`
    /// escaping; the first matching line wins. As libpq, a socket's host is matched by
    /// `localhost` (or by its folder), and a file others can read is refused: it holds passwords.
    public func password(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        let file = environment["PGPASSFILE"] ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.pgpass"
        var status = stat()
        guard stat(file, &status) == 0 else { return nil }
        guard status.st_mode & 0o077 == 0 else {
            throw HeedError("\(file) can be read by others: it holds passwords, so heed does not use it (chmod 600 \(file))", .config)
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw HeedError("cannot read the password file \(file)", .unreadable)
        }
        let hosts: [String]
        switch endpoint {
        case .socket(let folder): hosts = ["localhost", folder]
        case .tcp(let host): hosts = [host]
        }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = Self.passwordFields(line)
            guard fields.count == 5 else { continue }
            func matches(_ field: String, _ values: [String]) -> Bool { field == "*" || values.contains(field) }
            if matches(fields[0], hosts) && matches(fields[1], [String(port)]) && matches(fields[2], [database])
                && matches(fields[3], [user]) {
                return fields[4]
            }
        }
        return nil
    }

    static func passwordFields(_ line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }

    private static func systemUser() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "postgres"
    }
}
