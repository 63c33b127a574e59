import Foundation
import HeedCore

/// The loop: read a key (or time out for a tick), handle it, run effects, render, present.
public final class Runtime {
    private let terminal: any Terminal
    private let clock: any Clock
    private let data: ScreenData
    /// Changes whenever any process wrote to the cache (SQLite's data_version), so polling is cheap.
    private let changeToken: () throws -> Int
    private var token = 0
    /// The token the header's counts were taken at: they are taken again after any change.
    private var countedToken: Int?
    /// The views' counts, taken beside the keys again after a change, at most every
    /// `countMilliseconds` (an import commits many times a second).
    private let viewCounter = BackgroundCount<[Int?]>()
    /// A search that fills its page, counted likewise; and the search last counted.
    private let searchCounter = BackgroundCount<(query: String, found: Int)>()
    private var countedSearch: String?
    static let countMilliseconds: Int64 = 2000
    /// When the list was last read: while others are shown viewing, it is read again at least
    /// as often as they renew, so that a screen that died stops showing without any change.
    private var listLoadedAt: Int64 = 0
    /// When this screen last claimed or renewed the conversation it is writing a reply to.
    private var replyRenewedAt: Int64 = 0
    /// When this screen last woke snoozed conversations whose time came (every `wakeMilliseconds`).
    private var wokeAt: Int64 = 0
    static let wakeMilliseconds: Int64 = 30_000
    /// What this screen last told the others it shows, and when (see `Claims`).
    private var shown: (conversation: Int64?, at: Int64) = (nil, 0)
    /// Whether a shift was offered as the screen opened.
    private var offered = false
    /// When the operator's presence on shift was last written (at most every `touchMilliseconds`).
    private var touchedAt: Int64 = 0
    static let touchMilliseconds: Int64 = 30_000
    /// The Reports view's figures, counted away from the keys.
    private let reportCounter = BackgroundCount<ReportDigest>()
    /// While the Reports view is open, its figures are counted again after a change at most this
    /// often, and at least this often without one (today's ages and breaches grow by themselves).
    static let reportsChangedMilliseconds: Int64 = 5_000
    static let reportsStaleMilliseconds: Int64 = 60_000
    /// A key read while taking the waiting ones that must be handled on its own (resize, Ctrl-C, Ctrl-Z).
    private var waiting: Key?
    public private(set) var state: AppState
    /// How often the cache is asked whether anything changed, keys or not.
    static let pollMilliseconds: Int64 = 500

    /// The operator's editor for a reply (`VISUAL`, else `EDITOR`, else vi).
    private let editor: String

    public init(terminal: any Terminal, state: AppState, clock: any Clock, data: ScreenData,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.terminal = terminal
        self.state = state
        self.clock = clock
        self.data = data
        editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        changeToken = try data.changeToken()
    }

    /// At most this many waiting keys are handled before the screen is drawn.
    static let keysAtOnce = 4096

    /// Runs until quit; with `untilIdle`, also stops when no key is waiting (scripted tests).
    public func run(untilIdle: Bool = false) throws {
        try start()
        defer {
            // A reply being written when the screen goes (the terminal closed, heed told to stop) is kept as a draft.
            if let line = state.prompt, case .reply(let id, _, _) = line.purpose, line.text != (line.draft ?? "") {
                _ = data.act(.saveDraft(conversation: id, text: line.text))
            }
            try? data.showNothing(previous: shown.conversation, now: clock.now())
        }
        var polled = clock.now()
        while true {
            var events: [Event] = []
            // A count being made is shown as soon as it is done, not at the next poll.
            let counting = reportCounter.running || viewCounter.running || searchCounter.running
            let key = waiting ?? terminal.readKey(timeoutMilliseconds: counting ? 50 : Int(Self.pollMilliseconds))
            waiting = nil
            if let key {
                if key == .resize {
                    let size = terminal.size
                    events.append(.resized(width: size.width, height: size.height))
                } else if key == .ctrl("c") && state.prompt == nil {
                    return
                } else if key == .ctrl("z") {
                    terminal.suspend()
                    terminal.present(RootScreen.render(state))
                    continue
                } else {
                    events.append(.key(key))
                    if clock.now() - touchedAt >= Self.touchMilliseconds {
                        touchedAt = clock.now()
                        data.touchShift()
                    }
                    // Keys already waiting (a paste, fast typing) go through together: one screen drawn for all.
                    while events.count < Self.keysAtOnce, let more = terminal.readKey(timeoutMilliseconds: 0) {
                        if [.resize, .ctrl("c"), .ctrl("z")].contains(more) {
                            waiting = more
                            break
                        }
                        events.append(.key(more))
                    }
                }
            }
            // Polled on time even while keys keep coming, so others' work shows within a second.
            let now = clock.now()
            let poll = key == nil || now - polled >= Self.pollMilliseconds
            if poll {
                polled = now
                events.append(.tick(now: now))
            }
            guard try step(events, poll: poll) else { return }
            if key == nil && untilIdle { return }
        }
    }

    /// Sizes the state to the terminal, loads the first list and draws it.
    public func start() throws {
        let size = terminal.size
        _ = state.handle(.resized(width: size.width, height: size.height))
        token = try changeToken()
        _ = try perform([.reload])
        countViewsIfDue()
        // Someone at the keyboard with no shift running is offered one, once.
        if !offered, let offer = data.shiftOffer() { _ = state.handle(.shiftOffered(offer)) }
        offered = true
        // Opened on a running shift: this screen is where the operator is now.
        touchedAt = clock.now()
        data.touchShift()
        terminal.present(RootScreen.render(state))
    }

