import Dispatch
import Foundation
import GRDB

/// Sends the outbox's due posts, so that a post is never lost and never sent twice: a post is
/// marked `sending` before it goes and `sent` after; one a dead worker left `sending` is looked
/// at again — on the network, in the spool folder — not resent blindly. One worker at a time.
///
/// Each post goes the way its channel says (`route`): the config's adapter for the channel
/// (`spool`, `command`), else the connected account it is from (the network's own API, or
/// sendmail), else the default adapter.
public struct Delivery: Sendable {
    let database: AppDatabase
    let config: Config
    let clock: any Clock
    /// Where a relative spool folder is (the cache's folder).
    let base: String
    let connectors: Connectors
    /// The cache is written here, off the threads the network calls share.
    private let queue = DispatchQueue(label: "heed.delivery")
    /// Spool posts about to be handed over, kept beside the cache.
    private let journal: SpoolJournal?
    /// Called right after a spool post's file is in the folder, before it is marked sent (the
    /// window a killed worker leaves open; the tests hold it open).
    var afterHandOver: (@Sendable (String) -> Void)?

    /// A failed send is tried again after 10 s, 20 s, 40 s … and given up after this many tries.
    public static let maxAttempts = 5

    public struct Report: Sendable, Equatable {
        public var sent = 0, retrying = 0, failed = 0

        public init() {}
    }

    public init(database: AppDatabase, config: Config, clock: any Clock, connectors: Connectors? = nil) {
        self.database = database
        self.config = config
        self.clock = clock
        self.connectors = connectors ?? Connectors(config: config, secrets: Secrets(configPath: nil), clock: clock)
        base = database.path.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? FileManager.default.currentDirectoryPath
        journal = SpoolJournal(cache: database.path)
    }

