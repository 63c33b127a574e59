import Dispatch
import Foundation
import GRDB
import Logging

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
    }

    var name: String { "listen:" + account.name }

    /// Mentions taken together at most, before they are stored.
    static let batch = 2_000

    func round() async throws -> Int64 {
        let (database, clock, account) = (database, clock, account)
        let state = try await blocking(queue) { try database.read { db in try AccountState.of(db, account: account.name, now: clock.now()) } }
        let now = clock.now()
        if let reset = state.rateResetAt, state.rateRemaining == 0, reset > now { return reset - now }
        var page: ListenedPage
        let listener: any Listener
        do {
            listener = try connectors.listener(for: account)
            page = try await take(listener, since: state.mark)
        } catch let error as NetworkError {
            return try await trouble(error, state: state)
        } catch let error as HeedError {
            // A secret that cannot be had: the account's trouble until someone adds it.
            return try await trouble(.unauthorized(error.message), state: state)
        }
        failures.reset()
        let quiet = page.mentions.isEmpty && page.mark == state.mark && state.trouble == nil && !state.stopped
            && now - (state.lastPollAt ?? 0) < ServiceStatus.beatEvery
        if quiet { return Int64(account.pollSeconds) * 1000 }
        // A backlog: while one batch is stored, the next is fetched.
        while true {
            let batch = page
            async let following = batch.more && !Task.isShuttingDownGracefully ? try? take(listener, since: batch.mark) : nil
            try await store(batch)
            guard let next = await following else { return batch.more ? 0 : Int64(account.pollSeconds) * 1000 }
            page = next
        }
    }

    /// Pages that wait, taken together up to a batch, to be stored in one transaction with the
    /// last one's mark: a backlog is a few imports, not a commit a page. A page that fails after
    /// others were taken ends the batch; the next round meets the trouble again.
    private func take(_ listener: any Listener, since start: ListenMark) async throws -> ListenedPage {
        let database = database
        var taken: ListenedPage?
        var mark = start
        do {
            while true {
                let next = try await listener.listen(since: mark) { channel, sourceID in
                    (try? database.read { db in
                        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM mention WHERE channel = ? AND source_id = ?)", arguments: [channel, sourceID])
                    }) == true
                }
                taken = taken.map { $0.followed(by: next) } ?? next
                mark = next.mark
                guard next.more, taken!.mentions.count < Self.batch, !Task.isShuttingDownGracefully else { break }
            }
        } catch where taken != nil {
            logger.warning("stopped paging", metadata: ["error": "\(error)"])
            taken!.more = false
        }
        return taken!
    }

    /// Stores a batch and the account's new mark in one transaction.
    private func store(_ page: ListenedPage) async throws {
        let (database, config, clock, account) = (database, config, clock, account)
        let report = try await blocking(queue) {
            try Ingester(database: database, config: config, clock: clock).ingest(mentions: page.mentions, source: "account:" + account.name) { db in
                try AccountState.update(db, account: account.name, now: clock.now()) { s in
                    (s.cursor, s.etag, s.lastModified) = (page.mark.cursor, page.mark.etag, page.mark.lastModified)
                    (s.lastPollAt, s.lastOkAt, s.stopped) = (clock.now(), clock.now(), false)
                    if let rate = page.rateLimit { (s.rateRemaining, s.rateLimit, s.rateResetAt) = (rate.remaining, rate.limit, rate.resetAt) }
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

/// A count that parts keep across rounds (they are values; the count is shared).
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// The count so far, then one more.
    func next() -> Int { lock.withLock { defer { value += 1 }; return value } }

    func reset() { lock.withLock { value = 0 } }
}
