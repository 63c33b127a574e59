@testable import HeedCore
@testable import HeedTUI

/// Queue rows and a conversation for screen tests, at a fixed time.
enum Rows {
    static let now = RFC3339.milliseconds(from: "2026-11-23T12:00:00Z")!

    /// What the runtime would load for the Triage view, with the views' counts: `count` rows, all open.
    static func loaded(_ count: Int, request: ListRequest = ListRequest(query: "", source: .triage)) -> [Event] {
        [.loaded(ListSnapshot(request: request, rows: make(count), counts: QueueCounts(open: count, breached: count / 4, escalated: 1),
                              claims: Claims.Holders(viewing: [1: ["tomas"]], replying: [2: ["sam"]]))),
         .viewsCounted([count, 2, count - 2, 1, 0, 40, 3, 1])]
    }

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
            var row = QueueRow(conversationID: Int64(i + 1), channel: channel, status: .open, priority: 90 - i * 3,
                               dueAt: i % 3 == 2 ? nil : now + Int64(15 - i * 4) * 60_000, assignee: i % 4 == 1 ? "priya" : nil,
                               mentionCount: 1 + i % 3, text: text, authorHandle: handle, authorName: nil, followers: followers,
                               verified: false, lastCustomerAt: now - Int64(i + 1) * 240_000, lastAt: now - Int64(i + 1) * 240_000,
                               tags: i % 4 == 0 ? ["billing"] : [])
            row.previousPriority = i % 2 == 0 ? 50 : nil
            row.reasons = [Reason(signal: "base", points: 10, text: "base"),
                           Reason(signal: "keyword", points: 25, text: "charged twice"),
                           Reason(signal: "followers", points: 12, text: "18k followers"),
                           Reason(signal: "sentiment", points: 8, text: "angry")]
            return row
        }
    }

    /// Conversation 1 with a reply of ours, a customer follow-up, a note and a contact card.
    static func page() -> ConversationPage {
        let summary = make(1)[0]
        func mention(_ id: Int64, ours: Bool, minutesAgo: Int64, _ text: String) -> ConversationDetail.MentionView {
            ConversationDetail.MentionView(id: id, sourceID: "s\(id)", channel: "x", ours: ours, authorHandle: ours ? "NorthwindHelp" : "dana_k",
                                           authorName: nil, followers: ours ? 52_000 : 18_204, text: text, createdAt: now - minutesAgo * 60_000,
                                           url: nil, inReplyTo: nil, lang: "en", likes: 0, reposts: 0, replies: 0)
        }
        let detail = ConversationDetail(summary: summary, mentions: [
            mention(1, ours: false, minutesAgo: 95, "@NorthwindHelp my card was charged twice for the same coffee. Who do I talk to?"),
            mention(2, ours: true, minutesAgo: 80, "Sorry about that, Dana! Could you DM us the last four digits and the date?\nWe'll sort it. ^SB"),
            mention(3, ours: false, minutesAgo: 4, "my card was charged twice and nobody answers. third time asking!!"),
        ], notes: [ConversationDetail.Note(operatorHandle: "sam", text: "refund ticket R-2231 opened with billing", createdAt: now - 60 * 60_000)])
        let card = ContactCard(contactID: 7, name: "Dana K",
                               handles: [ContactCard.Handle(channel: "x", handle: "dana_k", followers: 18_204, verified: false),
                                         ContactCard.Handle(channel: "mastodon", handle: "dana@mstdn.io", followers: 240, verified: false)],
                               tags: ["vip"], notes: ["prefers DMs"], firstSeenAt: now - 400 * 86_400_000,
                               previous: [ContactCard.PastConversation(id: 31, channel: "x", status: .resolved, lastAt: now - 30 * 86_400_000,
                                                                       text: "app keeps logging me out")],
                               sentiment: [-0.2, 0.4, 0.1, -0.5, -0.8].enumerated().map {
                                   ContactCard.SentimentPoint(at: now - Int64(5 - $0.offset) * 86_400_000, score: $0.element)
                               })
        return ConversationPage(detail: detail, card: card)
    }
}

extension AppState {
    mutating func handle(_ events: [Event]) -> [Effect] { events.flatMap { handle($0) } }
}
