import HeedCore

/// A reply being written: a panel over the bottom of the screen with its text on as many lines
/// as it needs (up to half the screen, scrolled to the cursor), words wrapped at the width,
/// the channel's count in its title, and what is wrong (or the keys) on the last line.
enum ComposePanel {
    static let keys = "Enter send · M-Enter/C-j new line · Tab canned · C-x $EDITOR · Esc give up"

    static func render(_ prompt: Prompt, canned: [String] = [], into grid: inout Grid) {
        let width = Swift.max(1, grid.width - 2)
        let characters = Array(prompt.text)
        let rows = wrap(characters, width: width)
        let room = Swift.max(3, (grid.height - 4) / 2)
        let shown = Swift.min(room, Swift.max(3, rows.count))
        let titleY = grid.height - 2 - shown
        let cursorRow = rows.lastIndex { $0.lowerBound <= prompt.cursor } ?? 0
        let first = Swift.max(0, Swift.min(cursorRow - shown + 1, rows.count - shown))

        grid.clear(y: titleY)
        grid.fill(y: titleY, style: .header)
        let title = String(prompt.label.dropLast(2)) + (rows.count > shown ? " · line \(cursorRow + 1) of \(rows.count)" : "")
        grid.put(DisplayText(" " + title), x: 0, y: titleY, limit: grid.width, style: .header)
        for line in 0..<shown {
            let y = titleY + 1 + line
            grid.clear(y: y)
            let index = first + line
            guard rows.indices.contains(index) else { continue }
            var x = 1
            for position in rows[index] {
                let used = grid.put(DisplayText(untrusted: String(characters[position])), x: x, y: y, limit: grid.width - x,
                                    style: position == prompt.cursor ? .selectedRow : .normal)
                x += used
            }
            // The cursor at the end of a line stands after its last character.
            if index == cursorRow && prompt.cursor == rows[index].upperBound && x < grid.width {
                grid.put(DisplayText(" "), x: x, y: y, style: .selectedRow)
            }
        }
        let y = grid.height - 1
        grid.clear(y: y)
        grid.fill(y: y, style: .status)
        if let error = prompt.error {
            grid.put(DisplayText(untrusted: " " + error.message), x: 0, y: y, limit: grid.width, style: .error)
        } else if let offer = offer(prompt.text, canned: canned) {
            grid.put(DisplayText(" " + offer), x: 0, y: y, limit: grid.width, style: .status)
        } else {
            grid.put(DisplayText(" " + keys), x: 0, y: y, limit: grid.width, style: .status)
        }
    }

    /// While the text is one word that begins canned replies' names: those names, for Tab.
    static func offer(_ text: String, canned: [String]) -> String? {
        guard !text.isEmpty, !text.contains(where: \.isWhitespace) else { return nil }
        let names = canned.filter { $0.lowercased().hasPrefix(text.lowercased()) }
        return names.isEmpty ? nil : "Tab fills canned reply: " + names.joined(separator: " · ")
    }

    /// The text's screen lines, as ranges of character positions (line breaks left out): each
    /// line of the text, cut at the last space that lets a screen line fit `width` columns (or
    /// anywhere, for a word longer than that).
    static func wrap(_ characters: [Character], width: Int) -> [Range<Int>] {
        var rows: [Range<Int>] = []
        var start = 0
        var used = 0
        var lastSpace: Int?
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "\n" {
                rows.append(start..<index)
                (start, used, lastSpace) = (index + 1, 0, nil)
                index += 1
                continue
            }
            let columns = DisplayWidth.of(String(character))
            if used + columns > width && index > start {
                let cut = lastSpace.map { $0 + 1 } ?? index
                rows.append(start..<cut)
                (start, lastSpace) = (cut, nil)
                used = DisplayWidth.of(String(characters[cut..<index]))
                continue
            }
            if character == " " { lastSpace = index }
            used += columns
            index += 1
        }
        rows.append(start..<characters.count)
        return rows
    }
}
