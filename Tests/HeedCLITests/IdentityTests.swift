import Foundation
import GRDB
import HeedCore
import HeedTestSupport
import XCTest

/// An agent on a team's shared cache, whose config they may read but not change: heed knows
/// them by their uid, whatever they claim.
final class IdentityTests: XCTestCase {
    let folder = TemporaryFolder()
    /// The team's config lives apart, in a folder the agent cannot write.
    let configFolder = TemporaryFolder("heed-config")
    var cache: String { folder.file("demo.sqlite") }
    var config: String { configFolder.file("team.json") }

    /// As root, the agent is `nobody` (setpriv); as anyone else, themselves with the config made read-only.
    var agent: (login: String, uid: UInt32, through: [String]) {
        if getuid() == 0 {
            return ("nobody", 65534, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        }
        return (Identity.process(mayChangeConfig: false).unixUser ?? "", getuid(), [])
    }

    override func setUpWithError() throws {
        XCTAssertEqual(try HeedRun.run(["demo", "--no-ui", "--cache", cache, "--size", "60"], in: folder).status, 0)
        configFolder.write("team.json", """
            {"teams": [{"name": "billing"}],
             "operators": [{"handle": "sam", "name": "Sam Brooks", "unix_user": "\(agent.login)"},
                           {"handle": "priya", "name": "Priya Nair", "unix_user": "pnair", "role": "lead"}]}
            """)
        XCTAssertEqual(try HeedRun.run(["config", "apply", config, "--cache", cache], in: folder).status, 0)
        // The cache is the team's to write; the config only its administrator's.
        chmod(folder.path, 0o777)
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) { chmod(folder.file(file), 0o666) }
        chmod(configFolder.path, 0o555)
        chmod(config, 0o444)
    }

    override func tearDown() {
        chmod(configFolder.path, 0o755)
    }

    func asAgent(_ arguments: [String], environment: [String: String] = [:], config: String? = nil) throws -> HeedRun {
        try HeedRun.run(arguments + ["--cache", cache, "--config", config ?? self.config], in: folder, environment: environment,
                        through: agent.through)
    }

    func testAnAgentIsWhoTheirUidSaysAndNoOneElse() throws {
        let refusal = "heed: \(agent.login) may act only as sam, not as priya: acting for someone else is for leads and whoever may change the config\n"
        for (arguments, environment) in [(["resolve", "7", "--as", "priya"], [:]), (["resolve", "7"], ["HEED_OPERATOR": "priya"])] {
            let claimed = try asAgent(arguments, environment: environment)
            XCTAssertEqual(claimed.status, 77, claimed.stderr)
            XCTAssertEqual(claimed.stderr, refusal)
        }
        let own = try asAgent(["resolve", "7"], environment: ["USER": "pnair"])
        XCTAssertEqual(own.stdout, "sam resolved #7\n", own.stderr)

        let restored = try asAgent(["restore", folder.file("old.sqlite")])
        XCTAssertEqual(restored.status, 77, restored.stderr)
        XCTAssertTrue(restored.stderr.contains("may not restore the cache"), restored.stderr)

        let database = try AppDatabase.open(path: cache)
        defer { try? database.close() }
        let logged = try database.read { db in try Row.fetchAll(db, sql: "SELECT operator, uid FROM event WHERE kind = 'resolve'") }
        XCTAssertEqual(logged.map { "\($0["operator"] as String) \($0["uid"] as UInt32)" }, ["sam \(agent.uid)"], "the log names the uid beside the operator")
        let audit = try HeedRun.run(["audit", "verify", "--cache", cache], in: folder)
        XCTAssertEqual(audit.status, 0, audit.stdout + audit.stderr)
    }

    func testALeadActsForTheTeam() throws {
        // The lead's login is the agent's here: the config makes them a lead.
        chmod(configFolder.path, 0o755)
        chmod(config, 0o644)
        configFolder.write("team.json", """
            {"teams": [{"name": "billing"}],
             "operators": [{"handle": "sam", "name": "Sam Brooks", "unix_user": "\(agent.login)", "role": "lead"},
                           {"handle": "priya", "name": "Priya Nair", "unix_user": "pnair"}]}
            """)
        chmod(configFolder.path, 0o555)
        chmod(config, 0o444)
        let forPriya = try asAgent(["tag", "7", "+billing", "--as", "priya"])
        XCTAssertEqual(forPriya.stdout, "priya tagged #7\n", forPriya.stderr)
        let applied = try asAgent(["config", "apply", config])
        XCTAssertEqual(applied.status, 0, "a lead may bind the cache: \(applied.stderr)")
    }
}
