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
        let rows = Swift.max(1, grid.height - 4)
        let columns = Swift.max(1, (grid.width - 1) / minimumColumnWidth)
        let columnWidth = Swift.max(1, (grid.width - 1) / columns)
        for (index, line) in lines.enumerated() {
            let column = index / rows
            guard column < columns else {
                grid.put(DisplayText("… a wider or taller terminal shows all \(lines.count)"), x: 1, y: grid.height - 2, limit: grid.width - 2,
                         style: .dim)
                break
            }
            let x = 1 + column * columnWidth
            let y = 3 + index % rows
            let keys = DisplayWidth.fit(line.keys, to: 12)
            grid.put(DisplayText(keys + " " + line.help), x: x, y: y, limit: Swift.min(columnWidth - 1, grid.width - x))
        }
    }
}
