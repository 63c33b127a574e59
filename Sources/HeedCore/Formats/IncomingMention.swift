/// One mention as an importer read it, before it is stored: heed's mention fields.
public struct IncomingMention: Sendable, Equatable {
    /// Unix milliseconds from 1970 to 2200: anything else is a broken record.
    public static let plausibleTimes: ClosedRange<Int64> = 0...7_258_118_400_000

    public var channel: String
    /// The source's own id for the post.
    public var sourceID: String
    public var text: String
    /// Unix milliseconds, UTC.
    public var createdAt: Int64
    public var author: IncomingAuthor
    public var url: String?
    /// The parent post's source id.
    public var inReplyTo: String?
    /// The source's own thread id (X `conversation_id`, a Reddit `link_id`, a mail thread root).
    public var threadID: String?
    public var lang: String?
    public var metrics = Metrics()
    /// Fields of the source record heed does not model, as a JSON object text (kept, not dropped).
    public var extra: String?
    /// Set when the source itself says whether the brand wrote it (the support CSV's `inbound`);
    /// nil lets the config's `accounts` decide.
    public var ours: Bool?

    public init(channel: String, sourceID: String, text: String, createdAt: Int64, author: IncomingAuthor,
                url: String? = nil, inReplyTo: String? = nil, threadID: String? = nil, lang: String? = nil,
                metrics: Metrics = Metrics(), extra: String? = nil) {
        self.channel = channel
        self.sourceID = sourceID
        self.text = text
        self.createdAt = createdAt
        self.author = author
        self.url = url
        self.inReplyTo = inReplyTo
        self.threadID = threadID
        self.lang = lang
        self.metrics = metrics
        self.extra = extra
    }
}

public struct IncomingAuthor: Sendable, Equatable {
    public var id: String
    public var handle: String
    public var name: String?
    public var followers: Int
    public var verified: Bool

    public init(id: String, handle: String, name: String? = nil, followers: Int = 0, verified: Bool = false) {
        self.id = id
        self.handle = handle
        self.name = name
        self.followers = followers
        self.verified = verified
    }
}

public struct Metrics: Sendable, Equatable {
    public var likes = 0
    public var reposts = 0
    public var replies = 0
    public init(likes: Int = 0, reposts: Int = 0, replies: Int = 0) {
        self.likes = likes
        self.reposts = reposts
        self.replies = replies
    }
}

/// Why one input record was not stored: where it was and which field was wrong.
public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    /// The field at fault, like `author.followers`; nil when the record as a whole is bad.
    public var field: String?
    public var reason: String

    public init(line: Int, field: String?, reason: String) {
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String {
        field.map { "line \(line): \($0): \(reason)" } ?? "line \(line): \(reason)"
    }
}

extension IncomingMention {
    /// SQLite's text functions and C strings stop at a NUL: a text, handle or name holding one
    /// would be read back cut ("h" for "h\0andle"). Each becomes U+FFFD, as bad UTF-8 does.
    func withoutNUL() -> IncomingMention {
        func has(_ s: String?) -> Bool { s?.utf8.contains(0) ?? false }
        guard has(text) || has(author.handle) || has(author.name) || has(author.id) || has(sourceID) || has(url) || has(inReplyTo)
            || has(threadID) else { return self }
        func clean(_ s: String) -> String { s.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") }
        var m = self
        (m.text, m.sourceID, m.url, m.inReplyTo, m.threadID) = (clean(text), clean(sourceID), url.map(clean), inReplyTo.map(clean), threadID.map(clean))
        (m.author.handle, m.author.name, m.author.id) = (clean(author.handle), author.name.map(clean), clean(author.id))
        return m
    }
}
