import HeedCore

/// A reply to several before it is queued: each recipient with the text they would get,
/// filled for them, and what would stop it.
enum ReplyPreviewScreen {
    static func render(_ previews: [ReplyPreview], top: Int, keys: KeyMap, into grid: inout Grid) {
        for y in 2..<grid.height { grid.clear(y: y) }
        let blocked = previews.filter { $0.problem != nil }.count
        grid.fill(y: 2, style: .header)
        grid.put(DisplayText(" Replies to \(previews.count) conversations, as each will get it" + (blocked > 0 ? " (\(blocked) cannot go)" : "")),
                 x: 0, y: 2, limit: grid.width, style: .header)
        let lines = self.lines(previews, width: textWidth(grid.width))
        let room = room(height: grid.height)
        let first = Swift.min(top, Swift.max(0, lines.count - room))
        for (offset, line) in lines.dropFirst(first).prefix(room).enumerated() {
            grid.put(line.text, x: line.indent, y: 3 + offset, limit: grid.width - line.indent, style: line.style)
        }
        let y = grid.height - 1
        grid.fill(y: y, style: .status)
        let scroll = "\(keys.label(.down, in: .replyPreview))/\(keys.label(.up, in: .replyPreview)) scroll"
        let more = lines.count > room ? " · \(scroll) (\(first + 1)–\(Swift.min(lines.count, first + room)) of \(lines.count))" : ""
        grid.put(DisplayText(" \(keys.label(.send, in: .replyPreview)) queues them all · \(keys.label(.back, in: .replyPreview)) back to the text" + more),
                 x: 0, y: y, limit: grid.width, style: .status)
    }

    /// Rows for the text: all but the header lines and the status line.
    static func room(height: Int) -> Int { Swift.max(1, height - 4) }

    /// Columns for a recipient's text, indented under their line.
    static func textWidth(_ width: Int) -> Int { Swift.max(1, width - 4) }

    /// Each recipient's line, then their text wrapped under it, then why it cannot go, and a gap.
    static func lines(_ previews: [ReplyPreview], width: Int) -> [(text: DisplayText, indent: Int, style: Style)] {
        var lines: [(text: DisplayText, indent: Int, style: Style)] = []
        for preview in previews {
            lines.append((DisplayText(untrusted: "#\(preview.conversationID) @\(preview.handle) · \(preview.channel)"), 1, .dim))
            let characters = Array(preview.text)
            for row in ComposePanel.wrap(characters, width: width) {
                lines.append((DisplayText(untrusted: String(characters[row])), 3, .normal))
            }
            if let problem = preview.problem { lines.append((DisplayText(untrusted: "cannot go: " + problem), 3, .error)) }
            lines.append((DisplayText(""), 0, .normal))
        }
        return lines
    }
}
