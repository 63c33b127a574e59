import Foundation
import HeedCore

/// Enter on a row: the whole thread (ours marked, times in the operator's zone) and the
/// customer's contact card — beside the thread on wide terminals, above it on narrow ones.
enum ConversationScreen {
    static func render(_ page: ConversationPage, state: AppState, into grid: inout Grid) {
        let area = state.layout.threadArea
        let lines = state.threadLines(page, width: area.width)
        let first = Swift.max(0, lines.count - area.height - page.scrollFromEnd)
        for (offset, line) in lines[first..<Swift.min(lines.count, first + area.height)].enumerated() {
            grid.put(DisplayText(line.text), x: area.x + line.indent, y: area.y + offset, limit: area.width - line.indent, style: line.style)
        }
        if first > 0 { grid.put(DisplayText("↑ \(first) more"), x: area.x + area.width - 10, y: area.y, style: .dim) }
        if state.layout.cardBeside {
            let x = area.x + area.width + 1
            for y in area.y..<(area.y + area.height) { grid.put(DisplayText("│"), x: x, y: y, style: .separator) }
            let card = cardLines(page.card, width: Layout.cardWidth, state: state)
            for (offset, line) in card.prefix(area.height).enumerated() {
                grid.put(DisplayText(line.text), x: x + 2 + line.indent, y: area.y + offset, limit: Layout.cardWidth - line.indent, style: line.style)
            }
        } else {
            let card = compactCardLines(page.card, state: state)
            for (offset, line) in card.enumerated() {
                grid.put(DisplayText(line.text), x: 1, y: 2 + offset, limit: grid.width - 2, style: line.style)
            }
            grid.put(DisplayText(String(repeating: "─", count: grid.width)), x: 0, y: 2 + Layout.compactCardHeight - 1, style: .separator)
        }
    }

    /// The card in a column: who, where, tags, notes, history, mood.
    static func cardLines(_ card: ContactCard?, width: Int, state: AppState) -> [Layout.Line] {
        guard let card else { return [Layout.Line(text: "No contact known for this conversation.", style: .dim)] }
        var lines = [Layout.Line(text: DisplayText(untrusted: card.name ?? card.handles.first.map { "@" + $0.handle } ?? "contact \(card.contactID)").string,
                          style: .urgencyHigh)]
        for handle in card.handles {
            lines.append(Layout.Line(text: DisplayText(untrusted: "@\(handle.handle) · \(handle.channel) · \(Age.count(handle.followers))"
                                                + (handle.verified ? " ✓" : "")).string))
        }
        lines.append(Layout.Line(text: "first seen " + LocalTime.date(card.firstSeenAt, in: state.timeZone), style: .dim))
        lines.append(Layout.Line(text: DisplayText(untrusted: "tags: " + (card.tags.isEmpty ? "none" : card.tags.joined(separator: " "))).string))
        if !card.notes.isEmpty {
            lines.append(Layout.Line(text: "notes:", style: .dim))
            for note in card.notes {
                lines += QueueScreen.wrap(DisplayText(untrusted: note).string, width: width - 2).map { Layout.Line(text: $0, indent: 2) }
            }
        }
        lines.append(Layout.Line(text: "sentiment " + sparkline(card.sentiment, width: width - 22) + latest(card.sentiment)))
        lines.append(Layout.Line(text: ""))
        lines.append(Layout.Line(text: card.previous.isEmpty ? "no earlier conversations" : "earlier conversations:", style: .dim))
        for past in card.previous {
            let head = "#\(past.id) \(past.status.rawValue) \(Age.short(milliseconds: state.now - past.lastAt)) "
            lines.append(Layout.Line(text: DisplayText(untrusted: head + past.text).string))
        }
        return lines
    }

    /// Three lines above the thread for narrow terminals.
    static func compactCardLines(_ card: ContactCard?, state: AppState) -> [Layout.Line] {
        guard let card else { return [Layout.Line(text: "No contact known for this conversation.", style: .dim)] }
        let handles = card.handles.map { "@\($0.handle) \($0.channel) (\(Age.count($0.followers)))" }.joined(separator: " · ")
        let who = (card.name.map { $0 + " · " } ?? "") + handles + " · since " + LocalTime.date(card.firstSeenAt, in: state.timeZone)
        let previous = card.previous.prefix(4).map { "#\($0.id) \($0.status.rawValue)" }.joined(separator: ", ")
        let about = "tags: " + (card.tags.isEmpty ? "none" : card.tags.joined(separator: " "))
            + (card.notes.isEmpty ? "" : " · \(card.notes.count) note\(card.notes.count == 1 ? "" : "s"): " + card.notes[0])
        return [
            Layout.Line(text: DisplayText(untrusted: who).string, style: .urgencyHigh),
            Layout.Line(text: DisplayText(untrusted: about).string),
            Layout.Line(text: "sentiment " + sparkline(card.sentiment, width: 24) + latest(card.sentiment)
                 + " · earlier: " + (previous.isEmpty ? "none" : previous), style: .dim),
        ]
    }

    static let bars = Array("▁▂▃▄▅▆▇█")

    /// One bar per message, the latest `width` of them, low for negative and high for positive.
    static func sparkline(_ points: [ContactCard.SentimentPoint], width: Int) -> String {
        guard !points.isEmpty else { return "—" }
        return String(points.suffix(Swift.max(1, width)).map { point in
            bars[Swift.max(0, Swift.min(bars.count - 1, Int(((point.score + 1) / 2 * Double(bars.count - 1)).rounded())))]
        })
    }

    static func latest(_ points: [ContactCard.SentimentPoint]) -> String {
        guard let last = points.last else { return "" }
        return String(format: " (latest %+.1f)", last.score)
    }
}
