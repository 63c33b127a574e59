import Foundation

/// A conversation as plain text — its facts, the thread with the team's notes where they were
/// written, posts not sent, escalations — for `heed show` and for piping to a command. Public
/// text is neutralised; times are in the reader's zone.
public enum ConversationText {
    public static func render(_ detail: ConversationDetail, timeZone zone: String, now: Int64, delivering: Bool) -> String {
        var out: [String] = []
        let s = detail.summary
        var facts = ["#\(s.conversationID)", s.channel, s.status.rawValue, "priority \(s.priority)"]
        if s.status == .open, let due = s.dueAt { facts.append(Age.due(due, now: now)) }
        if let assignee = s.assignee { facts.append("→ " + assignee + (s.team.map { " (\($0))" } ?? "")) } else if let team = s.team { facts.append("→ " + team) }
        facts.append("\(s.mentionCount) mention\(s.mentionCount == 1 ? "" : "s")")
        if !s.tags.isEmpty { facts.append("tags: " + s.tags.joined(separator: " ")) }
        out.append(DisplayText(untrusted: facts.joined(separator: " · ")).string)
        out.append("times in \(ShiftClock.zoneName(zone))")
        var notes = detail.notes[...]
        func notesUntil(_ time: Int64) {
            while let note = notes.first, note.createdAt <= time {
                notes.removeFirst()
                out.append("\n\(ShiftClock.stamp(note.createdAt, timeZone: zone))  note by \(note.operatorHandle) (the team's only)")
                out += indented(note.text)
            }
        }
        for m in detail.mentions {
            notesUntil(m.createdAt - 1)
            let who = (m.ours ? "ours " : "") + "@" + DisplayText(untrusted: m.authorHandle).string
            out.append("\n\(ShiftClock.stamp(m.createdAt, timeZone: zone))  \(who)  (\(Age.count(m.followers)) followers)")
            out += indented(m.text)
            if let url = m.url { out.append("  " + DisplayText(untrusted: url).string) }
        }
        notesUntil(Int64.max)
        for post in detail.unsent {
            out.append("\npost \(post.id) by \(post.operatorHandle) · " + DisplayText(untrusted: post.stateLine(now: now, delivering: delivering)).string)
            out += indented(post.text)
        }
        for escalation in detail.escalations {
            out.append("\nescalation \(escalation.id): " + DisplayText(untrusted: escalation.summary).string
                + (escalation.answer.map { " — " + DisplayText(untrusted: $0).string } ?? ""))
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Public text as indented lines, its own line breaks kept, neutralised.
    static func indented(_ text: String) -> [String] {
        DisplayText(untrusted: text, keepNewlines: true).string.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
    }

    /// The conversation as `heed show --json` prints it.
    public static func json(_ detail: ConversationDetail) throws -> Data {
        Data((try JSONWriter.pretty(detail) + "\n").utf8)
    }
}
