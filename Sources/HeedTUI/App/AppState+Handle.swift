import Foundation
extension AppState {
    /// Rows of the list area for a given terminal height (header, preview and status take the rest).
    var listHeight: Int { Swift.max(1, height - 1 - QueueScreen.previewHeight(height) - 1) }

    public mutating func handle(_ event: Event) -> [Effect] {
        switch event {
        case .key(let key): return handleKey(key)
        case .resized(let w, let h):
            width = w
            height = h
            keepSelectionVisible()
            return []
        case .loaded(let newRows, let count):
            let keep = selectedRow?.conversationID
            rows = newRows
            openCount = count
            // The cursor stays on the same conversation, not the same row number.
            if let keep, let index = rows.firstIndex(where: { $0.conversationID == keep }) { selected = index }
            selected = Swift.min(selected, Swift.max(0, rows.count - 1))
            keepSelectionVisible()
            return []
        case .tick(let time):
            now = time
            return []
        }
    }

    private mutating func handleKey(_ key: Key) -> [Effect] {
        status = nil
        if showingHelp {
            // Any key closes the help; q still quits.
            showingHelp = false
            return keyMap.action(for: key) == .quit ? [.quit] : []
        }
        guard let action = keyMap.action(for: key) else { return [] }
        switch action {
        case .quit: return [.quit]
        case .help: showingHelp = true
        case .down: move(by: 1)
        case .up: move(by: -1)
        case .first: move(to: 0)
        case .last: move(to: rows.count - 1)
        case .pageDown: move(by: listHeight)
        case .pageUp: move(by: -listHeight)
        case .halfPageDown: move(by: Swift.max(1, listHeight / 2))
        case .halfPageUp: move(by: -Swift.max(1, listHeight / 2))
        case .reload: return [.reload]
        case .open, .back, .search, .nextView, .previousView:
            status = "\(action.rawValue.replacingOccurrences(of: "_", with: " ")): comes with the full screen — not yet"
        case .reply, .tag, .note, .assign, .escalate, .snooze, .resolve, .spam, .next, .undo, .select, .apply:
            status = "\(action.rawValue): actions arrive with the actions issue — not yet"
        }
        return []
    }

    private mutating func move(by delta: Int) { move(to: selected + delta) }

    private mutating func move(to index: Int) {
        selected = Swift.max(0, Swift.min(index, rows.count - 1))
        keepSelectionVisible()
    }

    mutating func keepSelectionVisible() {
        if selected < top { top = selected }
        if selected >= top + listHeight { top = selected - listHeight + 1 }
        top = Swift.max(0, Swift.min(top, Swift.max(0, rows.count - listHeight)))
    }
}
