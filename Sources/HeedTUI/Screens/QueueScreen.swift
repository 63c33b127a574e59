import Foundation
import HeedCore

/// The list of conversations (or of posts, in the Outbox) and a preview of the selected one.
public enum QueueScreen {

    static func renderTooSmall(_ state: AppState, into grid: inout Grid) {
        let minimum = AppState.minimumSize
        let lines = wrap("Terminal too small: \(state.width)x\(state.height). heed needs \(minimum.width)x\(minimum.height); make the window larger.",
                         width: grid.width)
        for (y, line) in lines.prefix(grid.height).enumerated() { grid.put(DisplayText(line), x: 0, y: y) }
    }

    /// The list from `state.top`, in the rows below the first `below` of its place.
    static func renderList(_ state: AppState, below: Int = 0, into grid: inout Grid) {
        let listTop = 2 + below
        let height = Swift.max(0, state.listHeight - below)
        if state.listRequest.source == .outbox {
            for line in 0..<height {
                let index = state.top + line
                guard index < state.outbox.count else { break }
                renderPost(state.outbox[index], selected: index == state.selected, state: state, y: listTop + line, into: &grid)
            }
            if state.outbox.isEmpty {
                grid.put(DisplayText("The outbox is empty: replies wait here for their undo window, then for delivery."), x: 1, y: listTop,
                         limit: grid.width - 2, style: .dim)
            }
            return
        }
        let shown = state.rows[Swift.min(state.top, state.rows.count)..<Swift.min(state.rows.count, state.top + height)]
        let columns = Columns(width: grid.width, rows: shown.map { (who($0, others: state.claimMarks(at: $0.conversationID)), $0.tags) })
        for line in 0..<height {
            let index = state.top + line
            guard index < state.rows.count else { break }
            let row = state.rows[index]
            renderRow(row, columns: columns, others: state.claimMarks(at: row.conversationID), picked: state.selection[row.conversationID] != nil,
                      new: state.isNew(row), incident: state.incident(row.incidentID)?.title, selected: index == state.selected, now: state.now,
                      y: listTop + line, into: &grid)
        }
        if state.rows.isEmpty { grid.put(DisplayText(emptyText(state)), x: 1, y: listTop, limit: grid.width - 2, style: .dim) }
    }

    static func emptyText(_ state: AppState) -> String {
        if let search = state.search { return "Nothing matches \(search). Esc goes back to \(state.view.name)." }
        if state.viewIndex == 0 { return "Nothing open. Import mentions with `heed ingest FILE`, or try `heed demo`." }
        return "Nothing in \(state.view.name)."
    }

    /// Columns of the rows shown: the author narrower on a narrow terminal; the tags and (from
    /// 110 columns) who holds it or is at it as wide as the rows shown need, so that the text
    /// has the rest.
    struct Columns {
        var author: Int
        var who: Int
        var tags: Int

        init(width: Int, rows: [(who: [String], tags: [String])]) {
            author = width >= 120 ? 24 : (width >= 80 ? 20 : 14)
            let widest = { (items: [String]) in items.isEmpty ? 0 : DisplayWidth.of(items.joined(separator: " ")) }
            who = width >= 110 ? Swift.min(width >= 140 ? 24 : 16, rows.map { widest($0.who) }.max() ?? 0) : 0
            // On a narrow terminal the text (after the margin, ▲, priority, timing, channel and
            // author) comes before the tags.
            let text = width - 1 - (19 + author) - (who > 0 ? who + 1 : 0)
            let most = width >= 120 ? 20 : 12
            tags = text - most - 1 < 24 ? 0 : Swift.min(most, rows.map { widest($0.tags) }.max() ?? 0)
        }
    }

    /// `→sam ✎priya ◉lee`: who holds a conversation and who else is at it.
    static func who(_ row: QueueRow, others: ClaimMarks) -> [String] {
        (row.assignee.map { ["→" + $0] } ?? []) + others.names
    }

