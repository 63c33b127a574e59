import Foundation
import HeedTestSupport
import XCTest
@testable import HeedCore

/// A team's cache is bound to the team's config, which agents cannot change. An agent who copies
/// it and makes themselves a lead (the same scoring, so the binding alone lets the copy in) must
/// not act as anyone else, nor bind the cache to their copy: who they are is the team's file's.
final class OwnConfigCopyTests: XCTestCase {
    let folder = TemporaryFolder()

    func team(leeIs role: String) -> String {
        #"{"operators": [{"handle": "sam", "name": "Sam", "unix_user": "samuser", "role": "lead"},"#
            + #" {"handle": "lee", "name": "Lee", "unix_user": "agentlee", "role": "\#(role)"}]}"#
    }

    /// The workspace of `--config path` as the uid of `login` would have it, who may change only `theirs`.
    func workspace(_ path: String, login: String, theirs: String) throws -> Workspace {
        var workspace = try Workspace.resolve(configFlag: path, cacheFlag: folder.file("cache.sqlite"), environment: ["HOME": folder.path])
        workspace.identity = Identity(uid: 4200, unixUser: login, mayChangeConfig: workspace.configSource == theirs)
        workspace.mayChange = { $0 == theirs }
        return workspace
    }

    func testACopyOfTheTeamsConfigIsRefusedWhereTheCacheIsOpened() throws {
        let teamPath = folder.write("team.json", team(leeIs: "agent"))
        let copyPath = folder.write("mine.json", team(leeIs: "lead"))
        let copy = try workspace(copyPath, login: "agentlee", theirs: copyPath)
        // The copy makes its maker a lead: without the binding they could act for sam.
        XCTAssertEqual(try copy.actingOperator(named: "sam", environment: [:]).handle, "sam")

        let lead = try workspace(teamPath, login: "samuser", theirs: teamPath)
        try lead.openCache(environment: [:]).close()
        XCTAssertEqual(ConfigBinding.peek(path: lead.cachePath)?.source, lead.configSource)

        XCTAssertThrowsError(try copy.openCache(environment: [:])) { error in
            let refusal = error as! HeedError
            XCTAssertEqual(refusal.kind, .notPermitted)
            XCTAssertTrue(refusal.message.contains("bound to the config \(lead.configSource), which you cannot change"), refusal.message)
            XCTAssertTrue(refusal.message.hasSuffix("use --config \(lead.configSource)"), refusal.message)
        }
        XCTAssertThrowsError(try copy.refuseOwnCopy(of: ConfigBinding.peek(path: copy.cachePath)), "nor may the copy be applied or restored")

        // The team's own file, read by the agent, lets them act only as themselves.
        let agent = try workspace(teamPath, login: "agentlee", theirs: copyPath)
        try agent.openCache(environment: [:]).close()
        XCTAssertEqual(try agent.actingOperator(named: nil, environment: [:]).handle, "lee")
        XCTAssertThrowsError(try agent.actingOperator(named: "sam", environment: [:]))
        // Whoever may change the team's file may use any copy: they could make it say anything.
        let owner = try workspace(copyPath, login: "samuser", theirs: teamPath)
        XCTAssertNoThrow(try owner.openCache(environment: [:]).close())
    }

    func testNoFileBoundMeansNothingToDefer() throws {
        let copyPath = folder.write("mine.json", team(leeIs: "lead"))
        let copy = try workspace(copyPath, login: "agentlee", theirs: copyPath)
        for source in [ConfigBinding.example, ConfigBinding.defaults, folder.file("moved-away.json")] {
            XCTAssertNoThrow(try copy.refuseOwnCopy(of: ConfigBinding(scoring: copy.config.scoring, source: source, boundAt: 0, boundBy: nil)), source)
        }
        XCTAssertNoThrow(try copy.refuseOwnCopy(of: nil))
    }
}
