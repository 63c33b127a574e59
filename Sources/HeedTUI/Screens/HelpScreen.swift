import HeedCore

/// The keys of where you are (the list or a conversation, with the global ones), generated from
/// the key table, over the screen: in as many columns as fit, each as wide as the width allows.
enum HelpScreen {
    static let minimumColumnWidth = 38

    static func render(_ state: AppState, into grid: inout Grid) {
        for y in 1..<(grid.height - 1) { grid.clear(y: y) }
        let context: KeyContext = state.conversation != nil ? .conversation : .queue
        grid.put(DisplayText("Keys \(context == .conversation ? "in a conversation" : "on the list") — any key closes "
                             + "(change them with \"keys\" in the config)"), x: 1, y: 1, limit: grid.width - 2, style: .dim)
        let lines = state.keyMap.helpLines(context) + state.macros.map { ($0.key.label, "macro \($0.name): " + $0.steps.joined(separator: ", ")) }
        // The legend at the foot, where it leaves the keys most of the screen: what the channel
        // letters and the marks on the screen mean. The keys come first: it goes where they need its room.
        let top = 2
        let most = Swift.max(1, (grid.width - 1) / minimumColumnWidth)
        let wrapped = QueueScreen.wrap(Self.legend.joined(separator: "\u{00A0}· "), width: grid.width - 2)
        let keyRows = (lines.count + most - 1) / most
        let legend = wrapped.count <= (grid.height - 4) / 3 && top + keyRows + wrapped.count <= grid.height - 1 ? wrapped : []
        let legendTop = grid.height - 1 - legend.count
        for (offset, line) in legend.enumerated() {
            grid.put(DisplayText(line), x: 1, y: legendTop + offset, limit: grid.width - 2, style: .dim)
        }
        // As few columns as hold every key, so that each is as wide as the screen allows; a
        // description wider than its column (a macro's steps) goes on under itself where there
        // is room for that, else is cut: every key in sight comes first.
        let rows = Swift.max(1, legendTop - top)
        let width = grid.width
        let fits = [true, false].lazy.compactMap { wrapping in
            (1...most).lazy.compactMap { place(lines, columns: $0, rows: rows, width: width, wrapping: wrapping) }.first
        }.first
        let placed = fits ?? place(lines, columns: most, rows: Swift.max(1, rows - 1), width: width, wrapping: false, cutting: true)!
        for item in placed {
            for (offset, text) in item.text.enumerated() {
                grid.put(DisplayText(text), x: item.x + (offset == 0 ? 0 : keyWidth + 1), y: top + item.row + offset,
                         limit: item.width - (offset == 0 ? 0 : keyWidth + 1))
            }
        }
        if fits == nil {
            grid.put(DisplayText("… a wider or taller terminal shows all \(lines.count)"), x: 1, y: top + rows - 1, limit: grid.width - 2,
                     style: .dim)
        }
    }

    static let keyWidth = 12

    /// Where each line goes in `columns` columns of `rows` rows: its column's x, its row, the
    /// room it has and its text (wrapped to it when `wrapping`, else one line cut where the
    /// column ends). Nil when they do not all fit, unless `cutting`: then as many as fit.
    private static func place(_ lines: [(keys: String, help: String)], columns: Int, rows: Int, width: Int, wrapping: Bool, cutting: Bool = false)
        -> [(x: Int, row: Int, width: Int, text: [String])]? {
        let columnWidth = Swift.max(1, (width - 1) / columns)
        var placed: [(x: Int, row: Int, width: Int, text: [String])] = []
        var (column, row) = (0, 0)
        for line in lines {
            while true {
                let x = 1 + column * columnWidth
                let room = Swift.min(columnWidth - 1, width - x)
                var text = wrapping ? QueueScreen.wrap(line.help, width: Swift.max(1, room - keyWidth - 1)) : [line.help]
                if text.isEmpty { text = [""] }
                text[0] = DisplayWidth.fit(line.keys, to: keyWidth) + " " + text[0]
                // A description taller than a whole column is cut to it.
                if row + text.count <= rows || row == 0 {
                    placed.append((x, row, room, Array(text.prefix(rows - row))))
                    row += text.count
                    break
                }
                (column, row) = (column + 1, 0)
                guard column < columns else { return cutting ? placed : nil }
            }
        }
        return placed
    }

    /// Channel letters, then the marks, each with what it means; an item is not split when wrapped.
    static let legend: [String] = QueueScreen.channelMarks.map { "\($0.mark)\u{00A0}\($0.channel)" } + [
        "▲\u{00A0}priority\u{00A0}rose", "✎\u{00A0}someone\u{00A0}replying", "◉\u{00A0}someone\u{00A0}viewing",
        "→\u{00A0}assigned\u{00A0}to", "+\u{00A0}picked", "•\u{00A0}new", "⚑\u{00A0}incident",
        "▸\u{00A0}customer", "◂\u{00A0}ours", "▪\u{00A0}note",
    ]
}
