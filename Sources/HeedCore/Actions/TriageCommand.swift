/// One thing an operator does to a conversation: the same value whether it came from a key,
/// the command line or undo. `kind` is its name everywhere (command, event, docs).
public enum TriageCommand: Sendable, Equatable {
    case tag(add: [String], remove: [String])
    /// An internal note, never sent.
    case note(String)
    /// To an operator (by handle) or a team (by name).
    case assign(String)
    case unassign
    case escalate(team: String, note: String?)
    /// Until a time, or (nil) until the customer writes again.
    case snooze(until: Int64?)
    case resolve, reopen, spam, notSpam

    public var kind: String {
        switch self {
        case .tag: "tag"
        case .note: "note"
        case .assign: "assign"
        case .unassign: "unassign"
        case .escalate: "escalate"
        case .snooze: "snooze"
        case .resolve: "resolve"
        case .reopen: "reopen"
        case .spam: "spam"
        case .notSpam: "not-spam"
        }
    }

    /// Kinds whose events change the conversation's own fields (undone by putting them back).
    static let fieldKinds: Set<String> = ["tag", "assign", "unassign", "snooze", "resolve", "reopen", "spam", "not-spam", "next"]
    /// Every kind undo and redo know.
    static let undoableKinds = fieldKinds.union(["note", "escalate", "reply"])
}
