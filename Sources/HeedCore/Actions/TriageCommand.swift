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

    /// The event it is logged as; its raw value names it everywhere (command, key, docs).
    public var kind: EventKind {
        switch self {
        case .tag: .tag
        case .note: .note
        case .assign: .assign
        case .unassign: .unassign
        case .escalate: .escalate
        case .snooze: .snooze
        case .resolve: .resolve
        case .reopen: .reopen
        case .spam: .spam
        case .notSpam: .notSpam
        }
    }
}
