import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// The team the subject-access and erasure tests work in, and a customer's conversation worked
/// on every way the team can write about it.
enum PrivacyTeam {
    static let config: Config = {
        var config = Config()
        config.accounts = ["x": ["NorthwindHelp"]]
        config.teams = [Team(name: "billing", description: nil, contact: nil)]
        config.operators = [
            Operator(handle: "sam", name: "Sam Brooks", unixUser: nil, role: .lead, signature: "^SB", intro: nil, teams: [], maxAssigned: nil),
            Operator(handle: "priya", name: "Priya Nair", unixUser: nil, role: .agent, signature: "^PN", intro: nil, teams: [], maxAssigned: nil),
        ]
        return config
    }()
    static var sam: Operator { config.operators[0] }
    static var priya: Operator { config.operators[1] }

    /// A cache in `folder` holding `lines`, its action service, and the conversation of source id `a1`.
    static func cache(_ lines: [String], in folder: TemporaryFolder, clock: FixedClock) throws -> (AppDatabase, ActionService, dana: Int64) {
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        _ = try Ingester(database: database, config: config, clock: clock).ingest(path: folder.write("in.jsonl", lines.joined(separator: "\n") + "\n"))
        let dana = try XCTUnwrap(database.read { db in try Int64.fetchOne(db, sql: "SELECT conversation_id FROM mention WHERE source_id = 'a1'") })
        return (database, ActionService(database: database, config: config, clock: clock), dana)
    }

    /// What the team writes: a note, a tag, an escalation, the contact's note and tag, a reply
    /// queued and a draft left by `drafter`.
    struct Work {
        var note: String, escalation: String, contactNote: String, reply: String, draft: String, drafter = "sam"
    }

    static func work(_ work: Work, on conversation: Int64, contact handle: String, _ service: ActionService, _ database: AppDatabase) throws {
        try service.perform(.note(work.note), on: conversation, by: sam)
        try service.perform(.tag(add: ["+billing"], remove: []), on: conversation, by: sam)
        try service.perform(.escalate(team: "billing", note: work.escalation), on: conversation, by: sam)
        try service.noteContact("x:" + handle, text: work.contactNote, by: sam)
        try service.tagContact(handle, add: ["vip"], remove: [], by: sam)
        try service.reply(to: conversation, text: work.reply, by: sam)
        try database.write { db in
            try db.execute(sql: "INSERT INTO draft (conversation_id, operator, text, updated_at) VALUES (?, ?, ?, 0)",
                           arguments: [conversation, work.drafter, work.draft])
        }
    }
}
