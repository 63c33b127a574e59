import Foundation
import HeedCore

/// Everything the screen shows, as a plain value.
public struct AppState: Sendable, Equatable {
    public var brand: String
    /// The tabs: built-in views, then the config's saved searches.
    public var views = QueueView.builtIn
    public var viewIndex = 0
    /// Each view's count, in `views` order (nil until known, or when it cannot be counted).
    public var viewCounts: [Int?] = []
    /// A search typed at `/`, shown instead of the view until Esc.
    public var search: String?
    public var rows: [QueueRow] = []
    /// The Outbox view's posts.
    public var outbox: [OutboxEntry] = []
    public var counts = QueueCounts()
    /// Who else is at each conversation: viewing it, or writing a reply.
    public var claims = Claims.Holders()
    public var selected = 0
    /// Rows the list asks for: a page more each time the cursor nears the end of those loaded.
    public var listLimit = AppState.pageSize
    /// The first row shown in the list.
    public var top = 0
    /// The conversation open over the queue (Enter), and how far its thread is scrolled.
    public var conversation: ConversationPage?
    public var width: Int
    public var height: Int
    /// Unix milliseconds: the clock shown, and what ages are measured from.
    public var now: Int64
    /// Where the clock and the thread's timestamps are read.
    public var timeZone = TimeZone(identifier: "UTC")!
    /// The operator at the keyboard (for Mine), when heed knows.
    public var me: String?
    public var status: String?
    /// A conversation someone else is replying to, after `r` said so: `r` again takes it over.
    public var takeOverOffer: Int64?
    /// Conversations picked with `x` or Space (their versions as drawn), for `;` and an action.
    public var selection: [Int64: Int] = [:]
    /// The key table (`?` shows it).
    public var keyMap = KeyMap()
    /// What is over the list or the conversation, the top one taking the keys (see `Overlay`).
    public var overlays: [Overlay] = []
    /// Who is on shift (the header, the Shift panel).
    public var roster: [OnShift] = []
    /// Whether the operator at the keyboard has a shift running (nil: not known yet).
    public var onShift: Bool?
    /// What operators must know of `heed run`: nothing is sending, an account is in trouble.
    public var service = ServiceView()
    /// The config's canned replies' names, offered as the reply's first word is typed.
    public var cannedNames: [String] = []
    /// The config's teams and operators: Tab completes them, and a typo is caught on the line.
    public var teamNames: [String] = []
    public var operatorHandles: [String] = []
    /// When this screen opened: a customer's message after it, not yet looked at, is new.
    public var openedAt: Int64
    /// Each conversation's latest customer message the operator has looked at (the cursor rested on it, or opened it).
    var seenUpTo: [Int64: Int64] = [:]
    /// Incidents still taking members, the latest first: in the header, and naming their conversations.
    public var incidents: [Incident] = []
    /// How many the search finds (nil: no search, or not counted yet).
    public var found: Int?
    /// The search whose count the status line has said.
    var countedSearch: String?
    /// The config's macros that have a key.
    public var macros: [MacroKey] = []
    /// The last command a conversation was piped to, offered again by `|`.
    public var lastPipe = ""
    /// What the Reports view shows: the latest counted (nil until the first count arrives).
    public var digest: ReportDigest?
    /// Why the reports could not be counted, until they are.
    public var digestFault: String?

    public init(brand: String, width: Int, height: Int, now: Int64) {
        self.brand = brand
        self.width = width
        self.height = height
        self.now = now
        openedAt = now
    }

    public var view: QueueView { views[viewIndex] }

    /// What the list holds now: the search's results, or the view's.
    public var listRequest: ListRequest {
        if let search { return ListRequest(query: search, source: .triage, limit: listLimit, isSearch: true) }
        return ListRequest(query: view.query, source: view.source, limit: listLimit)
    }

    /// How many rows a list loads at first, and how many more as the cursor nears its end.
    public static let pageSize = 500

    /// How many lines the list has: the rows, or the outbox's posts.
    var listCount: Int { listRequest.source == .outbox ? outbox.count : rows.count }

    public var selectedRow: QueueRow? {
        listRequest.source != .outbox && rows.indices.contains(selected) ? rows[selected] : nil
    }

    /// The smallest terminal heed draws in; below it, it says so.
    public static let minimumSize = (width: 40, height: 12)

