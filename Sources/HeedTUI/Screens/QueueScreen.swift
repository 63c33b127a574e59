import Foundation
import HeedCore

/// The triage screen: header, the queue, a preview of the selected conversation, a status line.
public enum QueueScreen {
    static func previewHeight(_ height: Int) -> Int { height >= 16 ? 6 : (height >= 10 ? 3 : 0) }

    public static func render(_ state: AppState) -> Grid {
        var grid = Grid(width: state.width, height: state.height)
        guard state.width >= 20, state.height >= 5 else {
            grid.put(DisplayText("terminal too small"), x: 0, y: 0)
            return grid
        }
        renderHeader(state, into: &grid)
        let listTop = 1
        for line in 0..<state.listHeight {
            let index = state.top + line
            guard index < state.rows.count else { break }
            renderRow(state.rows[index], selected: index == state.selected, now: state.now, y: listTop + line, into: &grid)
        }
        if state.rows.isEmpty {
            grid.put(DisplayText("Nothing open. Import mentions with `heed ingest FILE`, or try `heed demo`."), x: 1, y: listTop, style: .dim)
        }
        let previewTop = listTop + state.listHeight
        if previewHeight(state.height) > 0 { renderPreview(state, y: previewTop, into: &grid) }
        if state.showingHelp { HelpScreen.render(state, into: &grid) }
        renderStatus(state, into: &grid)
        return grid
    }

    static func renderHeader(_ state: AppState, into grid: inout Grid) {
        grid.fill(y: 0, style: .header)
        let title = " heed · \(state.brand) · \(state.viewName) (\(state.openCount) open)"
        grid.put(DisplayText(untrusted: title), x: 0, y: 0, limit: grid.width - 7, style: .header)
        grid.put(DisplayText(clock(state.now)), x: grid.width - 6, y: 0, style: .header)
    }

    static func clock(_ milliseconds: Int64) -> String {
        let minutes = (milliseconds / 60_000) % 1440
        return String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }

    static func renderRow(_ row: QueueRow, selected: Bool, now: Int64, y: Int, into grid: inout Grid) {
        let style: Style = selected ? .selectedRow : .normal
        if selected { grid.fill(y: y, style: .selectedRow) }
        var x = 1
        let age = Age.short(milliseconds: now - (row.lastCustomerAt ?? row.lastAt))
        x += grid.put(DisplayText(DisplayWidth.fit(age, to: 4)), x: x, y: y, style: style) + 1
        x += grid.put(DisplayText(DisplayWidth.fit(channelLabel(row.channel), to: 2)), x: x, y: y, style: style) + 1
        x += grid.put(DisplayText(DisplayWidth.fit(row.authorLabel(width: 22), to: 22)), x: x, y: y, style: style) + 1
        let tags = row.tags.joined(separator: " ")
        let tagWidth = tags.isEmpty ? 0 : Swift.min(16, DisplayWidth.of(tags)) + 1
        grid.put(DisplayText(untrusted: row.text), x: x, y: y, limit: Swift.max(0, grid.width - x - tagWidth - 1), style: style)
        if tagWidth > 0 {
            grid.put(DisplayText(untrusted: tags), x: grid.width - tagWidth, y: y, limit: tagWidth - 1, style: selected ? style : .dim)
        }
    }

    /// The one- or two-letter channel mark shown in the queue.
    static func channelLabel(_ channel: String) -> String {
        switch channel {
        case "x": "X"
        case "mastodon": "M"
        case "bluesky": "B"
        case "reddit": "R"
        case "facebook": "F"
        case "youtube": "Y"
        case "linkedin": "L"
        case "blog": "W"
        case "forum": "D"
        case "email": "E"
        default: String(channel.prefix(2)).uppercased()
        }
    }

    static func renderPreview(_ state: AppState, y: Int, into grid: inout Grid) {
        grid.put(DisplayText(String(repeating: "─", count: grid.width)), x: 0, y: y, style: .separator)
        guard let row = state.selectedRow else { return }
        let who = DisplayText(untrusted: "@\(row.authorHandle) · \(row.channel) · \(row.followers) followers · \(row.mentionCount) message(s)")
        grid.put(who, x: 1, y: y + 1, style: .dim)
        let lines = wrap(DisplayText(untrusted: row.text).string, width: grid.width - 2)
        for (offset, line) in lines.prefix(previewHeight(state.height) - 2).enumerated() {
            grid.put(DisplayText(line), x: 1, y: y + 2 + offset)
        }
    }

    static func renderStatus(_ state: AppState, into grid: inout Grid) {
        let y = grid.height - 1
        grid.fill(y: y, style: .status)
        let text = state.status ?? hints(state.keyMap)
        grid.put(DisplayText(untrusted: " " + text), x: 0, y: y, style: .status)
    }

    /// The status line's reminder, from the key table (so a rebound key shows as bound).
    static func hints(_ map: KeyMap) -> String {
        func key(_ action: Action) -> String { map.bindings.first { $0.action == action }?.keys.first?.label ?? "" }
        return "\(key(.down))/\(key(.up)) move  \(key(.first))/\(key(.last)) top/bottom  \(key(.pageUp))/\(key(.pageDown)) page  "
            + "\(key(.help)) keys  \(key(.quit)) quit"
    }

    /// Splits text into lines of at most `width` columns, at spaces where it can.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        var currentWidth = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(word)
            var w = DisplayWidth.of(word)
            if currentWidth > 0 && currentWidth + 1 + w > width {
                lines.append(current)
                current = ""
                currentWidth = 0
            }
            while w > width {
                // A word longer than the line (a URL) is cut, not allowed to overflow.
                let head = DisplayWidth.truncate(word, to: width + 1).dropLast()
                lines.append(String(head))
                word = String(word.dropFirst(head.count))
                w = DisplayWidth.of(word)
            }
            if currentWidth > 0 {
                current += " "
                currentWidth += 1
            }
            current += word
            currentWidth += w
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
