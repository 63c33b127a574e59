import GRDB

/// What `heed run` keeps of a connected account (`account_state`): where listening got to,
/// when it last polled and succeeded, its trouble, its rate limit.
public struct AccountState: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "account_state"

    public var account: String
    public var cursor: String?
    public var etag: String?
    public var lastModified: String?
    public var lastPollAt: Int64?
    public var lastOkAt: Int64?
    public var lastError: String?
    public var lastErrorAt: Int64?
    /// Refused credentials: the account waits for someone to fix them.
    public var stopped: Bool
    public var rateRemaining: Int?
    public var rateLimit: Int?
    public var rateResetAt: Int64?
    /// The stream open now, since when; nil when the account is polled.
    public var streamingSince: Int64?
    /// Why an account that asks for the stream is polled instead.
    public var streamError: String?
    /// Posts received from the network in `usageMonth` (`yyyy-MM`, UTC).
    public var usageMonth: String?
    public var postsRead = 0
    public var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case account, cursor, etag, lastModified = "last_modified", lastPollAt = "last_poll_at", lastOkAt = "last_ok_at"
        case lastError = "last_error", lastErrorAt = "last_error_at", stopped, rateRemaining = "rate_remaining", rateLimit = "rate_limit"
        case rateResetAt = "rate_reset_at", streamingSince = "streaming_since", streamError = "stream_error", usageMonth = "usage_month"
        case postsRead = "posts_read", updatedAt = "updated_at"
    }

    public init(account: String, now: Int64) {
        self.account = account
        stopped = false
        updatedAt = now
    }

    var mark: ListenMark { ListenMark(cursor: cursor, etag: etag, lastModified: lastModified) }

    public static func all(_ db: Database) throws -> [AccountState] { try fetchAll(db) }

    static func of(_ db: Database, account: String, now: Int64) throws -> AccountState {
        try fetchOne(db, key: account) ?? AccountState(account: account, now: now)
    }

    /// Changes `account`'s state in the transaction open.
    static func update(_ db: Database, account: String, now: Int64, _ change: (inout AccountState) -> Void) throws {
        var state = try of(db, account: account, now: now)
        change(&state)
        state.updatedAt = now
        try state.save(db)
    }

    /// Counts `count` posts received at `now` in the month's usage.
    mutating func read(_ count: Int, now: Int64) {
        let month = Self.month(now)
        if usageMonth != month { (usageMonth, postsRead) = (month, 0) }
        postsRead += count
    }

    /// Posts received in the month of `now`.
    public func postsRead(inMonthOf now: Int64) -> Int { usageMonth == Self.month(now) ? postsRead : 0 }

    static func month(_ now: Int64) -> String { String(RFC3339.string(fromMilliseconds: now).prefix(7)) }

    /// The trouble to show operators, or nil when it is fine.
    public var trouble: String? {
        guard let lastError else { return nil }
        if let ok = lastOkAt, let at = lastErrorAt, ok > at { return nil }
        return lastError
    }
}