    var isTooSmall: Bool { width < Self.minimumSize.width || height < Self.minimumSize.height }
}

/// What the list should show: a query and how to order what it finds.
public struct ListRequest: Sendable, Equatable {
    public var query: String
    public var source: QueueView.Source
    /// Rows to load, from the top.
    public var limit = AppState.pageSize
    /// A search typed at `/` (counted, and offered a correction when it finds nothing).
    public var isSearch = false
}

/// A conversation as the conversation view shows it: the thread and who wrote it.
public struct ConversationPage: Sendable, Equatable {
    public var detail: ConversationDetail
    public var card: ContactCard?
    /// Lines scrolled up from the end of the thread (0: the latest message at the bottom).
    public var scrollFromEnd = 0

    public init(detail: ConversationDetail, card: ContactCard?) {
        self.detail = detail
        self.card = card
    }
}

/// What the list loaded: its rows (or posts) and the header's counts (the views' are counted apart).
public struct ListSnapshot: Sendable, Equatable {
    public var request: ListRequest
    public var rows: [QueueRow] = []
    public var outbox: [OutboxEntry] = []
    /// Nil when not counted this time (the last counts stand).
    public var counts: QueueCounts?
    /// Who else is at each conversation.
    public var claims = Claims.Holders()
    public var roster: [OnShift] = []
    /// Whether this screen's operator has a shift running (nil: nobody known at the keyboard).
    public var onShift: Bool?
    public var service = ServiceView()
    /// For a search: how many conversations it finds (nil when it fills the page: counted
    /// apart), and when none, what it might have meant.
    public var found: Int?
    /// Incidents still taking members (nil: not read this time, the last stand).
    public var incidents: [Incident]?
    public var suggestion: String?

    public init(request: ListRequest, rows: [QueueRow] = [], outbox: [OutboxEntry] = [], counts: QueueCounts? = nil,
                claims: Claims.Holders = Claims.Holders()) {
        self.request = request
        self.rows = rows
        self.outbox = outbox
        self.counts = counts
        self.claims = claims
    }
}

/// `heed run` as operators must see it.
public struct ServiceView: Sendable, Equatable {
    /// Posts are waiting and no `heed run` sends them.
    public var notSending = false
    /// Accounts in trouble: `mastodon-help: HTTP 401 (…) 3m ago`.
    public var troubles: [String] = []

    public init(notSending: Bool = false, troubles: [String] = []) {
        (self.notSending, self.troubles) = (notSending, troubles)
    }

    /// Whether `heed run` would send a post that is due (for the thread's "not sending").
    public var delivering: Bool { !notSending }
}

/// A shift the operator may start: its intro, drafted from their template, and planned end.
public struct ShiftOffer: Sendable, Equatable {
    public var intro: String
    public var until: Int64
    /// The operator's signature, so the offer can say what it is in the intro.
    public var signature: String

    public init(intro: String, until: Int64, signature: String = "") {
        (self.intro, self.until, self.signature) = (intro, until, signature)
    }
}

/// A handover to read: its shift and its lines.
public struct HandoverNotice: Sendable, Equatable {
    public var shiftID: Int64
    public var lines: [String]

    public init(shiftID: Int64, lines: [String]) {
        (self.shiftID, self.lines) = (shiftID, lines)
    }
}

/// A macro from the config bound to a key.
public struct MacroKey: Sendable, Equatable {
    public var name: String
    public var key: Key
    public var steps: [String]

    public init(name: String, key: Key, steps: [String]) {
        (self.name, self.key, self.steps) = (name, key, steps)
    }
}

