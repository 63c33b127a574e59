/// What an event records. The raw value is its one spelling: in the event log, the command
/// line's output, the screen's status line and the docs.
public enum EventKind: String, Sendable, CaseIterable {
    // An operator's action on a conversation (the `TriageCommand`s and what goes with them).
    case tag, note, assign, unassign, escalate, snooze, resolve, reopen, spam
    case notSpam = "not-spam"
    case next, undo, redo, reply, macro
    case takeOver = "take-over"
    case escalationAnswer = "escalation-answer"
    case escalationClose = "escalation-close"

    // What heed itself does to a conversation.
    /// A timed snooze ran out.
    case wake
    /// Our reply was imported: the conversation waits on the customer.
    case wait
    /// Two threads turned out to be one (an import found the link between them).
    case merge
    /// The conversation joined an incident.
    case incidentJoin = "incident-join"
    /// A post of ours went out (delivery).
    case sent

    // Events about something other than one conversation.
    case ingest, demo, incident
    case incidentResolve = "incident-resolve"
    /// An incident's members moved to another of the same words whose time it came to touch.
    case incidentMerge = "incident-merge"
    case broadcast
    case outboxCancel = "outbox-cancel"
    case outboxRetry = "outbox-retry"
    case contactTag = "contact-tag"
    case contactNote = "contact-note"
    case contactMerge = "contact-merge"
    /// Everything held about a customer handed out (`heed contact export`).
    case contactExport = "contact-export"
    /// A customer erased on request (`heed contact forget`): who, whom, why — not what.
    case contactForget = "contact-forget"
    /// Text past the config's retention removed (`heed run`, `heed retention enforce`).
    case retention
    case shiftStart = "shift-start"
    case shiftEnd = "shift-end"
    case handoverAck = "handover-ack"
    case roster
    case configApplied = "config-applied"
    /// A copy of the cache taken (`heed backup`, or `heed run` on its schedule).
    case backup
    /// The cache replaced by a backup (`heed restore`): logged in the restored cache.
    case restore
    /// The cache rewritten whole, with everyone out (`heed vacuum`).
    case vacuum
    /// The cache copied into a PostgreSQL database (`heed store migrate --to`): where, not what.
    case storeCopyOut = "store-copy-out"
    /// A cache made from a PostgreSQL copy (`heed store migrate --from`): logged in the new cache.
    case storeCopyIn = "store-copy-in"

    /// Kinds whose events change the conversation's own fields (`ConversationFields`): undo
    /// puts back the fields they changed.
    static let fieldKinds: Set<EventKind> = [.tag, .assign, .unassign, .snooze, .resolve, .reopen, .spam, .notSpam, .next]
    /// Every kind undo and redo know: the field kinds and the records an action made.
    static let undoable: Set<EventKind> = fieldKinds.union([.note, .escalate, .reply])

    /// What an event of this kind did to `object`, for people: "resolved #42", "took it out of spam".
    public func phrase(_ object: String) -> String {
        switch self {
        case .tag: "tagged \(object)"
        case .note: "added a note to \(object)"
        case .assign: "assigned \(object)"
        case .unassign: "unassigned \(object)"
        case .escalate: "escalated \(object)"
        case .snooze: "snoozed \(object)"
        case .resolve: "resolved \(object)"
        case .reopen: "reopened \(object)"
        case .spam: "marked \(object) as spam"
        case .notSpam: "took \(object) out of spam"
        case .undo: "undid an action on \(object)"
        case .redo: "redid an action on \(object)"
        case .wake: "woke \(object) from its snooze"
        case .wait: "set \(object) waiting on the customer"
        case .next: "took \(object) (next)"
        case .escalationAnswer: "answered the escalation of \(object)"
        case .escalationClose: "closed the escalation of \(object)"
        case .reply: "replied to \(object)"
        case .takeOver: "took over the reply to \(object)"
        case .macro: "ran a macro on \(object)"
        case .merge: "merged a thread into \(object)"
        case .incidentJoin: "added \(object) to an incident"
        case .incidentMerge: "merged incident \(object) into another"
        case .sent: "sent a post on \(object)"
        case .configApplied: "made \(object) the cache's config"
        case .backup: "backed the cache up to \(object)"
        case .restore: "restored the cache from \(object)"
        case .storeCopyOut: "copied the cache into \(object)"
        case .storeCopyIn: "made the cache from the copy in \(object)"
        default: "changed \(object) (\(rawValue))"
        }
    }

    /// The phrase for a kind read back from the log, which may hold kinds an older heed wrote.
    public static func phrase(_ kind: String, _ object: String) -> String {
        EventKind(rawValue: kind)?.phrase(object) ?? "changed \(object) (\(kind))"
    }
}
