import Foundation

/// Where listening to an account got to, as `account_state` keeps it.
struct ListenMark: Sendable, Equatable {
    /// The network's own mark: a notification id, a cursor, the newest time seen.
    var cursor: String?
    /// A feed's validators, for a conditional GET.
    var etag: String?
    var lastModified: String?
}

/// What one poll brought: mentions to store, where listening goes on from, and whether another
/// page waits right now.
struct ListenedPage: Sendable {
    var mentions: [IncomingMention] = []
    var rejected: [Rejection] = []
    var mark: ListenMark
    var more = false
    var rateLimit: RateLimit?
}

/// Hears one account: a page of what is new since a mark, from the network's own API. The
/// page is stored with its new mark in one transaction (`Listening`), so a crash re-fetches at
/// most one page and stores nothing twice.
protocol Listener: Sendable {
    var account: ConnectedAccount { get }
    /// `known` says whether a post (channel, source id) is in the cache already: a reply whose
    /// parent is not is fetched with its thread.
    func listen(since mark: ListenMark, known: @Sendable (String, String) -> Bool) async throws -> ListenedPage
}

/// A listener whose network leaves a new reply in an older thread where polling does not reach
/// (YouTube brings threads newest first by their first comment; Facebook is read under the
/// page's latest posts only): the threads we answered lately are looked at again now and then.
protocol ThreadFollower: Listener {
    /// How often, in milliseconds, and how many threads at most, the newest first.
    var followEvery: Int64 { get }
    var threadsFollowed: Int { get }
    /// What is in `threads` (their source ids) that `known` does not have yet.
    func follow(_ threads: [String], known: @Sendable (String, String) -> Bool) async throws -> [IncomingMention]
}

extension ThreadFollower {
    /// The mentions in a thread's `document`, read as `format` reads it, that the cache has not.
    func unheard(in document: JSONNode, as format: some MentionFormat, known: @Sendable (String, String) -> Bool) -> [IncomingMention] {
        var read = ListenedPage(mark: ListenMark(cursor: nil))
        read.add(format.records(in: document, context: FormatContext(config: Config())))
        return read.mentions.filter { !known(account.channel, $0.sourceID) }
    }
}

/// A listener that is also told what is new as it happens (Mastodon's streaming API). The
/// stream is opened before the backlog is polled, so nothing falls between the two.
protocol StreamingListener: Listener {
    /// Pages as the network streams them, each with the mark of what it holds; thrown when the
    /// stream cannot be opened (the account is polled instead).
    func stream(known: @escaping @Sendable (String, String) -> Bool) async throws -> AsyncThrowingStream<ListenedPage, Error>
    /// Where listening goes on from once `streamed` is stored: the later of the two.
    func mark(_ mark: ListenMark, after streamed: ListenMark) -> ListenMark
}

/// A post of ours as a poster sends it, with what it answers.
struct OutgoingPost: Sendable, Equatable {
    var id: Int64
    var kind: PostKind
    var channel: String
    var text: String
    var idempotencyKey: String
    var createdAt: Int64
    /// The message answered: its source id, author, thread and the fields its format kept.
    var replyTo: ReplyTarget?

    struct ReplyTarget: Sendable, Equatable {
        var sourceID: String
        var authorHandle: String
        var threadID: String?
        var extra: String?
    }

    /// Whether a post found on the network says this one's text, spaces squeezed and case folded
    /// (the network may add an address before it): how an interrupted post is recognised.
    func isSaid(in found: String) -> Bool {
        Self.comparable(found).contains(Self.comparable(text))
    }

    private static func comparable(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// What a poster found of a post whose sending was interrupted.
enum PostSearch: Sendable, Equatable {
    /// It went out: its id on the network.
    case sent(String)
    /// It did not: it may go again.
    case notSent
    /// The network cannot say: a person must look.
    case cannotTell(String)
}

/// Answers through one account: sends a post, and finds one whose sending was interrupted
/// before it is ever tried again.
protocol Poster: Sendable {
    var account: ConnectedAccount { get }
    /// Sends `post`; the network's id for it.
    func send(_ post: OutgoingPost) async throws -> String
    func find(_ post: OutgoingPost) async throws -> PostSearch
}

/// Checks an account as `heed account check` does: one authenticated request, and what is wrong.
protocol AccountChecker: Sendable {
    /// A line saying who the network says we are.
    func check() async throws -> String
}
