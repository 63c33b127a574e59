import HeedCore

/// Queue rows for screen tests, at a fixed time.
enum Rows {
    static let now = RFC3339.milliseconds(from: "2026-11-23T12:00:00Z")!

    static func make(_ count: Int) -> [QueueRow] {
        let samples: [(String, String, Int, String)] = [
            ("x", "dana_k", 18_204, "my card was charged twice and nobody answers. third time asking!!"),
            ("mastodon", "lee@mstdn.io", 412, "is the app down? can't log in since 9"),
            ("reddit", "throwaway42", 3, "how do I export my statements to csv?"),
            ("bluesky", "yuki.bsky.social", 88, "カードが二重に請求されました 😢"),
            ("email", "m.lopez@example.com", 0, "evil\u{1B}]0;pwned\u{07} title and \u{202E}reversed"),
        ]
        return (0..<count).map { i in
            let (channel, handle, followers, text) = samples[i % samples.count]
            return QueueRow(conversationID: Int64(i + 1), channel: channel, status: .open, priority: 0, dueAt: nil, assignee: nil,
                            mentionCount: 1 + i % 3, text: text, authorHandle: handle, authorName: nil, followers: followers,
                            verified: false, lastCustomerAt: now - Int64(i + 1) * 240_000, lastAt: now - Int64(i + 1) * 240_000,
                            tags: i % 4 == 0 ? ["billing"] : [])
        }
    }
}
