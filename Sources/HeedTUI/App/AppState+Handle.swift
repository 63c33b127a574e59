import Foundation
import HeedCore

extension AppState {
    /// Rows of the list area for a given terminal height (header, tabs, preview and status take the rest).
    var listHeight: Int { Swift.max(1, height - 2 - QueueScreen.previewHeight(height) - 1) }

    public mutating func handle(_ event: Event) -> [Effect] {
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
        case .replyClaimed(let id, let mark, let channel):
            prompt = Prompt(.reply(conversation: id, since: mark, channel: channel))
        case .replyStale(let message, let mark, let channel, let text):
            prompt = Prompt(.reply(conversation: mark.conversationID, since: mark, channel: channel), text: text)
            prompt?.warned = true
            prompt?.error = QueryError(position: 0, message: message + " — Enter sends yours as it is, Esc gives it up")
            return [.reload]
        case .replyHeld(let message, let id):
            status = message + " — r again takes it over"
            takeOverOffer = id
        case .cannedFilled(let text), .edited(let text):
            prompt?.text = text
            prompt?.cursor = text.count
            prompt?.error = nil
            prompt?.warned = false
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

    private mutating func load(_ snapshot: ListSnapshot) {
        // A slow load finishing after the operator switched views is dropped, not shown.
        guard snapshot.request == listRequest else { return }
        let keep = selectedRow?.conversationID
        let keepPost = listRequest.source == .outbox && outbox.indices.contains(selected) ? outbox[selected].id : nil
        rows = snapshot.rows
        outbox = snapshot.outbox
        if let counted = snapshot.counts { counts = counted }
        presence = snapshot.presence
        roster = snapshot.roster
        if let known = snapshot.onShift { onShift = known }
        if !snapshot.viewCounts.isEmpty { viewCounts = snapshot.viewCounts }
        // The cursor stays on the same conversation, not the same row number.
        if let keep, let index = rows.firstIndex(where: { $0.conversationID == keep }) { selected = index }
        if let keepPost, let index = outbox.firstIndex(where: { $0.id == keepPost }) { selected = index }
        selected = Swift.min(selected, Swift.max(0, listCount - 1))
        keepSelectionVisible()
    }

    private mutating func handleKey(_ key: Key) -> [Effect] {
        status = nil
        // An offer to take over a reply, or `;` waiting for its action, lasts one key.
        let (offer, wasApplying) = (takeOverOffer, applying)
        (takeOverOffer, applying) = (nil, false)
        let pressed = keyMap.action(for: key)
        if pressed == .reply { takeOverOffer = offer }
        if let pressed, [.resolve, .spam, .tag, .note, .assign, .escalate, .snooze, .undo, .redo, .next, .reply].contains(pressed) {
            applying = wasApplying
        }
        if replyPreview != nil { return previewKey(key) }
        if !handovers.isEmpty { return handoverKey(key) }
        if shiftOffer != nil && prompt == nil { return offerKey(key) }
        if prompt != nil { return promptKey(key) }
        if showingShifts { return shiftPanelKey(key) }
        if showingHelp {
            // Any key closes the help; q still quits.
            showingHelp = false
            return keyMap.action(for: key) == .quit && conversation == nil ? [.quit] : []
        }
        if let index = views.firstIndex(where: { $0.key == key }) { return switchView(to: index) }
        if let macro = macros.first(where: { $0.key == key }) { return runMacro(macro, applying: wasApplying) }
        guard let action = keyMap.action(for: key) else { return [] }
        if conversation != nil { return conversationAction(action) }
        switch action {
        case .quit: return [.quit]
        case .help: showingHelp = true
        case .down: move(by: 1)
        case .up: move(by: -1)
        case .first: move(to: 0)
        case .last: move(to: listCount - 1)
        case .pageDown: move(by: listHeight)
        case .pageUp: move(by: -listHeight)
        case .halfPageDown: move(by: Swift.max(1, listHeight / 2))
        case .halfPageUp: move(by: -Swift.max(1, listHeight / 2))
        case .reload: return [.reload]
        case .open: return openSelected()
        case .back:
            if !selection.isEmpty {
                selection = [:]
                return []
            }
            guard search != nil else { return [] }
            search = nil
            return resetList()
        case .search: prompt = Prompt(.search, text: search ?? "")
        case .nextView: return switchView(to: (viewIndex + 1) % views.count)
        case .previousView: return switchView(to: (viewIndex + views.count - 1) % views.count)
        case .view: return viewNumber(key)
        case .tag, .note, .assign, .escalate, .snooze, .resolve, .spam, .undo, .redo, .next, .reply:
            return act(action)
        case .shifts:
            showingShifts = true
        case .selectAll:
            guard listRequest.source != .outbox else {
                status = "the Outbox holds posts, not conversations to pick"
                return []
            }
            return [.pickAll(listRequest)]
        case .select:
            if let row = selectedRow {
                if selection.removeValue(forKey: row.conversationID) == nil { selection[row.conversationID] = row.version }
                move(by: 1)
            }
        case .apply:
            if selection.isEmpty {
                status = "nothing selected: x or Space picks conversations, then ; and an action"
            } else {
                applying = true
                let macroKeys = macros.map { "  \($0.key.label) \($0.name)" }.joined()
                status = "\(selection.count) selected: c resolve  ! spam  t tag  n note  a assign  e escalate  s snooze  r reply\(macroKeys)  (Esc: none)"
            }
        }
        return loadMoreNearTheEnd()
    }

    /// A list that filled its limit probably goes on: within two screens of its end, ask for a
    /// page more (the cursor stays on its conversation when they arrive).
    private mutating func loadMoreNearTheEnd() -> [Effect] {
        guard listCount == listLimit, selected >= listCount - 2 * listHeight else { return [] }
        listLimit += Self.pageSize
        return [.reload]
    }


    private mutating func promptKey(_ key: Key) -> [Effect] {
        guard var line = prompt else { return [] }
        if line.edit(key) {
            prompt = line
            return []
        }
        switch key {
        case .tab:
            // Type the start of a canned reply's name, then Tab.
            if case .reply(let id, _, _) = line.purpose { return [.canned(conversation: id, prefix: line.text)] }
            if case .bulkReply = line.purpose { return [.cannedTemplate(prefix: line.text)] }
        case .ctrl("x"):
            if line.multiline { return [.editExternally(line.text)] }
        case .escape, .ctrl("c"), .ctrl("g"):
            prompt = nil
            if case .reply(let id, _, _) = line.purpose { return [.releaseReply(conversation: id)] }
        case .enter:
            // The intro and the note stay on screen until the shift has started or ended (a refusal shows on them).
            if case .intro(let until) = line.purpose { return [.startShift(intro: line.text, until: until)] }
            if case .handoverNote = line.purpose {
                // "@priya …": the conversations go to Priya (if she is on shift) instead of the pool.
                let words = line.text.split(separator: " ", maxSplits: 1)
                if let first = words.first, first.hasPrefix("@"), first.count > 1 {
                    return [.endShift(note: words.count > 1 ? String(words[1]) : "", passTo: String(first.dropFirst()))]
                }
                return [.endShift(note: line.text, passTo: nil)]
            }
            if case .bulkReply(let conversations) = line.purpose {
                return line.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? [] : [.previewReplies(line.text, conversations: conversations)]
            }
            if case .reply(_, let mark, let channel) = line.purpose {
                if let problem = ChannelLength.problem(line.text, channel: channel) {
                    line.error = QueryError(position: line.text.count, message: "too long: \(problem)")
                    prompt = line
                    return []
                }
                // The public-reply safety net: said once; Enter again sends it on purpose.
                let risky = PrivateData.findings(line.text)
                if !risky.isEmpty && !line.warned {
                    line.warned = true
                    line.error = QueryError(position: 0, message: "seems to hold \(risky.joined(separator: " and ")): Enter sends it anyway; "
                        + "or Ctrl-U, move-to-dm, Tab for the direct-message reply")
                    prompt = line
                    return []
                }
                prompt = nil
                return [.reply(since: mark, channel: channel, text: line.text, anyway: line.warned)]
            }
            if let effect = actionEffect(&line) {
                prompt = effect.isEmpty ? line : nil
                return effect
            }
            let text = line.text.trimmingCharacters(in: .whitespaces)
            do {
                _ = try Query.parse(text)
            } catch let error as QueryError {
                line.error = error
                prompt = line
                return []
            } catch {
                return []
            }
            prompt = nil
            search = text.isEmpty ? nil : text
            return resetList()
        default:
            break
        }
        return []
    }

    /// The action an action prompt's line asks for, on its conversation or the selection; an
    /// empty list (the line's fault marked) when it cannot be read; nil for other prompts.
    private func actionEffect(_ line: inout Prompt) -> [Effect]? {
        let kind: String
        switch line.purpose {
        case .bulk(let name, _), .action(let name, _, _): kind = name
        default: return nil
        }
        let command: TriageCommand
        do {
            command = try TriageCommand.parse(kind: kind, text: line.text, now: now)
        } catch {
            line.error = error
            return []
        }
        switch line.purpose {
        case .bulk(_, let conversations): return [.performAll(command, conversations: conversations)]
        case .action(_, let id, let version): return [.perform(command, conversation: id, version: version)]
        default: return nil
        }
    }

    private mutating func conversationAction(_ action: Action) -> [Effect] {
        switch action {
        case .back, .quit: conversation = nil
        case .help: showingHelp = true
        case .down: scroll(by: -1)
        case .up: scroll(by: 1)
        case .pageDown, .halfPageDown: scroll(by: -Swift.max(1, threadHeight / (action == .pageDown ? 1 : 2)))
        case .pageUp, .halfPageUp: scroll(by: Swift.max(1, threadHeight / (action == .pageUp ? 1 : 2)))
        case .first: scroll(by: Int.max / 2)
        case .last: scroll(by: -(Int.max / 2))
        case .reload: return [.reload]
        case .nextView, .previousView, .view, .search, .open:
            // The queue's keys act on the queue: close the conversation first.
            conversation = nil
            return handleKey(keyMap.bindings.first { $0.action == action }?.keys.first ?? .escape)
        case .tag, .note, .assign, .escalate, .snooze, .resolve, .spam, .undo, .redo, .next, .reply:
            return act(action)
        case .select, .selectAll, .apply:
            status = "\(action.rawValue) works on the list: Esc back to it first"
        case .shifts:
            showingShifts = true
        }
        return []
    }

    /// An action on the conversation open, else the one selected: at once, or after a prompt
    /// for what it needs. It carries the version shown, so a change by someone else meanwhile
    /// is a conflict, not an overwrite.
    private mutating func act(_ action: Action) -> [Effect] {
        if applying {
            applying = false
            switch action {
            case .resolve: return [.performAll(.resolve, conversations: selection)]
            case .spam: return [.performAll(.spam, conversations: selection)]
            case .tag, .note, .assign, .escalate, .snooze:
                prompt = Prompt(.bulk(kind: action.rawValue, conversations: selection))
                return []
            case .reply:
                prompt = Prompt(.bulkReply(conversations: selection))
                return []
            default:
                status = "\(action.rawValue) is for one conversation at a time"
                return []
            }
        }
        switch action {
        case .undo: return [.undo]
        case .redo: return [.redo]
        case .next: return [.next]
        default: break
        }
        guard let target = conversation?.detail.summary ?? selectedRow else {
            status = "\(action.rawValue): no conversation selected"
            return []
        }
        switch action {
        case .resolve: return [.perform(.resolve, conversation: target.conversationID, version: target.version)]
        case .spam: return [.perform(.spam, conversation: target.conversationID, version: target.version)]
        case .reply:
            let takeOver = takeOverOffer == target.conversationID
            takeOverOffer = nil
            return [.claimReply(conversation: target.conversationID, channel: target.channel, takeOver: takeOver)]
        default:
            prompt = Prompt(.action(kind: action.rawValue, conversation: target.conversationID, version: target.version))
            return []
        }
    }

    /// A macro on the conversation open (else the one selected), or after `;` on the selection.
    private mutating func runMacro(_ macro: MacroKey, applying: Bool) -> [Effect] {
        if applying { return [.runMacro(macro.name, conversations: selection)] }
        guard let target = conversation?.detail.summary ?? selectedRow else {
            status = "\(macro.name): no conversation selected"
            return []
        }
        return [.runMacro(macro.name, conversations: [target.conversationID: target.version])]
    }

    private mutating func openSelected() -> [Effect] {
        if listRequest.source == .outbox {
            guard outbox.indices.contains(selected), let id = outbox[selected].conversationID else { return [] }
            return [.openConversation(id)]
        }
        guard let row = selectedRow else { return [] }
        return [.openConversation(row.conversationID)]
    }

    private mutating func viewNumber(_ key: Key) -> [Effect] {
        guard case .char(let c) = key, let n = c.wholeNumberValue, n >= 1, n <= views.count else { return [] }
        return switchView(to: n - 1)
    }

    private mutating func switchView(to index: Int) -> [Effect] {
        conversation = nil
        search = nil
        viewIndex = index
        return resetList()
    }

    /// A different list: start at its top, and show nothing stale while it loads.
    private mutating func resetList() -> [Effect] {
        selection = [:]
        rows = []
        outbox = []
        selected = 0
        top = 0
        listLimit = Self.pageSize
        return [.reload]
    }

    private mutating func move(by delta: Int) { move(to: selected + delta) }

    private mutating func move(to index: Int) {
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
    var threadHeight: Int { ConversationScreen.threadArea(self).height }

    private mutating func scroll(by lines: Int) {
        guard var page = conversation else { return }
        page.scrollFromEnd = Swift.max(0, page.scrollFromEnd.addingReportingOverflow(lines).partialValue)
        conversation = page
        clampScroll()
    }

    private mutating func clampScroll() {
        guard var page = conversation else { return }
        let area = ConversationScreen.threadArea(self)
        let total = ConversationScreen.threadLines(page, width: area.width, timeZone: timeZone, now: now,
                                                   others: others(at: page.detail.summary.conversationID)).count
        page.scrollFromEnd = Swift.max(0, Swift.min(page.scrollFromEnd, total - area.height))
        conversation = page
    }
}
