import Foundation
import GRDB

/// What `heed status` and the screen say of `heed run`: whether it runs (its lock is held),
/// each part's state, each connected account's listening and trouble, and the outbox.
public struct ServiceReport: Sendable, Equatable, Encodable {
    public var running: Bool
    /// Who holds the lock: "process 1234 on host".
    public var holder: String?
    public var parts: [ServicePartState]
    public var accounts: [Account]
    public var outbox: Outbox

    public struct Account: Sendable, Equatable, Encodable {
        public var name: String
        public var network: String
        public var handle: String
        /// The config asks for the network's stream.
        public var streams: Bool
        /// X: the app's monthly cap on posts read.
        public var postCap: Int?
        public var state: AccountState?
    }

    public struct Outbox: Sendable, Equatable, Encodable {
        public var waiting = 0, failed = 0, checking = 0
    }

    public static func read(_ database: AppDatabase, config: Config, cachePath: String?, now: Int64) throws -> ServiceReport {
        let lock = cachePath.map { RunLock.running(cache: $0) } ?? (running: false, holder: nil)
        return try database.read { db in
            let states = Dictionary(try AccountState.all(db).map { ($0.account, $0) }, uniquingKeysWith: { first, _ in first })
            let counts = Dictionary(try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM outbox WHERE state IN ('queued', 'sending', 'failed', 'checking') GROUP BY state")
                .map { ($0["state"] as String, $0["n"] as Int) }, uniquingKeysWith: +)
            return ServiceReport(
                running: lock.running, holder: lock.holder, parts: try ServicePartState.all(db),
                accounts: config.connectedAccounts.map { Account(name: $0.name, network: $0.network.rawValue, handle: $0.handle, streams: $0.stream,
                                                            postCap: $0.postCap, state: states[$0.name]) },
                outbox: Outbox(waiting: (counts["queued"] ?? 0) + (counts["sending"] ?? 0), failed: counts["failed"] ?? 0, checking: counts["checking"] ?? 0))
        }
    }

    /// The accounts in trouble, one line each: `mastodon-help: HTTP 401 3m ago`.
    public func troubles(now: Int64) -> [String] {
        accounts.compactMap { account in
            guard let state = account.state, let trouble = state.trouble else { return nil }
            let ago = state.lastErrorAt.map { " " + Age.short(milliseconds: now - $0) + " ago" } ?? ""
            return "\(account.name): \(trouble)\(ago)"
        }
    }

    /// `heed status` as text.
    public func lines(now: Int64, timeZone: String) -> [String] {
        var lines: [String] = []
        if running {
            lines.append("heed run: running" + (holder.map { " (\($0))" } ?? ""))
            for part in parts {
                let error = part.state == .failing ? " — \(part.lastError ?? "")" : ""
                let restarts = part.restarts > 0 ? " (restarted \(part.restarts)×)" : ""
                lines.append("  \(part.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(part.state.rawValue)\(restarts)\(error)")
            }
        } else {
            lines.append("heed run: not running for this cache — nothing is heard from the networks and nothing is sent; start it with `heed run` "
                + "(`heed run --unit` prints a systemd unit)")
        }
        if accounts.isEmpty { lines.append("accounts: none connected (see docs/channels.md)") } else { lines.append("accounts:") }
        for account in accounts {
            var line = "  \(account.name) (\(account.network), \(account.handle))"
            guard let state = account.state else {
                lines.append(line + ": never polled")
                continue
            }
            if let at = state.lastPollAt { line += ": polled \(Age.short(milliseconds: now - at)) ago" }
            if let trouble = state.trouble {
                line += ", " + (state.stopped ? "stopped: " : "trouble: ") + trouble
            } else {
                line += ", ok"
            }
            if let since = state.streamingSince {
                line += "; streaming for \(Age.short(milliseconds: now - since))"
            } else if account.streams, let why = state.streamError {
                line += "; polled, not streaming: \(why)"
            }
            if let cursor = state.cursor { line += "; cursor \(cursor)" }
            if let remaining = state.rateRemaining { line += "; rate limit \(remaining)" + (state.rateLimit.map { "/\($0)" } ?? "") + " left" }
            if let cap = account.postCap {
                let read = state.postsRead(inMonthOf: now)
                line += "; \(read) of \(cap) posts read this month"
                    + (read * 10 >= cap * 8 ? " (\(read * 100 / cap)% of the app's monthly cap: X answers no more past it)" : "")
            }
            lines.append(line)
        }
        lines.append("outbox: \(outbox.waiting) to send, \(outbox.failed) failed, \(outbox.checking) to check")
        return lines
    }

    /// What the screen must say of the service: posts waiting with no `heed run` to send them,
    /// and the accounts in trouble. Whether `heed run` is alive is its lock (an in-memory cache
    /// has none: taken as sending).
    public static func alerts(_ db: Database, config: Config, cache: String?, now: Int64) throws -> (notSending: Bool, troubles: [String]) {
        let running = cache.map { RunLock.running(cache: $0).running } ?? true
        let waiting = running ? 0 : try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')") ?? 0
        let troubles = try AccountState.all(db).compactMap { state -> String? in
            guard config.connectedAccount(named: state.account) != nil, let trouble = state.trouble else { return nil }
            return "\(state.account): \(trouble)" + (state.lastErrorAt.map { " \(Age.short(milliseconds: now - $0)) ago" } ?? "")
        }
        return (waiting > 0, troubles)
    }
}