    static func renderRow(_ row: QueueRow, columns: Columns, others: ClaimMarks, picked: Bool, new: Bool, incident: String?, selected: Bool,
                          now: Int64, y: Int, into grid: inout Grid) {
        let style: Style = selected ? .selectedRow : (new ? .unread : .normal)
        if selected { grid.fill(y: y, style: .selectedRow) }
        // Picked for `;` shows in the margin; else someone else at it, by name where there is room.
        if picked {
            grid.put(DisplayText("+"), x: 0, y: y, style: selected ? style : .tabActive)
        } else if let mark = others.mark {
            grid.put(DisplayText(mark), x: 0, y: y, style: selected ? style : .tab)
        } else if new {
            grid.put(DisplayText("•"), x: 0, y: y, style: style)
        }
        var x = 1
        let rose = (row.previousPriority ?? row.priority) < row.priority
        grid.put(DisplayText(rose ? "▲" : " "), x: x, y: y, style: selected ? style : .urgencyMedium)
        x += 1
        x += grid.put(DisplayText(DisplayWidth.fit(String(row.priority).leftPadded(to: 3), to: 3)), x: x, y: y,
                      style: selected ? style : UrgencyColour.priority(row.priority)) + 1
        let (when, late) = timing(row, now: now)
        x += grid.put(DisplayText(DisplayWidth.fit(when, to: 8)), x: x, y: y,
                      style: selected ? style : UrgencyColour.timing(row, late: late, now: now)) + 1
        x += grid.put(DisplayText(DisplayWidth.fit(channelLabel(row.channel), to: 2)), x: x, y: y, style: style) + 1
        x += grid.put(DisplayText(DisplayWidth.fit(row.authorLabel(width: columns.author), to: columns.author)), x: x, y: y, style: style) + 1
        // The columns on the right, each whole names or none (`+2` for those left out); the text
        // runs on over those this row leaves empty.
        var right = grid.width - 1
        let who = who(row, others: others)
        if columns.who > 0 {
            let whoX = right - columns.who
            if !who.isEmpty {
                grid.put(DisplayText(untrusted: Fit.items(who, width: columns.who)), x: whoX, y: y, style: selected ? style : .dim)
                right = whoX - 1
            }
        }
        if columns.tags > 0, !row.tags.isEmpty {
            let tagsX = grid.width - 1 - (columns.who > 0 ? columns.who + 1 : 0) - columns.tags
            grid.put(DisplayText(untrusted: Fit.items(row.tags, width: columns.tags)), x: tagsX, y: y, style: selected ? style : .dim)
            right = tagsX - 1
        }
        // An incident's conversations say so before their text.
        if let incident {
            x += grid.put(DisplayText(untrusted: "⚑ " + DisplayWidth.truncate(incident, to: 16) + " "), x: x, y: y, limit: Swift.max(0, right - x),
                          style: selected ? style : .tab)
        }
        grid.put(DisplayText(Fit.words(DisplayText(untrusted: row.text).string, width: Swift.max(0, right - x))), x: x, y: y, style: style)
    }

    /// The SLA countdown while one runs (`due 4m`, `late 12m`), else how long ago the customer wrote.
    static func timing(_ row: QueueRow, now: Int64) -> (String, late: Bool) {
        if row.status == .open, let due = row.dueAt { return (Age.due(due, now: now), due < now) }
        return (Age.short(milliseconds: now - (row.lastCustomerAt ?? row.lastAt)), false)
    }

    static func renderPost(_ post: OutboxEntry, selected: Bool, state: AppState, y: Int, into grid: inout Grid) {
        let style: Style = selected ? .selectedRow : .normal
        if selected { grid.fill(y: y, style: .selectedRow) }
        let when = post.sendAfter > state.now ? "in " + Age.short(milliseconds: post.sendAfter - state.now)
                                              : Age.short(milliseconds: state.now - post.sendAfter) + " ago"
        let head = "#\(post.id) ".leftPadded(to: 7) + DisplayWidth.fit(post.state, to: 9) + " " + DisplayWidth.fit(when, to: 8) + " "
            + DisplayWidth.fit(channelLabel(post.channel), to: 2) + " " + DisplayWidth.fit(post.kind, to: 9) + " "
        var x = 1
        x += grid.put(DisplayText(untrusted: head), x: x, y: y, style: selected ? style : (post.state == "failed" ? .error : style))
        let text = post.state == "failed" ? "\(post.lastError ?? "failed") · \(post.text)" : post.text
        grid.put(DisplayText(untrusted: text), x: x, y: y, limit: Swift.max(0, grid.width - x - 1), style: style)
    }

    /// Each channel's mark in the queue, in the order the help's legend lists them.
    static let channelMarks: [(channel: String, mark: String)] = [
        ("x", "X"), ("mastodon", "M"), ("bluesky", "B"), ("reddit", "R"), ("facebook", "F"), ("youtube", "Y"),
        ("linkedin", "L"), ("blog", "W"), ("forum", "D"), ("email", "E"), ("trustpilot", "TR"),
    ]