    /// The worker's lock beside the cache: nil when another worker holds it.
    public static func lock(cache path: String) -> Int32? {
        let descriptor = CacheSideFile.deliver.open(path)
        guard descriptor >= 0 else { return nil }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// How a post leaves.
    enum Route: Equatable {
        case adapter(DeliveryAdapter)
        case account(ConnectedAccount)
    }

    func route(for post: Post) -> Route {
        if let explicit = config.delivery.channels[post.channel] { return .adapter(explicit) }
        if let account = config.connectedAccount(channel: post.channel, handle: post.account), account.network != .feed { return .account(account) }
        return .adapter(config.delivery.defaultAdapter)
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let database = database
        return try await blocking(queue) { try database.write(body) }
    }

    /// Posts a worker that died left `sending`: a spool post whose file is there, or whose key the
    /// journal holds with no half-written file left (its reader took it), was sent; a network post is looked for on the network (found: sent; surely not there: queued again);
    /// anything heed cannot tell is marked `checking`, for a person to look and then retry or
    /// cancel it. Returns how many were looked at.
    public func recover() async throws -> Int {
        let stuck = try await blocking(queue) { [database] in try database.read { db in try Post.fetch(db, where: "state = 'sending'") } }
        let handedOver = journal?.keys() ?? []
        for post in stuck {
            let search: PostSearch
            switch route(for: post) {
            case .adapter(.spool(let folder)):
                let file = spoolFile(post, folder: folder)
                if FileManager.default.fileExists(atPath: file) {
                    search = .sent("")
                } else if unlink(file + ".tmp") == 0 {
                    // Killed before the rename: it never reached the folder.
                    search = .notSent
                } else {
                    search = handedOver.contains(post.idempotencyKey) ? .sent("") : .notSent
                }
            case .adapter(.command):
                search = .cannotTell("the delivery worker stopped while its command was sending")
            case .account(let account):
                do {
                    search = try await connectors.poster(for: account).find(post.outgoing)
                } catch {
                    search = .cannotTell("\(account.name): \(error)")
                }
            }
            switch search {
            case .sent(let id): try await markSent(post, externalID: id.isEmpty ? nil : id)
            case .notSent: try await write { db in try db.execute(sql: "UPDATE outbox SET state = 'queued' WHERE id = ?", arguments: [post.id]) }
            case .cannotTell(let why):
                try await write { db in
                    try db.execute(sql: "UPDATE outbox SET state = 'checking', last_error = ? WHERE id = ?", arguments: [
                        "\(why): check on the channel whether it went out, then retry or cancel the post", post.id])
                }
            }
        }
        try await keepJournalShort()
        return stuck.count
    }

    /// The journal keeps the keys of posts still being sent, no others.
    private func keepJournalShort() async throws {
        guard let journal else { return }
        let sending = try await blocking(queue) { [database] in
            try database.read { db in try String.fetchAll(db, sql: "SELECT idempotency_key FROM outbox WHERE state = 'sending'") }
        }
        try await blocking(queue) { try journal.keep(Set(sending)) }
    }

    /// Sends every post that is due now; `shouldStop` is asked between posts.
    public func runOnce(shouldStop: @Sendable () -> Bool = { false }) async throws -> Report {
        var report = Report()
        let now = clock.now()
        let due = try await write { db -> [Post] in
            let posts = try Post.fetch(db, where: "state = 'queued' AND send_after <= ? AND coalesce(next_attempt_at, 0) <= ?", [now, now])
            for post in posts { try db.execute(sql: "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?", arguments: [post.id]) }
            return posts
        }
        for (index, post) in due.enumerated() {
            if shouldStop() {
                // Not begun: back in the queue as they were.
                let rest = due[index...].map(\.id)
                try await write { db in
                    for id in rest { try db.execute(sql: "UPDATE outbox SET state = 'queued', attempts = attempts - 1 WHERE id = ?", arguments: [id]) }
                }
                break
            }
            do {
                let externalID = try await send(post)
                try await markSent(post, externalID: externalID)
                report.sent += 1
            } catch {
                if try await settle(post, after: error) { report.failed += 1 } else { report.retrying += 1 }
            }
        }
        return report
    }

    /// A post that did not go: failed for good (true), or back in the queue for later (false).
    private func settle(_ post: Post, after error: any Error) async throws -> Bool {
        let now = clock.now()
        let attempts = post.attempts + 1
        let retry = { (delay: Int64) in now + delay }
        let (state, message, next, countsAttempt): (String, String, Int64?, Bool)
        switch error {
        case let error as NetworkError:
            switch error {
            case .unauthorized(let m):
                // The account is refused: nothing is dropped; it waits until someone fixes it.
                (state, message, next, countsAttempt) = ("queued", m, retry(300_000), false)
            case .rateLimited(let until, let m):
                (state, message, next, countsAttempt) = ("queued", m, max(until, now + 1_000), false)
            case .refused(let m), .unexpected(let m):
                (state, message, next, countsAttempt) = ("failed", m, nil, true)
            case .temporary(let m):
                let giveUp = attempts >= Self.maxAttempts
                (state, message, next, countsAttempt) = (giveUp ? "failed" : "queued", m, giveUp ? nil : retry(Self.backoff(attempts)), true)
            }
        case let error as DeliveryFailure:
            (state, message, next, countsAttempt) = ("failed", error.message, nil, true)
        default:
            let giveUp = attempts >= Self.maxAttempts
            let text = (error as? HeedError)?.message ?? "\(error)"
            (state, message, next, countsAttempt) = (giveUp ? "failed" : "queued", text, giveUp ? nil : retry(Self.backoff(attempts)), true)
        }
        try await write { db in
            try db.execute(sql: "UPDATE outbox SET state = ?, last_error = ?, next_attempt_at = ?, attempts = attempts - ? WHERE id = ?",
                           arguments: [state, message, next, countsAttempt ? 0 : 1, post.id])
        }
        return state == "failed"
    }

    /// 10 s, 20 s, 40 s, 80 s, give or take a tenth, so that many posts failing together do not
    /// all come back at the same moment.
    static func backoff(_ attempts: Int) -> Int64 {
        let base = Int64(10_000) << Int64(max(0, attempts - 1))
        return base + Int64.random(in: -(base / 10)...(base / 10))
    }

    // MARK: Routes

    private func send(_ post: Post) async throws -> String? {
        switch route(for: post) {
        case .account(let account):
            return try await connectors.poster(for: account).send(post.outgoing)
        case .adapter(.spool(let folder)):
            let path = spoolFile(post, folder: folder)
            let (json, key, journal, after) = (post.json, post.idempotencyKey, journal, afterHandOver)
            if journal?.isLong == true { try await keepJournalShort() }
            try await blocking(queue) {
                try Self.spool(json, to: path) { try journal?.record(key) }
                after?(path)
            }
            return nil
        case .adapter(.command(let program)):
            let json = post.json
            return try await blocking(queue) { try Self.command(program, json) }
        }
    }

    /// Written whole under a new name, then renamed (`FileReplacement`): a reader of the folder
    /// never sees half a post. `beforeRename` records the hand-over in the journal.
    private static func spool(_ json: String, to path: String, beforeRename: () throws -> Void) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileReplacement.write(Array(json.utf8), to: path, mode: 0o640, beforeRename: beforeRename)
    }