    /// Events through the state, their effects run, the screen drawn; with `poll`, first asks the
    /// cache whether anything changed and reloads if so. False when the operator quit.
    @discardableResult
    public func step(_ events: [Event], poll: Bool = false) throws -> Bool {
        var events = events
        if let counted = reportCounter.take() { events.append(.reportsCounted(counted)) }
        // A count that failed leaves the last ones shown; the next change tries again.
        if case .success(let counts) = viewCounter.take() { events.append(.viewsCounted(counts)) }
        if case .success(let counted) = searchCounter.take() { events.append(.searchCounted(query: counted.query, found: counted.found)) }
        var changed = false
        if poll {
            let latest = try changeToken()
            changed = latest != token
            token = latest
        }
        if case .reply(let id, _, _) = state.prompt?.purpose, clock.now() - replyRenewedAt >= data.claimRenewMilliseconds {
            replyRenewedAt = clock.now()
            data.renewReply(id)
        }
        if poll && clock.now() - wokeAt >= Self.wakeMilliseconds {
            wokeAt = clock.now()
            data.wakeSnoozed(now: wokeAt)
            data.endOverdueShifts()
        }
        for event in events {
            if try !perform(state.handle(event)) { return false }
        }
        let viewersDue = state.claims != Claims.Holders() && clock.now() - listLoadedAt >= Claims.viewingRenewMilliseconds
        if changed || (poll && viewersDue), try !perform([.reload]) { return false }
        countViewsIfDue()
        countSearchIfDue()
        if state.showingReports && reportsDue { countReports() }
        terminal.present(RootScreen.render(state))
        showConversation()
        return true
    }

    /// Runs effects, feeding what they load back as events; false when the operator quit.
    private func perform(_ effects: [Effect]) throws -> Bool {
        var pending = effects
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            switch effect {
            case .quit: return false
            case .reload:
                pending += state.handle(.tick(now: clock.now()))
                pending += state.handle(try loadList())
                if let open = state.conversation?.detail.summary.conversationID { pending += state.handle(try loadConversation(open)) }
            case .perform, .performAll, .runMacro, .reply, .canned, .claimReply, .releaseReply, .saveDraft, .undo, .redo, .next,
                 .previewReplies, .replyAll, .cannedTemplate, .startShift, .endShift, .acknowledge, .postRoster, .offerShift:
                if let event = data.act(effect) { pending += state.handle(event) }
                if case .claimReply = effect { replyRenewedAt = clock.now() }
            case .editExternally(let text):
                let edited = terminal.withoutScreen { Result { try ExternalEditor.edit(text, with: editor) } }
                switch edited {
                case .success(let text): pending += state.handle(.edited(text))
                case .failure(let error): pending += state.handle(.promptFault((error as? HeedError)?.message ?? "\(error)"))
                }
            case .pipe(let id, let json, let command):
                guard let input = try data.pipeInput(id, json: json, timeZone: state.timeZone.identifier) else {
                    pending += state.handle(.conversationMissing(id))
                    continue
                }
                let result = terminal.withoutScreen {
                    let result = PipeCommand.run(command, input: input)
                    terminal.waitForEnter("[heed] \(result) — Enter goes back to heed")
                    return result
                }
                pending += state.handle(.piped(result))
            case .pickAll(let request):
                pending += state.handle(try data.pickAll(request, now: clock.now()))
            case .openConversation(let id):
                pending += state.handle(try loadConversation(id))
            case .countReports:
                countReports()
            }
        }
        return true
    }

    /// Tells the other screens when the conversation shown changes, and renews it while open.
    private func showConversation() {
        let showing = state.conversation?.detail.summary.conversationID
        let now = clock.now()
        guard showing != shown.conversation || (showing != nil && now - shown.at >= Claims.viewingRenewMilliseconds) else { return }
        data.show(showing, previous: shown.conversation, now: now)
        shown = (showing, now)
    }

    /// Counted again after a change, or when the figures are a minute old.
    private var reportsDue: Bool {
        reportCounter.due(token: token, now: clock.now(), changedAfter: Self.reportsChangedMilliseconds)
            || (!reportCounter.running && clock.now() - reportCounter.startedAt >= Self.reportsStaleMilliseconds)
    }

    private func countReports() {
        let data = data, now = clock.now()
        reportCounter.start(now: now, token: token) { data.countReports(now: now) }
    }

    /// Counted first as the screen opens, then after a change at most every `countMilliseconds`.
    private func countViewsIfDue() {
        guard viewCounter.due(token: token, now: clock.now(), changedAfter: Self.countMilliseconds) else { return }
        let data = data, views = state.views, now = state.now
        viewCounter.start(now: clock.now(), token: token) { data.countViews(views, now: now) }
    }

    /// A search that fills its page: counted when it is new, then after a change at most every
    /// `countMilliseconds`.
    private func countSearchIfDue() {
        let request = state.listRequest
        guard request.isSearch, state.rows.count >= request.limit, !searchCounter.running,
              countedSearch != request.query || searchCounter.due(token: token, now: clock.now(), changedAfter: Self.countMilliseconds) else { return }
        countedSearch = request.query
        let data = data, now = state.now
        searchCounter.start(now: clock.now(), token: token) { data.countSearch(request.query, now: now) }
    }

    private func loadList() throws -> Event {
        do {
            let snapshot = try data.list(state.listRequest, counts: countedToken != token, now: state.now)
            countedToken = token
            listLoadedAt = clock.now()
            return .loaded(snapshot)
        } catch let error as QueryError {
            return .searchFailed(error)
        }
    }

    private func loadConversation(_ id: Int64) throws -> Event {
        guard let page = try data.conversation(id) else { return .conversationMissing(id) }
        return .conversationLoaded(page)
    }
}
