import HeedCore

/// One conversation as a line of `heed queue`: age, channel, author, text cut to the width.
enum QueueLine {
    static func format(_ row: QueueRow, now: Int64, width: Int) -> String {
        let age = Age.short(milliseconds: now - (row.lastCustomerAt ?? row.lastAt))
        let head = "\(DisplayWidth.fit(String(row.conversationID), to: 6)) \(DisplayWidth.fit(age, to: 4)) "
            + "\(DisplayWidth.fit(row.channel, to: 9)) \(DisplayWidth.fit(row.authorLabel(width: 24), to: 24)) "
        let tags = row.tags.isEmpty ? "" : "  " + row.tags.map { DisplayText(untrusted: $0).string }.joined(separator: " ")
        let text = DisplayText(untrusted: row.text).string
        let room = max(10, width - DisplayWidth.of(head) - DisplayWidth.of(tags))
        return head + (tags.isEmpty ? DisplayWidth.truncate(text, to: room) : DisplayWidth.fit(text, to: room)) + tags
    }
}
