import HeedCore

/// A line being typed on the status line — a search at `/`, or what an action needs (tags, a
/// note, who to assign): its text, where the cursor is, and the fault of the last try.
public struct Prompt: Sendable, Equatable {
    public var purpose: Purpose
    public var text: String
    /// In Characters from the start.
    public var cursor: Int
    /// Where the last try went wrong and why (a search's, or an action's).
    public var error: QueryError?
    /// A reply that seems to hold private data was warned about: Enter again sends it.
    public var warned = false
    /// A reply's text as its draft was kept (nil: no draft): leaving it unchanged needs no question.
    public var draft: String?
    /// Esc on a reply with text asks whether to keep it: y keeps it, n throws it away, Esc writes on.
    public var leaving = false

    public enum Purpose: Sendable, Equatable {
        case search
        /// For `kind`'s action on conversation `id`, seen at `version`.
        case action(kind: String, conversation: Int64, version: Int)
        /// For `kind`'s action on every selected conversation, each at the version drawn.
        case bulk(kind: String, conversations: [Int64: Int])
        /// A reply to conversation `id` on `channel`, its length counted as the channel counts it,
        /// begun when its thread was at `since`.
        case reply(conversation: Int64, since: ThreadMark, channel: String)
        /// The intro of a shift about to start (planned to end at `until`).
        case intro(until: Int64)
        /// The note for whoever comes next, as the shift ends.
        case handoverNote
        /// One reply to every selected conversation, its variables filled for each (previewed first).
        case bulkReply(conversations: [Int64: Int])
        /// A command to give the conversation to, as text or as JSON.
        case pipe(conversation: Int64, json: Bool)
    }

    public init(_ purpose: Purpose = .search, text: String = "") {
        self.purpose = purpose
        self.text = text
        cursor = text.count
    }

    /// What the line starts with (for a reply, with its length as the channel counts it).
    var label: String {
        switch purpose {
        case .search:
            return "/"
        case .reply(let id, _, let channel):
            let (used, limit) = ChannelLength.measure(text, channel: channel)
            return "reply to #\(id) (\(limit.map { "\(used)/\($0)" } ?? String(used))): "
        case .intro:
            return "your intro, to the help accounts (\(text.count) characters): "
        case .handoverNote:
            return "your handover note for whoever comes next (begin with @handle to pass your conversations to them): "
        case .bulkReply(let conversations):
            return "reply to \(conversations.count) selected ({first_name} {handle} {case} filled for each; \(text.count) characters): "
        case .bulk(let kind, let conversations):
            return "\(kind) \(conversations.count) selected: "
        case .pipe(let id, let json):
            return "pipe #\(id) as \(json ? "JSON" : "text") (Tab: \(json ? "text" : "JSON")) to: "
        case .action(let kind, let id, _):
            switch kind {
            case "tag": return "tag #\(id) (+add -remove): "
            case "note": return "note on #\(id): "
            case "assign": return "assign #\(id) to (operator or team): "
            case "escalate": return "escalate #\(id) to TEAM, then a note: "
            case "snooze": return "snooze #\(id) (2h, 14:00, tomorrow 9am, fri, reply): "
            default: return "\(kind) #\(id): "
            }
        }
    }
}
