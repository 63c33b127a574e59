import Foundation

/// Actions written as text: what the screen's action prompts take after their key, and the
/// steps of a macro in the config ("tag +refund", "snooze 2h", "resolve").
extension TriageCommand {
    /// `text` read as what action `kind` needs ("+billing -spam" for tag, "2h" or "tomorrow 9am"
    /// for snooze, days and times of day in `timeZone`); a line it cannot read is refused with
    /// the place.
    public static func parse(kind: String, text: String, now: Int64, timeZone: TimeZone = SnoozeTime.utc) throws(QueryError) -> TriageCommand {
        let words = text.split(separator: " ").map(String.init)
        switch kind {
        case "resolve": return .resolve
        case "reopen": return .reopen
        case "spam": return .spam
        case "not-spam": return .notSpam
        case "unassign": return .unassign
        case "tag", "note", "assign", "escalate", "snooze": break
        default:
            throw QueryError(position: 0, message: "no action \"\(kind)\": tag, note, assign, unassign, escalate, snooze, resolve, reopen, spam, not-spam")
        }
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
        default:
            if first.lowercased() == "reply" && words.count == 1 { return .snooze(until: nil) }
            if let at = SnoozeTime.parse(text, now: now, timeZone: timeZone) { return .snooze(until: at) }
            throw QueryError(position: 0, message: "snooze: \(SnoozeTime.forms), or reply")
        }
    }

    /// A whole step, its kind first: "tag +refund -spam", "escalate billing double charge".
    public static func parse(step: String, now: Int64, timeZone: TimeZone = SnoozeTime.utc) throws(QueryError) -> TriageCommand {
        let trimmed = step.trimmingCharacters(in: .whitespaces)
        let kind = trimmed.prefix { $0 != " " }
        let rest = trimmed.dropFirst(kind.count).trimmingCharacters(in: .whitespaces)
        do {
            return try parse(kind: String(kind), text: rest, now: now, timeZone: timeZone)
        } catch {
            throw QueryError(position: error.position + (error.position > 0 ? trimmed.count - rest.count : 0), message: error.message)
        }
    }
}
