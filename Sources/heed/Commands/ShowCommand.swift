import ArgumentParser
import Foundation
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
            let now = SystemClock().now()
            let zone = workspace.config.timeZone(for: workspace.config.currentOperator(environment: ProcessInfo.processInfo.environment))
            var facts = ["#\(s.conversationID)", s.channel, s.status.rawValue, "priority \(s.priority)"]
            if s.status == .open, let due = s.dueAt { facts.append(Age.due(due, now: now)) }
            if let assignee = s.assignee { facts.append("→ " + assignee + (s.team.map { " (\($0))" } ?? "")) } else if let team = s.team { facts.append("→ " + team) }
            facts.append("\(s.mentionCount) mention\(s.mentionCount == 1 ? "" : "s")")
            if !s.tags.isEmpty { facts.append("tags: " + s.tags.joined(separator: " ")) }
            print(DisplayText(untrusted: facts.joined(separator: " · ")).string)
            print("times in \(zone)")
            // The thread with the team's notes where they were written.
            var notes = detail.notes[...]
            func notesUntil(_ time: Int64) {
                while let note = notes.first, note.createdAt <= time {
                    notes.removeFirst()
                    print("\n\(ShiftClock.stamp(note.createdAt, timeZone: zone))  note by \(note.operatorHandle) (the team's only)")
                    printIndented(note.text)
                }
            }
            for m in detail.mentions {
                notesUntil(m.createdAt - 1)
                let who = (m.ours ? "ours " : "") + "@" + DisplayText(untrusted: m.authorHandle).string
                print("\n\(ShiftClock.stamp(m.createdAt, timeZone: zone))  \(who)  (\(Age.count(m.followers)) followers)")
                printIndented(m.text)
                if let url = m.url { print("  " + DisplayText(untrusted: url).string) }
            }
            notesUntil(Int64.max)
            let delivering = try database.read { db in
                !(try ServiceReport.alerts(db, config: workspace.config, cache: workspace.cachePath, now: now).notSending)
            }
            for post in detail.unsent {
                print("\npost \(post.id) by \(post.operatorHandle) · " + DisplayText(untrusted: post.stateLine(now: now, delivering: delivering)).string)
                printIndented(post.text)
            }
            for escalation in detail.escalations {
                print("\nescalation \(escalation.id): " + DisplayText(untrusted: escalation.summary).string
                    + (escalation.answer.map { " — " + DisplayText(untrusted: $0).string } ?? ""))
            }
        }
    }
}

/// Public text as indented lines, its own line breaks kept, neutralised.
private func printIndented(_ text: String) {
    for line in DisplayText(untrusted: text, keepNewlines: true).string.split(separator: "\n", omittingEmptySubsequences: false) {
        print("  " + line)
    }
}
