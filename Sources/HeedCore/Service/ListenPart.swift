import Dispatch
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Hears one connected account: polls its listener, stores each page with its new mark in one
/// transaction, and keeps the account's state (`account_state`) for `heed status` and the
/// screen. The network's trouble is the account's, not a crash: refused credentials stop the
/// account until fixed (tried again every five minutes), a rate limit waits for its reset, an
/// outage backs off.
struct ListenPart: ServicePart {
    let account: ConnectedAccount
    let connectors: Connectors
    let database: AppDatabase
    let config: Config
    let clock: any Clock
    let logger: Logger
    private let queue: DispatchQueue
    private let failures = Counter()
    private let followed = Every()
    private let streamBackoff = StreamBackoff()
    private let imports: Imports

    /// `queue` is where the part writes the cache: the listeners share one (their imports take
    /// turns on the cache's lock anyway, and one at a time holds one import's memory).
    init(account: ConnectedAccount, connectors: Connectors, database: AppDatabase, config: Config, clock: any Clock, logger: Logger,
         queue: DispatchQueue = DispatchQueue(label: "heed.listen")) {
        self.account = account
        self.connectors = connectors
        self.database = database
        self.config = config
        self.clock = clock
        self.logger = logger
        self.queue = queue
        imports = Imports(Ingester(database: database, config: config, clock: clock))
    }

    /// The part's importer, kept from batch to batch so that a backlog's batches are one import
    /// to incident detection. Used only on the part's queue.
    private final class Imports: @unchecked Sendable {
        let ingester: Ingester
        init(_ ingester: Ingester) { self.ingester = ingester }
    }

    var name: String { "listen:" + account.name }

    /// A stream a killed run left marked open is not open.
    func start() async throws {
        try await setStreaming(since: nil)
    }

    /// Mentions taken together at most, before they are stored.
    static let batch = 2_000

    func round() async throws -> Int64 {
        let (database, clock, account) = (database, clock, account)
        let state = try await blocking(queue) { try database.read { db in try AccountState.of(db, account: account.name, now: clock.now()) } }
        let now = clock.now()
        if let reset = state.rateResetAt, state.rateRemaining == 0, reset > now { return reset - now }
        let listener: any Listener
        do {
            listener = try connectors.listener(for: account)
        } catch let error as HeedError {
            // A secret that cannot be had: the account's trouble until someone adds it.
            return try await trouble(.unauthorized(error.message), state: state)
        }
        if account.stream, let streaming = listener as? any StreamingListener, streamBackoff.due(now) {
            return try await stream(streaming, state: state)
        }
        let polled = try await poll(listener, state: state)
        if polled.caughtUp, let follower = listener as? any ThreadFollower { await follow(follower) }
        return polled.wait
    }

    /// The threads of this account's channel we answered in the last week, the latest first, looked
    /// at again when it is time (with whatever else the follower looks over): what they hold that
    /// the cache has not is stored with the mark as it stands. The network's trouble here is only
    /// logged; the next poll says it.
    private func follow(_ follower: any ThreadFollower) async {
        let (database, clock, account) = (database, clock, account)
        guard followed.due(clock.now(), every: follower.followEvery) else { return }
        do {
            let threads = try await blocking(queue) {
                try database.read { db in
                    // A thread is known by its first message's id where the network names no thread (Facebook).
                    try String.fetchAll(db, sql: """
                        SELECT coalesce(m.thread_source_id,
                                        (SELECT f.source_id FROM mention f WHERE f.conversation_id = c.id ORDER BY f.created_at LIMIT 1))
                        FROM conversation c JOIN mention m ON m.id = c.latest_mention_id
                        WHERE c.channel = ? AND c.last_ours_at > ?
                        ORDER BY c.last_at DESC LIMIT ?
                        """, arguments: [account.channel, clock.now() - 7 * 86_400_000, follower.threadsFollowed])
                }
            }
            let heard = try await follower.follow(threads) { channel, sourceID in Self.known(database, channel, sourceID) }
            guard !heard.isEmpty else { return }
            let mark = try await blocking(queue) { try database.read { db in try AccountState.of(db, account: account.name, now: clock.now()).mark } }
            var page = ListenedPage(mark: mark)
            page.mentions = heard
            try await store(page)
        } catch {
            logger.warning("following threads", metadata: ["error": "\(error)"])
        }
    }

