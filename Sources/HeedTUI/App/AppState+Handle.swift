import Foundation
import HeedCore

extension AppState {
    /// The screen's parts at this size.
    public var layout: Layout { Layout(width: width, height: height) }

    /// Rows of the list.
    var listHeight: Int { layout.listHeight }

    public mutating func handle(_ event: Event) -> [Effect] {
        defer { markSelectedSeen() }
        return handleEvent(event)
    }

    /// A row is new while its customer's latest message came after the screen opened and the
    /// operator has not looked at it: not had the cursor on it, not opened it.
    public func isNew(_ row: QueueRow) -> Bool {
        (row.lastCustomerAt ?? 0) > (seenUpTo[row.conversationID] ?? openedAt)
    }

    /// The active incident `id` belongs to (nil: none, or one that is over).
    public func incident(_ id: Int64?) -> Incident? {
        id.flatMap { id in incidents.first { $0.id == id } }
    }

    private mutating func markSelectedSeen() {
        let looked = [selectedRow.map { ($0.conversationID, $0.lastCustomerAt) }, conversation.map { ($0.detail.summary.conversationID, $0.detail.summary.lastCustomerAt) }]
        for case let (id, at?)? in looked where at > (seenUpTo[id] ?? openedAt) { seenUpTo[id] = at }
    }

    private mutating func handleEvent(_ event: Event) -> [Effect] {
        switch event {
        case .key(let key): return handleKey(key)
        case .resized(let w, let h):
            width = w
            height = h
            keepSelectionVisible()
            return []
        case .loaded(let snapshot): load(snapshot)
        case .searchFailed(let error):
            rows = []
            if let search {
                // Back to the line typed, with the place marked.
                prompt = Prompt(.search, text: search)
                prompt?.error = error
                self.search = nil
            } else {
                status = "\(view.name): \(error.message)"
            }
        case .conversationLoaded(var page):
            if let open = conversation, open.detail.summary.conversationID == page.detail.summary.conversationID {
                page.scrollFromEnd = open.scrollFromEnd
            }
            conversation = page
            clampScroll()
        case .conversationMissing(let id):
            if conversation?.detail.summary.conversationID == id { conversation = nil }
            status = "conversation \(id) is no longer in the cache"
        case .tick(let time):
            now = time
        case .acted(let summary, let open):
            status = summary
            return [.reload] + (open.map { [.openConversation($0)] } ?? [])
        case .actionFailed(let message):
            status = message
            return [.reload]
        case .actedOnAll(let summary):
            status = summary
            selection = [:]
            return [.reload]
        case .replyClaimed(let id, let mark, let channel, let draft):
            prompt = Prompt(.reply(conversation: id, since: mark, channel: channel), text: draft ?? "")
            prompt?.draft = draft
        case .replyStale(let message, let mark, let channel, let text):
            prompt = Prompt(.reply(conversation: mark.conversationID, since: mark, channel: channel), text: text)
            prompt?.warned = true
            prompt?.error = QueryError(position: 0, message: message + " — Enter sends yours as it is, Esc gives it up")
            return [.reload]
        case .replyHeld(let message, let id, let canTakeOver):
            if canTakeOver {
                status = message + " — \(keyMap.label(.reply, in: .queue)) again takes it over"
                takeOverOffer = id
            } else {
                status = message + " — only a lead may take it over: leave it, or ask them"
            }
        case .cannedFilled(let text), .edited(let text):
            prompt?.text = text
            prompt?.cursor = text.count
            prompt?.error = nil
            prompt?.warned = false
        case .piped(let message):
            status = message
        case .reportsCounted(.success(let digest)):
            self.digest = digest
            digestFault = nil
        case .reportsCounted(.failure(let error)):
            digestFault = error.message
            // The figures shown stay, marked old (their time in red); why is said once.
            if digest != nil { status = "cannot count the reports again: \(error.message)" }
        case .viewsCounted(let counts):
            viewCounts = counts
        case .searchCounted(let query, let count):
            guard listRequest.isSearch && listRequest.query == query else { break }
            found = count
            if countedSearch != query {
                countedSearch = query
                status = "\(count) found"
            }
        case .promptFault(let message):
            prompt?.error = QueryError(position: 0, message: message)
        case .shiftOffered(let offer):
            shiftOffer = offer
        case .shiftStarted(let summary, let notices):
            prompt = nil
            status = summary
            onShift = true
            handovers = notices
            return [.reload]
        case .shiftEnded(let summary):
            prompt = nil
            status = summary
            onShift = false
            showingShifts = false
            return [.reload]
        case .repliesPreviewed(let previews):
            replyPreview = previews
            previewTop = 0
        case .picked(let found):
            selection.merge(found) { seen, _ in seen }
            status = "\(selection.count) selected (all \(found.count) found): ; then an action applies it to them all"
        }
        return []
    }

