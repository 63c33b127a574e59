import HeedCore

/// One conversation as a line of `heed queue`: priority (▲ when it rose), SLA due time, channel,
/// author, the text, and on a wide terminal the reasons that weigh most; cut to the width, or
/// whole when there is none (standard output is not a terminal: `grep` must see all of it).
/// The id is never cut: it is what an operator types next (`heed resolve 276201`).
enum QueueLine {
    /// The id column's width for a page of rows: the longest id's, at least five.
    static func idWidth(_ rows: [QueueRow]) -> Int {
        rows.reduce(5) { max($0, String($1.conversationID).count) }
    }

    static func format(_ row: QueueRow, now: Int64, width: Int?, idWidth: Int) -> String {
        let rose = (row.previousPriority ?? row.priority) < row.priority ? "▲" : " "
        let head = "\(DisplayWidth.fit(String(row.conversationID), to: idWidth)) \(DisplayWidth.fit(String(row.priority), to: 3))\(rose) "
            + "\(DisplayWidth.fit(Age.due(row.dueAt, now: now), to: 9)) "
            + "\(DisplayWidth.fit(row.channel, to: 8)) \(DisplayWidth.fit(row.authorLabel(width: 20), to: 20)) "
        let tags = row.tags.isEmpty ? "" : "  " + row.tags.map { DisplayText(untrusted: $0).string }.joined(separator: " ")
        var reasons = ""
        if width ?? .max >= 110 {
            let why = row.topReasons(3).map { DisplayText(untrusted: $0.text).string }.joined(separator: "; ")
            if !why.isEmpty { reasons = "  (" + (width.map { DisplayWidth.truncate(why, to: $0 / 4) } ?? why) + ")" }
        }
        let text = DisplayText(untrusted: row.text).string
        guard let width else { return head + text + tags + reasons }
        let room = max(10, width - DisplayWidth.of(head) - DisplayWidth.of(tags) - DisplayWidth.of(reasons))
        let tail = tags + reasons
        return head + (tail.isEmpty ? DisplayWidth.truncate(text, to: room) : DisplayWidth.fit(text, to: room)) + tail
    }
}
