import Foundation
import HeedCore

/// Where the screen's data comes from: the cache, read outside the pure state.
public struct ScreenData: Sendable {
    let database: AppDatabase
    let me: String?
    /// How this screen's actions are done and by whom, or why it cannot act (nobody the
    /// config names is at the keyboard).
    let acting: Result<Acting, HeedError>

    public struct Acting: Sendable {
        public var service: ActionService
        public var actor: Operator

        public init(service: ActionService, actor: Operator) {
            self.service = service
            self.actor = actor
        }
    }

    /// For who is away (`presence.away_after_minutes`) and the handovers' times.
    let config: Config
    let clock: any Clock

    public init(database: AppDatabase, me: String?,
                acting: Result<Acting, HeedError> = .failure(HeedError("actions need an operator the config names")), config: Config = Config(),
                clock: any Clock = SystemClock()) {
        self.database = database
        self.me = me
        self.acting = acting
        self.config = config
        self.clock = clock
    }

    /// Does an action effect, and says how it went (nothing to say when a reply is let go).
    func act(_ effect: Effect) -> Event? {
        do {
            let acting = try acting.get()
            let outcome: ActionService.Outcome
            switch effect {
            case .claimReply(let id, let channel, let takeOver):
                do {
                    try acting.service.claimReply(id, by: acting.actor, takeOver: takeOver)
                    return .replyClaimed(conversation: id, since: try acting.service.threadMark(id), channel: channel,
                                         draft: try acting.service.draft(id, by: acting.actor)?.text)
                } catch let error as HeedError where error.kind == .conflict {
                    return .replyHeld(error.message, conversation: id, canTakeOver: !config.leadOnlyTakeover || acting.actor.role == .lead)
                }
            case .releaseReply(let id):
                try acting.service.releaseReply(id, by: acting.actor)
                return nil
            case .saveDraft(let id, let text):
                try acting.service.saveDraft(id, text: text, by: acting.actor)
                return nil
            case .perform(let command, let id, let version):
                outcome = try acting.service.perform(command, on: id, by: acting.actor, expecting: version)
            case .reply(let mark, let channel, let text, let anyway):
                do {
                    outcome = try acting.service.reply(to: mark.conversationID, text: text, by: acting.actor, since: mark, anyway: anyway)
                } catch let error as HeedError where error.kind == .conflict {
                    let now = try acting.service.threadMark(mark.conversationID)
                    guard now != mark else { throw error }
                    return .replyStale(error.message, since: now, channel: channel, text: text)
                }
            case .performAll(let command, let conversations):
                return .actedOnAll(Self.performAll(command, conversations, acting))
            case .runMacro(let name, let conversations) where conversations.count == 1:
                outcome = try acting.service.runMacro(name, on: conversations.first!.key, by: acting.actor, expecting: conversations.first!.value)
            case .runMacro(let name, let conversations):
                return .actedOnAll(acting.service.each(Self.sorted(conversations), kind: .macro, by: acting.actor) { id, version in
                    try acting.service.runMacro(name, on: id, by: acting.actor, expecting: version)
                }.summary)
            case .previewReplies(let text, let conversations):
                do {
                    return .repliesPreviewed(try acting.service.previewReplies(text, to: conversations.keys.sorted(), by: acting.actor))
                } catch let error as HeedError {
                    return .promptFault(error.message)
                }
            case .replyAll(let previews, let versions):
                let texts = Dictionary(uniqueKeysWithValues: previews.map { ($0.conversationID, $0.text) })
                return .actedOnAll(acting.service.each(previews.map { ($0.conversationID, versions[$0.conversationID]) }, kind: .reply,
                                                       by: acting.actor) { id, version in
                    try acting.service.reply(to: id, text: texts[id] ?? "", by: acting.actor, expecting: version)
                }.summary)
            case .cannedTemplate(let prefix):
                do {
                    return .cannedFilled(try acting.service.cannedTemplate(prefix))
                } catch let error as HeedError {
                    return .promptFault(error.message)
                }
            case .startShift(let intro, let until):
                let started: ActionService.ShiftOutcome
                do {
                    started = try acting.service.startShift(by: acting.actor, intro: intro, until: until, processID: getpid())
                } catch let error as HeedError {
                    return .promptFault(error.message)
                }
                let now = clock.now()
                return .shiftStarted(started.summary, handovers: started.handovers.map { shift in
                    HandoverNotice(shiftID: shift.id, lines: shift.handover?.lines(now: now, config: config, reader: acting.actor.handle) ?? ["shift \(shift.id) of \(shift.operatorHandle)"])
                })
            case .endShift(let note, let passTo):
                do {
                    return .shiftEnded(try acting.service.endShift(by: acting.actor, note: note, passTo: passTo).summary)
                } catch let error as HeedError {
                    return .promptFault(error.message)
                }
            case .acknowledge(let ids):
                return .acted(try ids.map { try acting.service.acknowledgeHandover($0, by: acting.actor).summary }.joined(separator: "; "))
            case .postRoster:
                outcome = try acting.service.postRoster(by: acting.actor)
            case .offerShift:
                guard let offer = shiftOffer() else { return .actionFailed("you are on shift already") }
                return .shiftOffered(offer)
            case .canned(let id, let prefix):
                do {
                    return .cannedFilled(try acting.service.cannedText(prefix, conversation: id, by: acting.actor))
                } catch let error as HeedError {
                    return .promptFault(error.message)
                }
            case .undo: outcome = try acting.service.undo(by: acting.actor)
            case .redo: outcome = try acting.service.redo(by: acting.actor)
            case .next:
                let taken = try acting.service.next(by: acting.actor)
                return .acted(taken.summary, open: taken.conversationID)
            default: return .actionFailed("not an action")
            }
            return .acted(outcome.summary)
        } catch let error as HeedError {
            return .actionFailed(error.message)
        } catch {
            return .actionFailed("\(error)")
        }
    }

