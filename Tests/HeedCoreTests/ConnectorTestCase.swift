import Foundation
import HeedTestSupport
import Logging
import XCTest
@testable import HeedCore

/// What a test of a signed-in network's connector needs: a folder with the secrets file, a
/// clock, one `Connectors` for the test as `heed run` has one for the run, and a listening round.
class ConnectorTestCase: XCTestCase {
    /// When the test's clock starts.
    class var startsAt: String { "2026-08-01T14:00:00Z" }

    let folder = TemporaryFolder()
    lazy var clock = FixedClock(Self.startsAt)
    var secrets: Secrets { Secrets(configPath: folder.file("config.json"), environment: [:]) }

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    private var made: Connectors?
    func connectors(_ config: Config) -> Connectors {
        if let made { return made }
        made = Connectors(config: config, secrets: secrets, clock: clock)
        return made!
    }

    /// One round of listening to the config's first account.
    func listen(_ database: AppDatabase, _ config: Config) async throws -> Int64 {
        try await ListenPart(account: config.connectedAccounts[0], connectors: connectors(config), database: database, config: config,
                             clock: clock, logger: Self.quiet).round()
    }

    func state(_ database: AppDatabase, _ account: String) throws -> AccountState {
        try XCTUnwrap(try database.read { db in try AccountState.fetchOne(db, key: account) })
    }
}