    mutating func load(_ snapshot: ListSnapshot) {
        // A slow load finishing after the operator switched views is dropped, not shown.
        guard snapshot.request == listRequest else { return }
        let keep = selectedRow?.conversationID
        let keepPost = listRequest.source == .outbox && outbox.indices.contains(selected) ? outbox[selected].id : nil
        let wasNew = Set(rows.filter(isNew).map(\.conversationID))
        if let active = snapshot.incidents { incidents = active }
        // The triage order with each incident's conversations together, where its most urgent one is (as `heed queue` prints them).
        rows = snapshot.request.source == .triage ? QueueEntry.grouped(snapshot.rows).flatMap { entry -> [QueueRow] in
            switch entry {
            case .conversation(let row): [row]
            case .incident(_, let members): members
            }
        } : snapshot.rows
        // What came in since the last load is said once, where nothing else is being said.
        let arrived = rows.filter { isNew($0) && !wasNew.contains($0.conversationID) && $0.conversationID != keep }.count
        if arrived > 0 && status == nil && !rows.isEmpty { status = "\(arrived) new" }
        outbox = snapshot.outbox
        if let counted = snapshot.counts { counts = counted }
        claims = snapshot.claims
        roster = snapshot.roster
        if let known = snapshot.onShift { onShift = known }
        service = snapshot.service
        // A search's count is said once as it arrives, and stays in the header.
        if snapshot.request.isSearch, let count = snapshot.found, countedSearch != snapshot.request.query {
            countedSearch = snapshot.request.query
            let slash = keyMap.label(.search, in: .queue)
            status = count > 0 ? "\(count) found" : "nothing found" + (snapshot.suggestion.map { " — did you mean \"\($0)\"? (\(slash) to search again)" } ?? "")
        }
        // A search that fills the page keeps its last count until it is counted again.
        if !snapshot.request.isSearch {
            found = nil
            countedSearch = nil
        } else if let count = snapshot.found {
            found = count
        } else if countedSearch != snapshot.request.query {
            found = nil
        }
        // The cursor stays on the same conversation, not the same row number.
        if let keep, let index = rows.firstIndex(where: { $0.conversationID == keep }) { selected = index }
        if let keepPost, let index = outbox.firstIndex(where: { $0.id == keepPost }) { selected = index }
        selected = Swift.min(selected, Swift.max(0, listCount - 1))
        keepSelectionVisible()
    }

    /// A list that filled its limit probably goes on: within two screens of its end, ask for a
    /// page more (the cursor stays on its conversation when they arrive).
    mutating func loadMoreNearTheEnd() -> [Effect] {
        guard listCount == listLimit, selected >= listCount - 2 * listHeight else { return [] }
        listLimit += Self.pageSize
        return [.reload]
    }

    /// A macro on the conversation open (else the one selected), or after `;` on the selection.
    mutating func runMacro(_ macro: MacroKey, onPicks: Bool) -> [Effect] {
        if onPicks { return [.runMacro(macro.name, conversations: selection)] }
        guard let target = conversation?.detail.summary ?? selectedRow else {
            status = "\(macro.name): no conversation selected"
            return []
        }
        return [.runMacro(macro.name, conversations: [target.conversationID: target.version])]
    }

    mutating func openSelected() -> [Effect] {
        if listRequest.source == .outbox {
            guard outbox.indices.contains(selected), let id = outbox[selected].conversationID else { return [] }
            return [.openConversation(id)]
        }
        guard let row = selectedRow else { return [] }
        return [.openConversation(row.conversationID)]
    }

    mutating func viewNumber(_ key: Key) -> [Effect] {
        guard case .char(let c) = key, let n = c.wholeNumberValue, n >= 1, n <= views.count else { return [] }
        return switchView(to: n - 1)
    }

    mutating func switchView(to index: Int) -> [Effect] {
        conversation = nil
        search = nil
        viewIndex = index
        return resetList()
    }

    /// A different list: start at its top, and show nothing stale while it loads.
    mutating func resetList() -> [Effect] {
        selection = [:]
        rows = []
        outbox = []
        selected = 0
        top = 0
        listLimit = Self.pageSize
        return [.reload]
    }

    mutating func move(by delta: Int) { move(to: selected + delta) }

    mutating func move(to index: Int) {
        selected = Swift.max(0, Swift.min(index, listCount - 1))
        keepSelectionVisible()
    }

    mutating func keepSelectionVisible() {
        if selected < top { top = selected }
        if selected >= top + listHeight { top = selected - listHeight + 1 }
        top = Swift.max(0, Swift.min(top, Swift.max(0, listCount - listHeight)))
        clampScroll()
    }

    /// Lines of the conversation view's thread area.
    var threadHeight: Int { layout.threadArea.height }

    mutating func scroll(by lines: Int) {
        guard var page = conversation else { return }
        page.scrollFromEnd = Swift.max(0, page.scrollFromEnd.addingReportingOverflow(lines).partialValue)
        conversation = page
        clampScroll()
    }

    /// The conversation's thread as this screen lays it out at `width`.
    func threadLines(_ page: ConversationPage, width: Int) -> [Layout.Line] {
        ThreadLayout.lines(page, width: width, timeZone: timeZone, now: now, others: claimMarks(at: page.detail.summary.conversationID),
                           delivering: service.delivering, incident: incident(page.detail.summary.incidentID))
    }

    mutating func clampScroll() {
        guard var page = conversation else { return }
        let area = layout.threadArea
        let total = threadLines(page, width: area.width).count
        page.scrollFromEnd = Swift.max(0, Swift.min(page.scrollFromEnd, total - area.height))
        conversation = page
    }
}
