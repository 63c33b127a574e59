import HeedCore

/// Keys: looked up in the table for where they are pressed (`keyContext`), what the action
/// needs checked once, then handled by the context's own function.
extension AppState {
    mutating func handleKey(_ key: Key) -> [Effect] {
        status = nil
        // An offer to take over a reply lasts one key.
        let offer = takeOverOffer
        takeOverOffer = nil
        let context = keyContext
        if context == .prompt, prompt?.leaving == true { return answerLeaving(key) }
        // A line being written takes every key its editing knows.
        if context == .prompt, var line = prompt, line.edit(key) {
            prompt = line
            return []
        }
        if context.fallsBack {
            if context != .picks, let index = views.firstIndex(where: { $0.key == key }) { return switchView(to: index) }
            if let macro = macros.first(where: { $0.key == key }) {
                applying = false
                return runMacro(macro, onPicks: context == .picks)
            }
        }
        guard let action = keyMap.action(for: key, in: context) else { return unbound(key, in: context) }
        if action == .reply { takeOverOffer = offer }
        if let refusal = refusal(of: action, in: context) {
            applying = false
            status = refusal
            return []
        }
        switch context {
        case .global, .queue: return listAction(action, key: key)
        case .conversation: return conversationAction(action, key: key)
        case .picks: return picksAction(action)
        case .help: return helpAction(action)
        case .prompt: return promptAction(action)
        case .shiftOffer: return offerAction(action)
        case .handovers: return handoverAction(action)
        case .shiftPanel: return shiftPanelAction(action)
        case .replyPreview: return previewAction(action)
        case .reports: return reportsAction(action)
        }
    }

    /// Why `action` cannot be done here and now, from what the table says it needs.
    private func refusal(of action: Action, in context: KeyContext) -> String? {
        switch action.info.needs {
        case .nothing: return nil
        case .conversation:
            guard context != .picks, conversation == nil, selectedRow == nil else { return nil }
            return "\(action.rawValue): no conversation selected"
        case .picks:
            guard selection.isEmpty else { return nil }
            let pick = keyMap.keys(for: .select, in: .queue).map(\.label).joined(separator: " or ")
            return "nothing selected: \(pick) picks conversations, then \(keyMap.label(.apply, in: .queue)) and an action"
        }
    }

    /// A key the table has nothing for here: said, so that nobody wonders (the help just closes).
    private mutating func unbound(_ key: Key, in context: KeyContext) -> [Effect] {
        switch context {
        case .help:
            showingHelp = false
        case .picks:
            applying = false
            status = "\(key.label) does nothing to picks; they stay picked"
        case .prompt:
            break
        default:
            status = "no key \(key.label) here (\(keyMap.label(.help, in: .queue)) lists the keys)"
        }
        return []
    }

    private mutating func listAction(_ action: Action, key: Key) -> [Effect] {
        switch action {
        case .quit: return [.quit]
        case .down: move(by: 1)
        case .up: move(by: -1)
        case .first: move(to: 0)
        case .last: move(to: listCount - 1)
        case .pageDown: move(by: listHeight)
        case .pageUp: move(by: -listHeight)
        case .halfPageDown: move(by: Swift.max(1, listHeight / 2))
        case .halfPageUp: move(by: -Swift.max(1, listHeight / 2))
        case .open: return openSelected()
        case .back:
            if !selection.isEmpty {
                selection = [:]
                return []
            }
            guard search != nil else { return [] }
            search = nil
            return resetList()
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
            applying = true
        default:
            return globalAction(action, key: key)
        }
        return loadMoreNearTheEnd()
    }

    private mutating func conversationAction(_ action: Action, key: Key) -> [Effect] {
        switch action {
        case .back: conversation = nil
        case .down: scroll(by: -1)
        case .up: scroll(by: 1)
        case .pageDown, .halfPageDown: scroll(by: -Swift.max(1, threadHeight / (action == .pageDown ? 1 : 2)))
        case .pageUp, .halfPageUp: scroll(by: Swift.max(1, threadHeight / (action == .pageUp ? 1 : 2)))
        case .first: scroll(by: Int.max / 2)
        case .last: scroll(by: -(Int.max / 2))
        case .nextView, .previousView, .view, .search:
            // The queue's keys act on the queue: close the conversation first.
            conversation = nil
            return globalAction(action, key: key)
        default:
            return globalAction(action, key: key)
        }
        return []
    }

    /// The keys both the list and a conversation have.
    private mutating func globalAction(_ action: Action, key: Key) -> [Effect] {
        switch action {
        case .help: showingHelp = true
        case .reload: return [.reload]
        case .search: prompt = Prompt(.search, text: search ?? "")
        case .nextView: return switchView(to: (viewIndex + 1) % views.count)
        case .previousView: return switchView(to: (viewIndex + views.count - 1) % views.count)
        case .view: return viewNumber(key)
        case .shifts: showingShifts = true
        case .reports:
            showingReports = true
            return [.countReports]
        case .undo: return [.undo]
        case .redo: return [.redo]
        case .next: return [.next]
        case .pipe:
            guard let target = conversation?.detail.summary ?? selectedRow else { return [] }
            prompt = Prompt(.pipe(conversation: target.conversationID, json: false), text: lastPipe)
        case .reply, .tag, .note, .assign, .escalate, .snooze, .resolve, .spam: return act(action)
        default: break
        }
        return []
    }

    private mutating func reportsAction(_ action: Action) -> [Effect] {
        switch action {
        case .reload: return [.countReports]
        case .back: showingReports = false
        default: break
        }
        return []
    }

    private mutating func helpAction(_ action: Action) -> [Effect] {
        showingHelp = false
        return []
    }

    /// An action on the conversation open, else the one selected: at once, or after a prompt
    /// for what it needs. It carries the version shown, so a change by someone else meanwhile
    /// is a conflict, not an overwrite.
    private mutating func act(_ action: Action) -> [Effect] {
        guard let target = conversation?.detail.summary ?? selectedRow else { return [] }
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

    /// After `;`: an action that can be done to every pick is; any other says so, and the picks stay.
    private mutating func picksAction(_ action: Action) -> [Effect] {
        applying = false
        guard action.info.onPicks else {
            if action != .cancel { status = "\(action.rawValue) is for one conversation at a time" }
            return []
        }
        switch action {
        case .resolve: return [.performAll(.resolve, conversations: selection)]
        case .spam: return [.performAll(.spam, conversations: selection)]
        case .reply: prompt = Prompt(.bulkReply(conversations: selection))
        default: prompt = Prompt(.bulk(kind: action.rawValue, conversations: selection))
        }
        return []
    }

    /// The status line while `;` waits for its action: the actions it takes, from the table.
    var picksMenu: String {
        let actions = Action.allCases.filter(\.info.onPicks).map { "\(keyMap.label($0, in: .picks)) \($0.rawValue)" }
        let macroKeys = macros.map { "\($0.key.label) \($0.name)" }
        return "\(selection.count) selected: " + (actions + macroKeys).joined(separator: "  ") + "  (\(keyMap.label(.cancel, in: .picks)): nothing)"
    }
}