    /// The list `request` asks for, in one read with the header's counts when `counts` (the
    /// runtime asks only after a change).
    public func list(_ request: ListRequest, counts: Bool, now: Int64) throws -> ListSnapshot {
        try database.read { db in
            var snapshot = ListSnapshot(request: request, counts: counts ? try Queue.counts(db) : nil)
            snapshot.claims = try Claims.holders(db, now: now, except: me)
            snapshot.roster = try OnShift.roster(db, config: config, now: now)
            snapshot.incidents = try Incident.list(db, now: now, quietMinutes: config.triage.incidents.quietMinutes)
            if let me, config.operator(handle: me) != nil { snapshot.onShift = snapshot.roster.contains { $0.operatorHandle == me } }
            let alerts = try ServiceReport.alerts(db, config: config, cache: database.path, now: now)
            snapshot.service = ServiceView(notSending: alerts.notSending, troubles: alerts.troubles)
            switch request.source {
            case .outbox: snapshot.outbox = try OutboxEntry.list(db, limit: request.limit)
            case .triage, .recent:
                let query = try Query.parse(request.query)
                snapshot.rows = try Queue.search(db, query, now: now, me: me, order: request.source == .recent ? .recent : .triage, limit: request.limit)
                // A search that fills the page is counted apart (`countSearch`), beside the keys.
                if request.isSearch && snapshot.rows.count < request.limit {
                    snapshot.found = snapshot.rows.count
                    if snapshot.rows.isEmpty { snapshot.suggestion = try SearchSuggestion.suggest(db, text: request.query) }
                }
            }
            return snapshot
        }
    }

    /// How many conversations the search `query` finds.
    func countSearch(_ query: String, now: Int64) -> Result<(query: String, found: Int), HeedError> {
        counted { (query, try database.read { db in try Queue.count(db, try Query.parse(query), now: now, me: me) }) }
    }

    /// Each of `views`' counts, in one read.
    func countViews(_ views: [QueueView], now: Int64) -> Result<[Int?], HeedError> {
        counted {
            try database.read { db in
                try views.map { view in
                    switch view.source {
                    case .outbox: return try OutboxEntry.countPending(db)
                    // A view that cannot be counted (is:mine with nobody known) shows no count.
                    case .triage, .recent: return try? Queue.count(db, try Query.parse(view.query), now: now, me: me)
                    }
                }
            }
        }
    }

    /// Tells the other screens which conversation this one shows (nil: none) instead of
    /// `previous`, without waiting: an import may hold the cache's write lock for a second, and
    /// the screen must not freeze for it. A write that fails is not retried; the screen renews
    /// its claim every half minute.
    func show(_ conversation: Int64?, previous: Int64?, now: Int64) {
        guard let me else { return }
        try? database.showViewing(operator: me, conversation: conversation, previous: previous, now: now)
    }

