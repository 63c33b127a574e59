import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// One connection to a PostgreSQL store, opened from a `PostgresLocation`, with the server's
/// refusals turned into heed's messages.
public struct PostgresSession: Sendable {
    let connection: PostgresConnection
    let location: PostgresLocation
    let logger: Logger

    /// What heed's sessions tell the planner a page read at random costs, against 1 for one read
    /// in order.
    static let randomPageCost = 1.1

    public static func open(_ location: PostgresLocation, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> PostgresSession {
        let password = try location.password(environment: environment)
        let configuration: PostgresConnection.Configuration
        if let socket = location.socketPath {
            configuration = .init(unixSocketPath: socket, username: location.user, password: password, database: location.database)
        } else if case .tcp(let host) = location.endpoint {
            configuration = .init(host: host, port: location.port, username: location.user, password: password,
                                  database: location.database, tls: try tls(location.tls))
        } else {
            preconditionFailure("an endpoint is a socket or a host")
        }
        var logger = Logger(label: "heed.postgres")
        logger.logLevel = .critical
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            // A page read at random costs about what one read in order does: heed's reads are
            // index seeks into a database the server mostly holds in memory, not on a spinning
            // disk (PostgreSQL's default, 4). With it, `followers:` hashed every open conversation
            // rather than seek the open queue's index once for each of 2,672 authors (159 → 22 ms).
            do {
                try await connection.query(PostgresQuery(unsafeSQL: "SET random_page_cost = \(Self.randomPageCost)"), logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            return PostgresSession(connection: connection, location: location, logger: logger)
        } catch {
            throw HeedError("cannot connect to the store \(location): \(Self.reason(error))", .unreadable)
        }
    }

    private static func tls(_ mode: PostgresLocation.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        var settings = TLSConfiguration.makeClientConfiguration()
        if mode != .verifyFull { settings.certificateVerification = .none }
        let context = { () throws -> NIOSSLContext in
            do { return try NIOSSLContext(configuration: settings) } catch {
                throw HeedError("cannot set up TLS for the store: \(error)", .failed)
            }
        }
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(try context())
        case .require, .verifyFull: return .require(try context())
        }
    }

    public func close() async {
        try? await connection.close()
    }

    /// Runs one statement heed wrote itself (names from the cache's own schema, no customer's text).
    func execute(_ sql: String) async throws {
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            throw HeedError("the store \(location) refused \(sql.prefix(80)): \(Self.reason(error))", .failed)
        }
    }

    /// The rows of one query heed wrote itself, streamed as they are read.
    func query(_ sql: String) async throws -> PostgresRowSequence {
        do {
            return try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            throw HeedError("the store \(location) refused \(sql.prefix(80)): \(Self.reason(error))", .failed)
        }
    }

    /// Runs `body` in one transaction (`begin` says which kind), rolled back if it throws.
    func transaction<T: Sendable>(_ begin: String = "BEGIN", _ body: (PostgresSession) async throws -> T) async throws -> T {
        try await execute(begin)
        do {
            let value = try await body(self)
            try await execute("COMMIT")
            return value
        } catch {
            try? await execute("ROLLBACK")
            throw error
        }
    }

    /// The server's own words where it gave some (PSQLError hides them from `description`).
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
                return message + detail
            }
            if let underlying = error.underlying { return "\(underlying)" }
            return "\(error.code)"
        }
        if let error = error as? HeedError { return error.message }
        return "\(error)"
    }
}
