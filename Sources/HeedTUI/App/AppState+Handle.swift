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
        switch key {
        case .char("q"): return [.quit]
        case .char("j"), .down: move(by: 1)
        case .char("k"), .up: move(by: -1)
        case .char("g"), .home: move(to: 0)
        case .char("G"), .end: move(to: rows.count - 1)
        case .pageDown, .ctrl("d"): move(by: listHeight)
        case .pageUp, .ctrl("u"): move(by: -listHeight)
        case .ctrl("l"): return [.reload]
        case .char(let c) where "rtesc!nuxaN".contains(c):
            status = "'\(c)': actions arrive with the actions issue — not yet"
        default: break
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
