import HeedCore

/// A tab of the screen: a built-in list or a saved search from the config, with its count.
public struct QueueView: Sendable, Equatable {
    public var name: String
    /// In the search language; empty for the open queue.
    public var query: String
    public var source: Source
    /// A key that opens it besides its number (a saved search's `key`).
    public var key: Key?

    public enum Source: Sendable, Equatable {
        /// Conversations, most urgent first.
        case triage
        /// Conversations, latest first (for those done with).
        case recent
        /// The outbox's posts, not conversations.
        case outbox
    }

    public init(name: String, query: String, source: Source = .triage, key: Key? = nil) {
        self.name = name
        self.query = query
        self.source = source
        self.key = key
    }

    public static let builtIn: [QueueView] = [
        QueueView(name: "Triage", query: ""),
        QueueView(name: "Mine", query: "is:mine"),
        QueueView(name: "Unassigned", query: "is:unassigned"),
        QueueView(name: "Escalated", query: "is:escalated"),
        QueueView(name: "Snoozed", query: "is:snoozed"),
        QueueView(name: "Resolved", query: "is:resolved", source: .recent),
        QueueView(name: "Spam", query: "is:spam", source: .recent),
        QueueView(name: "Outbox", query: "", source: .outbox),
    ]

    /// The built-in views followed by the config's saved searches.
    public static func all(saved: [SavedView]) -> [QueueView] {
        builtIn + saved.map { QueueView(name: $0.name, query: $0.query, key: $0.key.flatMap(KeySpec.parse)) }
    }
}