    /// One poll: every page waiting, stored batch by batch. `caughtUp` is false when the
    /// network's trouble cut it short.
    private func poll(_ listener: any Listener, state: AccountState) async throws -> (wait: Int64, caughtUp: Bool) {
        let now = clock.now()
        var page: ListenedPage
        do {
            page = try await take(listener, since: state.mark, first: true)
        } catch let error as NetworkError {
            return (try await trouble(error, state: state), false)
        }
        failures.reset()
        let quiet = page.mentions.isEmpty && page.mark == state.mark && state.trouble == nil && !state.stopped
            && now - (state.lastPollAt ?? 0) < ServiceStatus.beatEvery
        if quiet { return (Int64(account.pollSeconds) * 1000, true) }
        // A backlog: while one batch is stored, the next is fetched.
        while true {
            let batch = page
            async let following = batch.more && !Task.isShuttingDownGracefully ? try? take(listener, since: batch.mark) : nil
            try await store(batch, continues: batch.more)
            guard let next = await following else {
                guard batch.more else { return (Int64(account.pollSeconds) * 1000, true) }
                // Cut short (trouble, or stopping): what the backlog stored is still looked over.
                try await blocking(queue) { [imports] in try imports.ingester.finishContinuing() }
                return (0, false)
            }
            page = next
        }
    }

    /// Listens by the stream for as long as it lasts: opened first, then the backlog polled,
    /// then each streamed page stored as it comes with the later mark. A stream that cannot be
    /// opened, or breaks, is tried again after a backoff (a minute, doubling to a quarter of an
    /// hour), the account polled meanwhile; refused credentials are the account's trouble.
    private func stream(_ listener: any StreamingListener, state: AccountState) async throws -> Int64 {
        let (database, clock, account) = (database, clock, account)
        let events: AsyncThrowingStream<ListenedPage, Error>
        do {
            events = try await listener.stream { channel, sourceID in Self.known(database, channel, sourceID) }
        } catch let error as NetworkError {
            if case .unauthorized = error { return try await trouble(error, state: state) }
            try await streamBroke(error.description)
            return try await poll(listener, state: state).wait
        }
        let caughtUp = try await poll(listener, state: state)
        guard caughtUp.caughtUp, !Task.isShuttingDownGracefully else { return caughtUp.wait }
        let opened = clock.now()
        try await setStreaming(since: opened)
        logger.info("streaming")
        var mark = try await blocking(queue) { try database.read { db in try AccountState.of(db, account: account.name, now: clock.now()).mark } }
        do {
            for try await streamed in events.cancelOnGracefulShutdown() {
                var page = streamed
                page.mark = listener.mark(mark, after: streamed.mark)
                try await store(page)
                mark = page.mark
            }
        } catch let error as NetworkError {
            try await streamBroke(error.description)
            return 0
        } catch is CancellationError {}
        if Task.isShuttingDownGracefully || Task.isCancelled {
            try await setStreaming(since: nil)
            return 0
        }
        // The server ended it: at once again if it had lasted, else as a failure.
        if clock.now() - opened < 60_000 { try await streamBroke("the stream ended at once") } else { try await setStreaming(since: nil) }
        return 0
    }

    private func streamBroke(_ reason: String) async throws {
        let retry = streamBackoff.failed(now: clock.now())
        logger.warning("polling instead of streaming", metadata: ["error": "\(reason)", "stream_again_in_ms": "\(retry)"])
        try await setStreaming(since: nil, error: reason)
    }

    private func setStreaming(since: Int64?, error: String? = nil) async throws {
        if since != nil { streamBackoff.reset() }
        let (database, clock, account) = (database, clock, account)
        try await blocking(queue) {
            try database.write { db in
                try AccountState.update(db, account: account.name, now: clock.now()) { s in (s.streamingSince, s.streamError) = (since, error) }
            }
        }
    }

