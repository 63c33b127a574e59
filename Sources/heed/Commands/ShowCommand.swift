import ArgumentParser
import HeedCore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one conversation with all its mentions.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The conversation's number (as `heed queue` lists it).")
    var id: Int64

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try guarded {
            let workspace = try global.workspace()
            let database = try workspace.openCache()
            guard let detail = try database.read({ db in try ConversationDetail.fetch(db, id: id) }) else {
                throw HeedError("no conversation \(id)", .badData, hint: .listConversations)
            }
            if json {
                try printJSON(detail)
                return
            }
            let s = detail.summary
            print("#\(s.conversationID) · \(s.channel) · \(s.status.rawValue) · \(s.mentionCount) mention(s)"
                + (s.tags.isEmpty ? "" : " · " + s.tags.map { DisplayText(untrusted: $0).string }.joined(separator: " ")))
            for m in detail.mentions {
                let who = (m.ours ? "ours " : "") + "@" + DisplayText(untrusted: m.authorHandle).string
                print("")
                print("\(RFC3339.string(fromMilliseconds: m.createdAt))  \(who)  (\(Age.count(m.followers)) followers)")
                for line in DisplayText(untrusted: m.text, keepNewlines: true).string.split(separator: "\n", omittingEmptySubsequences: false) {
                    print("  " + line)
                }
                if let url = m.url { print("  " + DisplayText(untrusted: url).string) }
            }
            for note in detail.notes { print("\nnote: " + DisplayText(untrusted: note).string) }
            for escalation in detail.escalations {
                print("\nescalation \(escalation.id): " + DisplayText(untrusted: escalation.summary).string
                    + (escalation.answer.map { " — " + DisplayText(untrusted: $0).string } ?? ""))
            }
        }
    }
}