    /// One action on each conversation, each its own compare-and-set and event: what was done,
    /// and why not where it was not ("sam resolved 11 of 12 conversations; #42: …").
    static func performAll(_ command: TriageCommand, _ conversations: [Int64: Int], _ acting: Acting) -> String {
        acting.service.performEach(command, on: sorted(conversations), by: acting.actor).summary
    }

    private static func sorted(_ conversations: [Int64: Int]) -> [(id: Int64, version: Int?)] {
        conversations.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Every conversation `request`'s search or view finds, each at its version now.
    func pickAll(_ request: ListRequest, now: Int64) throws -> Event {
        do {
            let found = try database.read { db in
                try ActionSelection.search(try Query.parse(request.query)).resolve(db, now: now, me: me)
            }
            return .picked(Dictionary(found.map { ($0.id, $0.version ?? 0) }, uniquingKeysWith: { first, _ in first }))
        } catch let error as HeedError {
            return .actionFailed(error.message)
        } catch let error as QueryError {
            return .actionFailed(error.message)
        }
    }

    /// Renews this screen's reply claim while the reply is being written; a renewal that fails
    /// (taken over meanwhile) shows when the reply is sent.
    func renewReply(_ id: Int64) {
        guard case .success(let acting) = acting else { return }
        _ = try? acting.service.claimReply(id, by: acting.actor)
    }

    var claimRenewMilliseconds: Int64 {
        (try? acting.get().service.claimRenewMilliseconds) ?? Int64.max
    }

    /// A shift to offer the operator at the keyboard: nil when nobody known is, or theirs runs.
    func shiftOffer() -> ShiftOffer? {
        guard case .success(let acting) = acting,
              (try? database.read({ db in try Shift.running(db, operator: acting.actor.handle) })) == .some(nil),
              let until = try? acting.service.plannedEnd(nil, for: acting.actor) else { return nil }
        return ShiftOffer(intro: acting.service.introText(for: acting.actor, until: until), until: until, signature: acting.actor.signature)
    }

    /// The operator at the keyboard is at it (for who is away).
    func touchShift() {
        guard case .success(let acting) = acting else { return }
        acting.service.touchShift(acting.actor.handle)
    }

    /// Ends shifts left open past `shifts.max_hours` (any screen may notice).
    func endOverdueShifts() {
        guard case .success(let acting) = acting else { return }
        _ = try? acting.service.endOverdueShifts()
    }

    /// Brings back the conversations whose snooze ran out (without waiting, as `show`).
    func wakeSnoozed(now: Int64) {
        database.wakeSnoozedInBackground(now: now)
    }

    /// The same for nothing shown, waiting for it: as the screen closes, so that it does not
    /// linger as viewing.
    func showNothing(previous: Int64?, now: Int64) throws {
        guard let me, previous != nil else { return }
        try database.showViewing(operator: me, conversation: nil, previous: previous, now: now, waiting: true)
    }

    public func conversation(_ id: Int64) throws -> ConversationPage? {
        try database.read { db in
            guard let detail = try ConversationDetail.fetch(db, id: id) else { return nil }
            return ConversationPage(detail: detail, card: try ContactCard.fetch(db, conversation: id))
        }
    }

    /// A conversation as `heed show` prints it (or its JSON), for a command it is piped to.
    func pipeInput(_ id: Int64, json: Bool, timeZone: String) throws -> Data? {
        let now = clock.now()
        return try database.read { db in
            guard let detail = try ConversationDetail.fetch(db, id: id) else { return nil }
            if json { return try ConversationText.json(detail) }
            let delivering = !(try ServiceReport.alerts(db, config: config, cache: database.path, now: now).notSending)
            return Data(ConversationText.render(detail, timeZone: timeZone, now: now, delivering: delivering).utf8)
        }
    }

    /// The Reports view's figures as the cache stands at `now`.
    func countReports(now: Int64) -> Result<ReportDigest, HeedError> {
        counted { try ReportDigest.make(database, config: config, now: now) }
    }

    /// What a count beside the keys found, or why it could not.
    private func counted<Value>(_ count: () throws -> Value) -> Result<Value, HeedError> {
        Result(catching: count).mapError { $0 as? HeedError ?? HeedError("\($0)", .failed) }
    }

    public func changeToken() throws -> @Sendable () throws -> Int { try database.changeWatcher() }
}