    private static func known(_ database: AppDatabase, _ channel: String, _ sourceID: String) -> Bool {
        (try? database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM mention WHERE channel = ? AND source_id = ?)", arguments: [channel, sourceID])
        }) == true
    }

    /// Pages that wait, taken together up to a batch, to be stored in one transaction with the
    /// last one's mark: a backlog is a few imports, not a commit a page. A page that fails after
    /// others were taken ends the batch; the next round meets the trouble again. A poll's `first`
    /// batch is one call's pages: it is stored while the next is fetched, not after.
    private func take(_ listener: any Listener, since start: ListenMark, first: Bool = false) async throws -> ListenedPage {
        let database = database
        var taken: ListenedPage?
        var mark = start
        do {
            while true {
                let next = try await listener.listen(since: mark) { channel, sourceID in Self.known(database, channel, sourceID) }
                taken = taken.map { $0.followed(by: next) } ?? next
                mark = next.mark
                guard !first, next.more, taken!.mentions.count < Self.batch, !Task.isShuttingDownGracefully else { break }
            }
        } catch where taken != nil {
            logger.warning("stopped paging", metadata: ["error": "\(error)"])
            taken!.more = false
        }
        return taken!
    }

    /// Stores a batch and the account's new mark in one transaction; `continues` when more of a
    /// backlog follows.
    private func store(_ page: ListenedPage, continues: Bool = false) async throws {
        let (imports, clock, account) = (imports, clock, account)
        let report = try await blocking(queue) {
            try imports.ingester.ingest(mentions: page.mentions, source: "account:" + account.name, continues: continues) { db in
                try AccountState.update(db, account: account.name, now: clock.now()) { s in
                    (s.cursor, s.etag, s.lastModified) = (page.mark.cursor, page.mark.etag, page.mark.lastModified)
                    (s.lastPollAt, s.lastOkAt, s.stopped) = (clock.now(), clock.now(), false)
                    if let rate = page.rateLimit { (s.rateRemaining, s.rateLimit, s.rateResetAt) = (rate.remaining, rate.limit, rate.resetAt) }
                    if account.postCap != nil { s.read(page.mentions.count + page.rejected.count, now: clock.now()) }
                }
            }
        }
        if report.new > 0 || !page.rejected.isEmpty {
            logger.info("listened", metadata: ["new": "\(report.new)", "updated": "\(report.updated)", "rejected": "\(page.rejected.count)"])
        }
        for rejection in page.rejected.prefix(5) {
            logger.warning("a record was not stored", metadata: ["field": "\(rejection.field ?? "")", "reason": "\(rejection.reason)"])
        }
    }

    /// Keeps the network's trouble on the account and says how long to wait.
    private func trouble(_ error: NetworkError, state: AccountState) async throws -> Int64 {
        let now = clock.now()
        let wait: Int64
        var stopped = false
        switch error {
        case .unauthorized:
            stopped = true
            wait = 300_000
        case .rateLimited(let until, _):
            wait = max(1_000, until - now)
        case .temporary, .unexpected, .refused:
            wait = min(300_000, Int64(account.pollSeconds) * 1000 << Int64(min(failures.next(), 5)))
        }
        let message = error.description
        let stop = stopped
        if state.lastError != message || state.stopped != stop || state.trouble == nil {
            logger.warning("trouble", metadata: ["error": "\(message)", "retry_in_ms": "\(wait)"])
        }
        let (database, clock, account) = (database, clock, account)
        try await blocking(queue) {
            try database.write { db in
                try AccountState.update(db, account: account.name, now: clock.now()) { s in
                    (s.lastPollAt, s.lastError, s.lastErrorAt, s.stopped) = (now, message, now, stop)
                    if case .rateLimited(let until, _) = error { (s.rateRemaining, s.rateResetAt) = (0, until) }
                }
            }
        }
        return wait
    }
}

extension ListenedPage {
    /// This page and the next as one: the next one's mark, both pages' mentions.
    func followed(by next: ListenedPage) -> ListenedPage {
        var joined = next
        let known = Set(mentions.map(\.sourceID))
        joined.mentions = mentions + next.mentions.filter { !known.contains($0.sourceID) }
        joined.rejected = rejected + next.rejected
        joined.rateLimit = next.rateLimit ?? rateLimit
        return joined
    }
}

/// When a stream that broke is tried again: a minute after the first failure, doubling to a
/// quarter of an hour.
final class StreamBackoff: @unchecked Sendable {
    private let lock = NSLock()
    private var failures = 0
    private var retryAt: Int64 = 0

    func due(_ now: Int64) -> Bool { lock.withLock { now >= retryAt } }

    /// Counts a failure; milliseconds until the stream is tried again.
    func failed(now: Int64) -> Int64 {
        lock.withLock {
            let wait: Int64 = min(900_000, 60_000 << Int64(min(failures, 4)))
            failures += 1
            retryAt = now + wait
            return wait
        }
    }

    func reset() { lock.withLock { (failures, retryAt) = (0, 0) } }
}

/// A count that parts keep across rounds (they are values; the count is shared).
/// When something done every so often is next due: now, the first time.
final class Every: @unchecked Sendable {
    private let lock = NSLock()
    private var next: Int64 = .min

    /// Whether it is due at `now`; if so, the next time is `every` later.
    func due(_ now: Int64, every: Int64) -> Bool {
        lock.withLock {
            guard now >= next else { return false }
            next = now + every
            return true
        }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// The count so far, then one more.
    func next() -> Int { lock.withLock { defer { value += 1 }; return value } }

    func reset() { lock.withLock { value = 0 } }
}
