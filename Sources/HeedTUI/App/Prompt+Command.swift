import HeedCore

extension Prompt {
    /// The action the typed line asks for; a line it cannot read is refused with the place.
    func command(kind: String, now: Int64) throws(QueryError) -> TriageCommand {
        let words = text.split(separator: " ").map(String.init)
        guard let first = words.first else { throw QueryError(position: 0, message: "\(kind): type what it needs, or Esc") }
        switch kind {
        case "tag":
            return .tag(add: words.filter { !$0.hasPrefix("-") }, remove: words.filter { $0.hasPrefix("-") })
        case "note":
            return .note(text)
        case "assign":
            guard words.count == 1 else { throw QueryError(position: first.count + 1, message: "assign: one operator or team") }
            return .assign(first)
        case "escalate":
            let note = words.dropFirst().joined(separator: " ")
            return .escalate(team: first, note: note.isEmpty ? nil : note)
        case "snooze":
            if first.lowercased() == "reply" { return .snooze(until: nil) }
            if let at = RFC3339.milliseconds(from: first) { return .snooze(until: at) }
            if let span = Query.duration(first), span > 0 { return .snooze(until: now + span) }
            throw QueryError(position: 0, message: "snooze: a span (90m, 2h, 1d), a time (2026-11-24T09:00:00Z) or reply")
        default:
            throw QueryError(position: 0, message: "\(kind) takes no text")
        }
    }
}
