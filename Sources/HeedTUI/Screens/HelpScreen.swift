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
        // As few columns as hold every key, so that each is as wide as the screen allows.
        var rows = Swift.max(1, legendTop - top)
        let cut = lines.count > rows * most
        if cut { rows = Swift.max(1, rows - 1) }
        let columns = cut ? most : (lines.count + rows - 1) / rows
        let columnWidth = Swift.max(1, (grid.width - 1) / Swift.max(1, columns))
        for (index, line) in lines.enumerated() {
            let column = index / rows
            guard column < columns else {
                grid.put(DisplayText("… a wider or taller terminal shows all \(lines.count)"), x: 1, y: top + rows, limit: grid.width - 2,
                         style: .dim)
                break
            }
            let x = 1 + column * columnWidth
            let keys = DisplayWidth.fit(line.keys, to: 12)
            grid.put(DisplayText(keys + " " + line.help), x: x, y: top + index % rows, limit: Swift.min(columnWidth - 1, grid.width - x))
        }
    }

    /// Channel letters, then the marks, each with what it means; an item is not split when wrapped.
    static let legend: [String] = QueueScreen.channelMarks.map { "\($0.mark)\u{00A0}\($0.channel)" } + [
        "▲\u{00A0}priority\u{00A0}rose", "✎\u{00A0}someone\u{00A0}replying", "◉\u{00A0}someone\u{00A0}viewing",
        "→\u{00A0}assigned\u{00A0}to", "+\u{00A0}picked", "•\u{00A0}new", "⚑\u{00A0}incident",
        "▸\u{00A0}customer", "◂\u{00A0}ours", "▪\u{00A0}note",
    ]
}