/// Something that happened: a key, new data, the clock.
public enum Event: Sendable, Equatable {
    case key(Key)
    case resized(width: Int, height: Int)
    case loaded(ListSnapshot)
    /// The list could not be loaded: a search the cache refused (`is:mine` with nobody known).
    case searchFailed(QueryError)
    case conversationLoaded(ConversationPage)
    /// The conversation asked for is gone (merged or deleted meanwhile).
    case conversationMissing(Int64)
    case tick(now: Int64)
    /// An action was done: what it did, for the status line, and a conversation to open (next).
    case acted(String, open: Int64? = nil)
    /// An action was not done, and why (a conflict says who changed the conversation first).
    case actionFailed(String)
    /// An action on the selection was done where it could be: how many, and why not the rest.
    case actedOnAll(String)
    /// The conversation is ours to reply to: the reply line opens.
    /// The reply may be written, going on from the operator's draft of it, if any.
    case replyClaimed(conversation: Int64, since: ThreadMark, channel: String, draft: String?)
    /// The reply was not sent: the thread grew since it began (what came is in the message).
    /// The reply line opens again with the text, marked from now: Enter sends it as it is.
    case replyStale(String, since: ThreadMark, channel: String, text: String)
    /// Someone else is replying to it: said, and — when this operator may — `r` again takes it over.
    case replyHeld(String, conversation: Int64, canTakeOver: Bool = true)
    /// A canned reply, filled, for the reply line.
    case cannedFilled(String)
    /// What went wrong with the line being typed, shown on it.
    case promptFault(String)
    /// A reply to several, filled for each: shown before queueing.
    case repliesPreviewed([ReplyPreview])
    /// No shift is running for the operator: one is offered.
    case shiftOffered(ShiftOffer)
    /// The shift started (what was done), with the handovers to read.
    case shiftStarted(String, handovers: [HandoverNotice])
    /// The shift ended (what was done).
    case shiftEnded(String)
    /// The reply's text as the operator's editor saved it.
    case edited(String)
    /// Every conversation the list finds, with its version, to add to the selection.
    case picked([Int64: Int])
    /// A command given a conversation ran: how it ended.
    case piped(String)
    /// The Reports view's figures, counted (or why they could not be).
    case reportsCounted(Result<ReportDigest, HeedError>)
    /// Each view's count, in `views` order.
    case viewsCounted([Int?])
    /// How many conversations a search finds, counted beside the keys when more than a page.
    case searchCounted(query: String, found: Int)
}

/// Something the runtime must do after an event: state changes are pure, effects are values.
public enum Effect: Sendable, Equatable {
    case quit
    /// Load the list for `listRequest`, with the counts.
    case reload
    case openConversation(Int64)
    /// Do an action on a conversation, if it is still at `version`.
    case perform(TriageCommand, conversation: Int64, version: Int)
    /// Claim a conversation for a reply (taking over someone else's claim only if asked).
    case claimReply(conversation: Int64, channel: String, takeOver: Bool)
    /// Queue a reply to a conversation, unless its thread grew `since` (`anyway`: after the
    /// private-data warning).
    case reply(since: ThreadMark, channel: String, text: String, anyway: Bool)
    /// Do one action on several conversations (the selection), each at its version.
    case performAll(TriageCommand, conversations: [Int64: Int])
    /// Run a macro on each conversation, each at its version.
    case runMacro(String, conversations: [Int64: Int])
    /// Fill a reply's text for each conversation, to show before queueing it.
    case previewReplies(String, conversations: [Int64: Int])
    /// Queue each previewed reply, if its conversation is still at the version picked.
    case replyAll([ReplyPreview], versions: [Int64: Int])
    /// The reply line filled with a canned reply's text, its variables left for each recipient.
    case cannedTemplate(prefix: String)
    /// Start the operator's shift with this intro, planned to end at `until`.
    case startShift(intro: String, until: Int64)
    /// End it with this note for the next operator, the conversations released or passed to `passTo`.
    case endShift(note: String, passTo: String?)
    /// The handovers of these shifts were read.
    case acknowledge([Int64])
    /// Queue "On the team now: …" to the help accounts.
    case postRoster
    /// Offer a shift (from the Shift panel).
    case offerShift
    /// Hand the reply's text to the operator's editor; what it saves comes back (`edited`).
    case editExternally(String)
    /// Pick every conversation the list's search or view finds (not only the rows loaded).
    case pickAll(ListRequest)
    /// Fill the reply line with the first canned reply whose name starts with `prefix`.
    case canned(conversation: Int64, prefix: String)
    /// Let go of the reply claim: the reply was given up.
    case releaseReply(conversation: Int64)
    /// Keep the reply's text as the operator's draft of it (empty: throw the draft away).
    case saveDraft(conversation: Int64, text: String)
    case undo, redo
    /// Take the most urgent conversation nobody holds, and open it.
    case next
    /// Give the conversation (as text or JSON) to a command: its words, run without a shell.
    case pipe(conversation: Int64, json: Bool, command: [String])
    /// Count the Reports view's figures (away from the keys: on a large cache it takes seconds).
    case countReports
}