    /// The one- or two-letter channel mark shown in the queue; a channel heed does not know by
    /// its first two letters.
    static func channelLabel(_ channel: String) -> String {
        channelMarks.first { $0.channel == channel }?.mark ?? String(channel.prefix(2)).uppercased()
    }

    static func renderPreview(_ state: AppState, y: Int, into grid: inout Grid) {
        grid.put(DisplayText(String(repeating: "─", count: grid.width)), x: 0, y: y, style: .separator)
        if state.listRequest.source == .outbox, state.outbox.indices.contains(state.selected) {
            renderPostPreview(state.outbox[state.selected], state: state, y: y, into: &grid)
            return
        }
        guard let row = state.selectedRow else { return }
        // By priority, whole or not at all: the number and state, who wrote, who else is at it.
        let facts = ["#\(row.conversationID) \(row.status.rawValue)", "@\(row.authorHandle)" + (row.authorName.map { " (\($0))" } ?? "")]
            + (state.claimMarks(at: row.conversationID).label.map { [$0] } ?? [])
            + [row.channel, "\(Age.count(row.followers)) followers"] + (row.verified ? ["verified"] : [])
            + ["\(row.mentionCount) message\(row.mentionCount == 1 ? "" : "s")"]
        let who = Fit.items(facts.map { DisplayText(untrusted: $0).string }, width: grid.width - 2, separator: " · ", more: nil)
        grid.put(DisplayText(who), x: 1, y: y + 1, limit: grid.width - 2, style: .dim)
        grid.put(DisplayText(why(row, width: grid.width - 2)), x: 1, y: y + 2, limit: grid.width - 2, style: .dim)
        let lines = wrap(DisplayText(untrusted: row.text).string, width: grid.width - 2)
        for (offset, line) in lines.prefix(state.layout.previewHeight - 3).enumerated() {
            grid.put(DisplayText(line), x: 1, y: y + 3 + offset)
        }
    }

    static func renderPostPreview(_ post: OutboxEntry, state: AppState, y: Int, into grid: inout Grid) {
        let to = post.conversationID.map { " to #\($0)" } ?? ""
        let attempts = post.attempts > 0 ? " · \(post.attempts) attempt\(post.attempts == 1 ? "" : "s")" : ""
        let line = "\(post.kind)\(to) · \(post.channel)\(post.account.map { " as " + $0 } ?? "") · by \(post.operatorHandle) · \(post.state)\(attempts)"
        grid.put(DisplayText(untrusted: line), x: 1, y: y + 1, limit: grid.width - 2, style: .dim)
        if let error = post.lastError {
            grid.put(DisplayText(untrusted: "error: " + error), x: 1, y: y + 2, limit: grid.width - 2, style: .error)
        }
        let lines = wrap(DisplayText(untrusted: post.text).string, width: grid.width - 2)
        for (offset, line) in lines.prefix(state.layout.previewHeight - 3).enumerated() {
            grid.put(DisplayText(line), x: 1, y: y + 3 + offset)
        }
    }

    /// `why ▲72 (was 40):` and its reasons (`VIP +20`, `charged twice +15`, `waiting 45m +8`).
    static func why(_ row: QueueRow) -> (head: String, reasons: [String]) {
        let rose = row.previousPriority.map { $0 < row.priority ? " (was \($0))" : "" } ?? ""
        let reasons = row.topReasons(Int.max).map { "\($0.text) \($0.points >= 0 ? "+" : "−")\(Int(abs($0.points).rounded()))" }
        return ("why ▲\(row.priority)\(rose):", reasons.isEmpty ? ["no signal beyond the base"] : reasons)
    }

    /// The reasons on one line of `width`: whole ones, the rest counted.
    static func why(_ row: QueueRow, width: Int) -> String {
        let (head, reasons) = why(row)
        let safe = reasons.map { DisplayText(untrusted: $0).string }
        return head + " " + Fit.items(safe, width: width - DisplayWidth.of(head) - 1, separator: " · ", more: { "+\($0) more" })
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

extension String {
    func leftPadded(to width: Int) -> String {
        let w = DisplayWidth.of(self)
        return w >= width ? self : String(repeating: " ", count: width - w) + self
    }
}
