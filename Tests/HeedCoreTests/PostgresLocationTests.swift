import HeedTestSupport
import XCTest
@testable import HeedCore

/// Where a PostgreSQL store is, and how heed gets in: URLs as libpq reads them, the password
/// file, and a real server's password, peer and TLS authentication.
final class PostgresLocationTests: XCTestCase {
    let folder = TemporaryFolder()
    let environment = ["PGUSER": "sam", "HOME": "/nonexistent"]

    func location(_ url: String) throws -> PostgresLocation { try PostgresLocation(url: url, environment: environment) }

    func testURLsAsLibpqReadsThem() throws {
        var place = try location("postgres://ops@db.example.com:6432/heed?sslmode=verify-full")
        XCTAssertEqual(place.endpoint, .tcp(host: "db.example.com"))
        XCTAssertEqual([place.port], [6432])
        XCTAssertEqual([place.user, place.database], ["ops", "heed"])
        XCTAssertEqual(place.tls, .verifyFull)
        XCTAssertEqual(place.description, "postgres://ops@db.example.com:6432/heed?sslmode=verify-full")

        place = try location("postgresql://db.example.com/heed")
        XCTAssertEqual(place.tls, .prefer, "over the network, encrypted when offered, as libpq")
        XCTAssertEqual(place.user, "sam", "PGUSER when the URL names nobody")

        place = try location("postgres:///team?host=/run/postgresql")
        XCTAssertEqual(place.endpoint, .socket(folder: "/run/postgresql"))
        XCTAssertEqual(place.socketPath, "/run/postgresql/.s.PGSQL.5432")
        XCTAssertEqual(place.tls, .disable)

        place = try location("postgres://%2Fvar%2Frun%2Fpostgresql:5433/team")
        XCTAssertEqual(place.socketPath, "/var/run/postgresql/.s.PGSQL.5433")

        place = try location("postgres://")
        XCTAssertEqual(place.endpoint, .socket(folder: "/var/run/postgresql"))
        XCTAssertEqual(place.database, "sam", "the user's own database, as libpq")
    }

    func testWrongURLsAreRefusedSayingWhy() {
        let cases = [
            ("postgres://ops:hunter2@db.example.com/heed", "a password in the URL"),
            ("mysql://db.example.com/heed", "not a PostgreSQL URL"),
            ("postgres://db.example.com:99999/heed", "not a port number"),
            ("postgres://db.example.com/heed?sslmode=sometimes", "sslmode sometimes is not one of disable, prefer, require, verify-full"),
            ("postgres:///heed?host=/run/postgresql&sslmode=require", "over a Unix socket"),
            ("postgres://db.example.com/heed?application_name=x", "unknown parameter application_name"),
        ]
        for (url, why) in cases {
            XCTAssertThrowsError(try location(url), url) { error in
                let error = error as? HeedError
                XCTAssertEqual(error?.kind, .config, url)
                XCTAssertTrue(error?.message.contains(why) ?? false, "\(url): \(error?.message ?? "")")
                XCTAssertFalse(error?.message.contains("hunter2") ?? true, "the password is not repeated")
            }
        }
    }

    func testThePasswordFileAsLibpqReadsIt() throws {
        let file = folder.write("pgpass", """
            # a comment
            other.example.com:5432:heed:ops:not-this-one
            db.example.com:5432:heed:ops:pass\\:word\\\\one
            *:*:*:ops:fallback
            localhost:5432:team:sam:for-the-socket
            """)
        chmod(file, 0o600)
        let environment = ["PGPASSFILE": file, "PGUSER": "sam"]
        XCTAssertEqual(try PostgresLocation(url: "postgres://ops@db.example.com/heed", environment: environment).password(environment: environment),
                       "pass:word\\one")
        XCTAssertEqual(try PostgresLocation(url: "postgres://ops@elsewhere/x", environment: environment).password(environment: environment), "fallback")
        XCTAssertEqual(try PostgresLocation(url: "postgres:///team?host=/run/postgresql", environment: environment).password(environment: environment),
                       "for-the-socket")
        XCTAssertNil(try PostgresLocation(url: "postgres://kim@elsewhere/x", environment: environment).password(environment: environment))

        chmod(file, 0o644)
        XCTAssertThrowsError(try PostgresLocation(url: "postgres://ops@db.example.com/heed", environment: environment).password(environment: environment)) {
            XCTAssertTrue(($0 as? HeedError)?.message.contains("can be read by others") ?? false, "\($0)")
        }
    }

    // MARK: - A real server

    func testAPasswordComesFromThePasswordFile() async throws {
        let postgres = try LocalPostgres.shared()
        let url = "postgres://secured@/postgres?host=\(postgres.folder)&port=\(postgres.port)"
        let file = folder.write("pgpass", "localhost:\(postgres.port):postgres:secured:\(LocalPostgres.password)\n")
        chmod(file, 0o600)
        let session = try await PostgresSession.open(try PostgresLocation(url: url), environment: ["PGPASSFILE": file])
        await session.close()

        do {
            _ = try await PostgresSession.open(try PostgresLocation(url: url), environment: ["PGPASSFILE": folder.file("none")])
            XCTFail("connected without the password")
        } catch let error as HeedError {
            XCTAssertTrue(error.message.hasPrefix("cannot connect to the store postgres://secured@/postgres"), error.message)
        }
    }

    func testPeerAuthenticationOverTheSocketNeedsNoPassword() async throws {
        let postgres = try LocalPostgres.shared()
        let url = "postgres:///postgres?host=\(postgres.folder)&port=\(postgres.port)"
        let session = try await PostgresSession.open(try PostgresLocation(url: url, environment: [:]), environment: [:])
        var user = ""
        for try await name in try await session.query("SELECT current_user::text").decode(String.self) { user = name }
        XCTAssertEqual(user, LocalPostgres.systemUser)
        await session.close()
    }

    func testTLSOnTheLoopback() async throws {
        let postgres = try LocalPostgres.shared()
        let file = folder.write("pgpass", "127.0.0.1:\(postgres.port):postgres:secured:\(LocalPostgres.password)\n")
        chmod(file, 0o600)
        let url = "postgres://secured@127.0.0.1:\(postgres.port)/postgres"
        let session = try await PostgresSession.open(try PostgresLocation(url: url + "?sslmode=require"), environment: ["PGPASSFILE": file])
        var encrypted = false
        for try await on in try await session.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").decode(Bool.self) { encrypted = on }
        XCTAssertTrue(encrypted)
        await session.close()

        // The server's certificate is its own, signed by nobody: verify-full refuses it.
        do {
            _ = try await PostgresSession.open(try PostgresLocation(url: url + "?sslmode=verify-full"), environment: ["PGPASSFILE": file])
            XCTFail("trusted a self-signed certificate")
        } catch let error as HeedError {
            XCTAssertTrue(error.message.contains("cannot connect"), error.message)
        }
        // The server takes this role only over TLS.
        do {
            _ = try await PostgresSession.open(try PostgresLocation(url: url + "?sslmode=disable"), environment: ["PGPASSFILE": file])
            XCTFail("connected without TLS")
        } catch let error as HeedError {
            XCTAssertTrue(error.message.contains("cannot connect"), error.message)
        }
    }
}
