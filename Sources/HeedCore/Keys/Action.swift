/// Everything a key can do on the screen. The raw value is the action's one name: the config's
/// `keys`, the help, the hints and the README's key table all use it.
public enum Action: String, Sendable, CaseIterable {
    // Moving about.
    case down, up, first, last
    case pageDown = "page-down", pageUp = "page-up", halfPageDown = "half-page-down", halfPageUp = "half-page-up"
    case open, back, quit, help, search, reload
    case nextView = "next-view", previousView = "previous-view", view, reports
    // Acting on a conversation (or the picks).
    case reply, tag, note, assign, escalate, snooze, resolve, spam, next, undo, redo, pipe
    // Picking several.
    case select
    case selectAll = "select-all"
    case apply
    // Shifts.
    case shifts
    case startShift = "start-shift", endShift = "end-shift", postRoster = "post-roster"
    case accept, decline, acknowledge
    // A line or a panel being written, and a reply to several previewed.
    case submit, cancel, complete, editor, send

    /// What an action is for, to group the help.
    public enum Group: String, Sendable, CaseIterable {
        case move, view, act, pick, shift, write
    }

    /// What must be there for it to make sense; the screen checks it once, before the action.
    public enum Need: Sendable {
        case nothing
        /// A conversation open or selected.
        case conversation
        /// Picked conversations.
        case picks
    }

    public struct Info: Sendable {
        public var help: String
        public var group: Group
        public var needs: Need
        /// `;` then its key does it to every pick.
        public var onPicks: Bool
    }

    public var info: Info {
        switch self {
        case .down: Info(help: "next conversation", group: .move, needs: .nothing, onPicks: false)
        case .up: Info(help: "previous conversation", group: .move, needs: .nothing, onPicks: false)
        case .first: Info(help: "first", group: .move, needs: .nothing, onPicks: false)
        case .last: Info(help: "last", group: .move, needs: .nothing, onPicks: false)
        case .pageDown: Info(help: "a page down", group: .move, needs: .nothing, onPicks: false)
        case .pageUp: Info(help: "a page up", group: .move, needs: .nothing, onPicks: false)
        case .halfPageDown: Info(help: "half a page down", group: .move, needs: .nothing, onPicks: false)
        case .halfPageUp: Info(help: "half a page up", group: .move, needs: .nothing, onPicks: false)
        case .open: Info(help: "open the conversation", group: .move, needs: .nothing, onPicks: false)
        case .back: Info(help: "back (end the search, let the picks go)", group: .move, needs: .nothing, onPicks: false)
        case .quit: Info(help: "quit", group: .move, needs: .nothing, onPicks: false)
        case .help: Info(help: "these keys", group: .view, needs: .nothing, onPicks: false)
        case .search: Info(help: "search", group: .view, needs: .nothing, onPicks: false)
        case .reload: Info(help: "reload and redraw", group: .view, needs: .nothing, onPicks: false)
        case .nextView: Info(help: "next view", group: .view, needs: .nothing, onPicks: false)
        case .previousView: Info(help: "previous view", group: .view, needs: .nothing, onPicks: false)
        case .view: Info(help: "view by its number", group: .view, needs: .nothing, onPicks: false)
        case .reports: Info(help: "reports: today and the last 7 days", group: .view, needs: .nothing, onPicks: false)
        case .reply: Info(help: "reply", group: .act, needs: .conversation, onPicks: true)
        case .tag: Info(help: "tag", group: .act, needs: .conversation, onPicks: true)
        case .note: Info(help: "internal note", group: .act, needs: .conversation, onPicks: true)
        case .assign: Info(help: "assign", group: .act, needs: .conversation, onPicks: true)
        case .escalate: Info(help: "escalate", group: .act, needs: .conversation, onPicks: true)
        case .snooze: Info(help: "snooze", group: .act, needs: .conversation, onPicks: true)
        case .resolve: Info(help: "resolve (close)", group: .act, needs: .conversation, onPicks: true)
        case .spam: Info(help: "spam", group: .act, needs: .conversation, onPicks: true)
        case .next: Info(help: "claim the most urgent", group: .act, needs: .nothing, onPicks: false)
        case .undo: Info(help: "undo your latest action", group: .act, needs: .nothing, onPicks: false)
        case .redo: Info(help: "redo what you undid", group: .act, needs: .nothing, onPicks: false)
        case .pipe: Info(help: "pipe it to a command (text or JSON)", group: .act, needs: .conversation, onPicks: false)
        case .select: Info(help: "pick (or let go) and move on", group: .pick, needs: .conversation, onPicks: false)
        case .selectAll: Info(help: "pick all the view or search finds", group: .pick, needs: .nothing, onPicks: false)
        case .apply: Info(help: "then an action: to every pick", group: .pick, needs: .picks, onPicks: false)
        case .shifts: Info(help: "shifts: who is on, start or end yours", group: .shift, needs: .nothing, onPicks: false)
        case .startShift: Info(help: "start your shift", group: .shift, needs: .nothing, onPicks: false)
        case .endShift: Info(help: "end your shift (a note, then the handover)", group: .shift, needs: .nothing, onPicks: false)
        case .postRoster: Info(help: "post who is on to the help accounts", group: .shift, needs: .nothing, onPicks: false)
        case .accept: Info(help: "start the shift (the intro is yours to edit first)", group: .shift, needs: .nothing, onPicks: false)
        case .decline: Info(help: "work without a shift", group: .shift, needs: .nothing, onPicks: false)
        case .acknowledge: Info(help: "acknowledge the handovers (logged)", group: .shift, needs: .nothing, onPicks: false)
        case .submit: Info(help: "do it (a reply: queue it)", group: .write, needs: .nothing, onPicks: false)
        case .cancel: Info(help: "give it up", group: .write, needs: .nothing, onPicks: false)
        case .complete: Info(help: "complete the name typed so far (a canned reply, a team, an operator)", group: .write, needs: .nothing, onPicks: false)
        case .editor: Info(help: "write it in your editor", group: .write, needs: .nothing, onPicks: false)
        case .send: Info(help: "queue every reply", group: .write, needs: .nothing, onPicks: false)
        }
    }
}

/// Where a key is pressed: the list, a conversation, or something over them. Each has its own
/// keys; the list, a conversation and the picks' menu fall back to the global ones.
public enum KeyContext: String, Sendable, CaseIterable {
    case global, queue, conversation
    /// After `;`: the next key does its action to every pick.
    case picks
    case help
    /// A line or panel being written (a search, an action's value, a reply).
    case prompt
    case shiftOffer = "shift-offer"
    case handovers
    case shiftPanel = "shift-panel"
    case replyPreview = "reply-preview"
    case reports

    /// Whether a key not bound here is looked up in the global keys.
    public var fallsBack: Bool { self == .queue || self == .conversation || self == .picks }

    /// How the help and the README name it.
    public var title: String {
        switch self {
        case .global: "Everywhere on the list and in a conversation"
        case .queue: "On the list"
        case .conversation: "In a conversation"
        case .picks: "After ; (to every pick)"
        case .help: "In the help"
        case .prompt: "Writing (a search, a value, a reply)"
        case .shiftOffer: "The offer of a shift"
        case .handovers: "Handovers to read"
        case .shiftPanel: "The Shift panel"
        case .replyPreview: "A reply to several, previewed"
        case .reports: "The Reports view"
        }
    }
}