    /// Never through a shell: the program and its arguments as the config lists them, the post
    /// on standard input. A program that cannot be started is a mistake in the config, said at
    /// once, not retried.
    private static func command(_ program: Program, _ json: String) throws -> String? {
        let output: ChildProcess.Output?
        do {
            output = try ChildProcess.run([program.path] + program.arguments, input: Data(json.utf8), timeout: Double(program.timeoutSeconds))
        } catch let error as HeedError where error.message.hasPrefix("cannot start") {
            throw DeliveryFailure(message: "\(error.message) (delivery's program in the config)")
        }
        guard let output else { throw HeedError("\(program.path) took longer than \(program.timeoutSeconds) s") }
        guard output.exit.status == 0 else {
            if output.exit.status == 127 { throw DeliveryFailure(message: "\(program.path) was not found (delivery's program in the config)") }
            let err = output.lastErrorLine
            throw HeedError("exit \(output.exit.status)\(err.isEmpty ? "" : ": " + err)")
        }
        let out = String(decoding: output.stdout, as: UTF8.self)
        return out.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    private func spoolFile(_ post: Post, folder: String) -> String {
        let expanded = Workspace.expandingHome(folder)
        let root = expanded.hasPrefix("/") ? expanded : base + "/" + expanded
        return root + "/" + post.idempotencyKey + ".json"
    }

    /// Marks the post sent and puts it in its thread as ours (the conversation then waits on
    /// the customer).
    private func markSent(_ post: Post, externalID: String?) async throws {
        let (database, config, clock) = (database, config, clock)
        try await blocking(queue) {
            let now = clock.now()
            try database.write { db in
                try db.execute(sql: "UPDATE outbox SET state = 'sent', sent_at = ?, external_id = ?, last_error = NULL WHERE id = ?",
                               arguments: [now, externalID, post.id])
                try EventLog.append(db, at: now, by: post.operatorHandle, kind: .sent, conversation: post.conversationID, subject: String(post.id))
            }
            guard post.conversationID != nil, let target = post.replyTo else { return }
            let handle = config.connectedAccount(channel: post.channel, handle: post.account)?.handle ?? post.account ?? post.operatorHandle
            var mention = IncomingMention(channel: post.channel, sourceID: externalID ?? "heed:" + post.idempotencyKey, text: post.text, createdAt: now,
                                          author: IncomingAuthor(id: "heed:" + handle, handle: handle), inReplyTo: target.sourceID)
            mention.ours = true
            _ = try Ingester(database: database, config: config, clock: clock).ingest(mentions: [mention], source: "outbox")
        }
    }
}

/// A post that cannot go as the config has it: failed at once, with the reason.
struct DeliveryFailure: Error {
    var message: String
}

/// An outbox row as delivery needs it, with the message it answers.
struct Post: Sendable {
    var id: Int64
    var kind: String
    var conversationID: Int64?
    var channel: String
    var account: String?
    var operatorHandle: String
    var text: String
    var idempotencyKey: String
    var attempts: Int
    var replyTo: OutgoingPost.ReplyTarget?
    var createdAt: Int64

    static func fetch(_ db: Database, where condition: String, _ arguments: [any DatabaseValueConvertible] = []) throws -> [Post] {
        try Row.fetchAll(db, sql: """
            SELECT o.id, o.kind, o.conversation_id, o.channel, o.account, o.operator, o.text, o.idempotency_key, o.attempts, o.created_at,
                   m.source_id AS in_reply_to, h.handle AS reply_to_handle, m.thread_source_id AS reply_to_thread, m.extra AS reply_to_extra
            FROM outbox o LEFT JOIN mention m ON m.id = o.in_reply_to_mention_id LEFT JOIN contact_handle h ON h.id = m.handle_id
            WHERE \(condition) ORDER BY o.send_after, o.id
            """, arguments: StatementArguments(arguments)).map { row in
            let target = (row["in_reply_to"] as String?).map {
                OutgoingPost.ReplyTarget(sourceID: $0, authorHandle: row["reply_to_handle"] ?? "", threadID: row["reply_to_thread"], extra: row["reply_to_extra"])
            }
            return Post(id: row["id"], kind: row["kind"], conversationID: row["conversation_id"], channel: row["channel"], account: row["account"],
                        operatorHandle: row["operator"], text: row["text"], idempotencyKey: row["idempotency_key"], attempts: row["attempts"],
                        replyTo: target, createdAt: row["created_at"])
        }
    }

    var outgoing: OutgoingPost {
        OutgoingPost(id: id, kind: PostKind(rawValue: kind) ?? .reply, channel: channel, text: text, idempotencyKey: idempotencyKey,
                     createdAt: createdAt, replyTo: replyTo)
    }

    /// The post as the adapters get it (a spool file, a command's standard input).
    var json: String {
        var members: [(String, JSONValue)] = [
            ("id", .number(String(id))), ("idempotency_key", .string(idempotencyKey)), ("kind", .string(kind)), ("channel", .string(channel)),
            ("text", .string(text)), ("operator", .string(operatorHandle)), ("created_at", .string(RFC3339.string(fromMilliseconds: createdAt))),
        ]
        if let account { members.append(("account", .string(account))) }
        if let conversationID { members.append(("conversation", .number(String(conversationID)))) }
        if let target = replyTo { members.append(("in_reply_to", .string(target.sourceID))) }
        return JSONWriter.object(members)
    }
}
