import Foundation
import HeedCore

/// Where each part of the screen goes at a size: the arithmetic the state moves and scrolls by
/// and the screens draw by, in one place. The state holds the one for its size (`layout`),
/// made again on every resize.
public struct Layout: Sendable, Equatable {
    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        (self.width, self.height) = (width, height)
    }

    static let cardWidth = 40
    /// Lines the card takes above the thread when there is no room beside it (with its rule).
    static let compactCardHeight = 4

    struct Area: Equatable {
        var x: Int
        var y: Int
        var width: Int
        var height: Int
    }

    /// A line of text to draw, with its style and indent.
    struct Line: Equatable {
        var text: String
        var style: Style = .normal
        var indent = 0
    }

    /// Lines of the preview under the list.
    var previewHeight: Int { height >= 30 ? 9 : (height >= 16 ? 7 : 4) }

    /// Rows of the list (header, tabs, preview and status take the rest).
    var listHeight: Int { Swift.max(1, height - 2 - previewHeight - 1) }

    /// The contact card goes beside the thread on a wide terminal, above it on a narrow one.
    var cardBeside: Bool { width >= 100 }

    /// Where the thread of a conversation goes.
    var threadArea: Area {
        let top = 2
        let bottom = height - 1
        if cardBeside { return Area(x: 1, y: top, width: width - Self.cardWidth - 3, height: Swift.max(1, bottom - top)) }
        return Area(x: 1, y: top + Self.compactCardHeight, width: width - 2, height: Swift.max(1, bottom - top - Self.compactCardHeight))
    }
}

/// A conversation's thread laid out in lines of a width: what the state scrolls through and the
/// conversation screen draws.
enum ThreadLayout {
    /// The thread as lines of `width` columns: a summary, then each message under its author line.
    static func lines(_ page: ConversationPage, width: Int, timeZone: TimeZone, now: Int64, others: ClaimMarks, delivering: Bool = true,
                      incident: Incident? = nil) -> [Layout.Line] {
        let summary = page.detail.summary
        var lines: [Layout.Line] = []
        var facts = ["#\(summary.conversationID)", summary.status.rawValue, "priority \(summary.priority)"]
        if summary.status == .open, let due = summary.dueAt { facts.append(Age.due(due, now: now)) }
        if let assignee = summary.assignee { facts.append("→ \(assignee)") }
        if !summary.tags.isEmpty { facts.append("tags: " + summary.tags.joined(separator: " ")) }
        if let label = others.label { facts.append(label) }
        if let incident {
            facts.append("⚑ incident \(incident.id): \(incident.title) (\(incident.open) open)")
        } else if let id = summary.incidentID {
            facts.append("incident \(id)")
        }
        facts += page.detail.escalations.filter { $0.state != "closed" }.map(\.summary)
        // Facts and reasons whole on their lines: a name or a number is never cut.
        lines += Fit.lines(facts.map { DisplayText(untrusted: $0).string }, width: width).map { Layout.Line(text: $0, style: .dim) }
        let why = QueueScreen.why(summary)
        var reasons = why.reasons.map { DisplayText(untrusted: $0).string }
        if !reasons.isEmpty { reasons[0] = why.head + " " + reasons[0] }
        lines += Fit.lines(reasons, width: width).map { Layout.Line(text: $0, style: .dim) }
        // Notes stand where they were written among the messages, marked as the team's own.
        var notes = page.detail.notes[...]
        func notesUntil(_ time: Int64) {
            while let note = notes.first, note.createdAt <= time {
                notes.removeFirst()
                lines.append(Layout.Line(text: ""))
                let head = "▪ note · \(note.operatorHandle) · \(LocalTime.stamp(note.createdAt, in: timeZone, now: now)) (the team's only)"
                lines.append(Layout.Line(text: DisplayText(untrusted: head).string, style: .dim))
                for paragraph in DisplayText(untrusted: note.text, keepNewlines: true).string.split(separator: "\n", omittingEmptySubsequences: false) {
                    lines += QueueScreen.wrap(String(paragraph), width: width - 2).map { Layout.Line(text: $0, style: .dim, indent: 2) }
                }
            }
        }
        for mention in page.detail.mentions {
            notesUntil(mention.createdAt - 1)
            lines.append(Layout.Line(text: ""))
            let when = LocalTime.stamp(mention.createdAt, in: timeZone, now: now)
            let head = mention.ours
                ? "◂ ours · @\(mention.authorHandle) · \(mention.channel) · \(when)"
                : "▸ @\(mention.authorHandle) (\(Age.count(mention.followers))) · \(mention.channel) · \(when)"
            lines.append(Layout.Line(text: DisplayText(untrusted: head).string, style: mention.ours ? .ours : .urgencyHigh))
            for paragraph in DisplayText(untrusted: mention.text, keepNewlines: true).string.split(separator: "\n", omittingEmptySubsequences: false) {
                let wrapped = QueueScreen.wrap(String(paragraph), width: width - 2)
                if wrapped.isEmpty { lines.append(Layout.Line(text: "", indent: 2)) }
                lines += wrapped.map { Layout.Line(text: $0, style: mention.ours ? .ours : .normal, indent: 2) }
            }
        }
        notesUntil(Int64.max)
        // Ours not in the thread yet, each with where it stands: nothing looks sent that is not.
        for post in page.detail.unsent {
            lines.append(Layout.Line(text: ""))
            let stuck = post.state == "failed" || post.state == "checking" || (post.state == "queued" && !delivering && post.sendAfter <= now)
            let head = DisplayText(untrusted: "◂ ours · post \(post.id) · " + post.stateLine(now: now, delivering: delivering)).string
            lines += QueueScreen.wrap(head, width: width).map { Layout.Line(text: $0, style: stuck ? .error : .dim) }
            for paragraph in DisplayText(untrusted: post.text, keepNewlines: true).string.split(separator: "\n", omittingEmptySubsequences: false) {
                lines += QueueScreen.wrap(String(paragraph), width: width - 2).map { Layout.Line(text: $0, style: .dim, indent: 2) }
            }
        }
        return lines
    }

}
