import Foundation
import GRDB

/// Sends the outbox's due posts through each channel's adapter, so that a post is never lost
/// and never sent twice: a post is marked `sending` before it goes and `sent` after; one a
/// dead worker left `sending` is looked at again, not resent blindly. One worker at a time.
public struct Delivery {
    let database: AppDatabase
    let config: Config
    let clock: any Clock
    /// Where a relative spool folder is (the cache's folder).
    let base: String

    /// A failed send is tried again after 10 s, 20 s, 40 s … and given up after this many tries.
    public static let maxAttempts = 5

    public struct Report: Sendable, Equatable {
        public var sent = 0, retrying = 0, failed = 0

        public init() {}
    }

    public init(database: AppDatabase, config: Config, clock: any Clock) {
        self.database = database
        self.config = config
        self.clock = clock
        base = database.path.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? FileManager.default.currentDirectoryPath
    }

    /// The worker's lock beside the cache: nil when another worker holds it.
    public static func lock(cache path: String) -> Int32? {
        let descriptor = open(path + "-deliver.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o660)
        guard descriptor >= 0 else { return nil }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// Posts a worker that died left `sending`: a spool post whose file is there was sent; one
    /// whose file is not goes back to the queue; a command's is marked `checking`, for a person
    /// to look at the channel and then retry or cancel it.
    public func recover() throws -> Int {
        let stuck = try database.read { db in try Post.fetch(db, where: "state = 'sending'") }
        for post in stuck {
            switch config.delivery.adapter(for: post.channel) {
            case .spool(let folder):
                if FileManager.default.fileExists(atPath: spoolFile(post, folder: folder)) {
                    try markSent(post, externalID: nil)
                } else {
                    try database.write { db in try db.execute(sql: "UPDATE outbox SET state = 'queued' WHERE id = ?", arguments: [post.id]) }
                }
            case .command:
                try database.write { db in
                    try db.execute(sql: "UPDATE outbox SET state = 'checking', last_error = ? WHERE id = ?", arguments: [
                        "the delivery worker stopped while sending: check on the channel whether it went out, then retry or cancel the post", post.id])
                }
            }
        }
        return stuck.count
    }

    /// Sends every post that is due now.
    public func runOnce() throws -> Report {
        var report = Report()
        let now = clock.now()
        let due = try database.write { db -> [Post] in
            let posts = try Post.fetch(db, where: "state = 'queued' AND send_after <= ? AND coalesce(next_attempt_at, 0) <= ?", [now, now])
            for post in posts { try db.execute(sql: "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?", arguments: [post.id]) }
            return posts
        }
        for post in due {
            do {
                let externalID = try send(post)
                try markSent(post, externalID: externalID)
                report.sent += 1
            } catch {
                let message = (error as? HeedError)?.message ?? "\(error)"
                let attempts = post.attempts + 1
                let giveUp = attempts >= Self.maxAttempts
                try database.write { db in
                    try db.execute(sql: "UPDATE outbox SET state = ?, last_error = ?, next_attempt_at = ? WHERE id = ?", arguments: [
                        giveUp ? "failed" : "queued", message, giveUp ? nil : clock.now() + 10_000 << Int64(attempts - 1), post.id])
                }
                if giveUp { report.failed += 1 } else { report.retrying += 1 }
            }
        }
        return report
    }

    // MARK: Adapters

    private func send(_ post: Post) throws -> String? {
        let json = post.json
        switch config.delivery.adapter(for: post.channel) {
        case .spool(let folder):
            let path = spoolFile(post, folder: folder)
            // Written whole, then renamed: a reader of the folder never sees half a post.
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(json.utf8).write(to: URL(fileURLWithPath: path + ".tmp"))
            guard rename(path + ".tmp", path) == 0 else { throw HeedError("cannot write \(path): \(String(cString: strerror(errno)))") }
            return nil
        case .command(let program):
            let scratch = NSTemporaryDirectory() + "heed-post-\(post.idempotencyKey)"
            try Data(json.utf8).write(to: URL(fileURLWithPath: scratch + ".json"))
            defer { for suffix in [".json", ".out", ".err"] { try? FileManager.default.removeItem(atPath: scratch + suffix) } }
            // Never through a shell: the program and its arguments as the config lists them.
            let child = try ChildProcess.spawn([program.path] + program.arguments, stdin: scratch + ".json", stdout: scratch + ".out",
                                               stderr: scratch + ".err")
            guard let exit = child.wait(timeout: Double(program.timeoutSeconds)) else {
                throw HeedError("\(program.path) took longer than \(program.timeoutSeconds) s")
            }
            let out = (try? String(contentsOfFile: scratch + ".out", encoding: .utf8)) ?? ""
            guard exit.status == 0 else {
                let err = ((try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? "").split(separator: "\n").last.map(String.init) ?? ""
                throw HeedError("exit \(exit.status)\(err.isEmpty ? "" : ": " + err)")
            }
            return out.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    private func spoolFile(_ post: Post, folder: String) -> String {
        let root = folder.hasPrefix("/") ? folder : base + "/" + folder
        return root + "/" + post.idempotencyKey + ".json"
    }

    /// Marks the post sent and puts it in its thread as ours (the conversation then waits on
    /// the customer).
    private func markSent(_ post: Post, externalID: String?) throws {
        let now = clock.now()
        try database.write { db in
            try db.execute(sql: "UPDATE outbox SET state = 'sent', sent_at = ?, external_id = ?, last_error = NULL WHERE id = ?",
                           arguments: [now, externalID, post.id])
            try EventLog.append(db, at: now, by: post.operatorHandle, kind: .sent, conversation: post.conversationID,
                                subject: String(post.id))
        }
        guard post.conversationID != nil, let inReplyTo = post.inReplyTo else { return }
        var mention = IncomingMention(channel: post.channel, sourceID: externalID ?? "heed:" + post.idempotencyKey, text: post.text, createdAt: now,
                                      author: IncomingAuthor(id: "heed:" + (post.account ?? post.operatorHandle), handle: post.account ?? post.operatorHandle),
                                      inReplyTo: inReplyTo)
        mention.ours = true
        _ = try Ingester(database: database, config: config, clock: clock).ingest(mentions: [mention], source: "outbox")
    }
}

/// An outbox row as delivery needs it.
struct Post {
    var id: Int64
    var kind: String
    var conversationID: Int64?
    var channel: String
    var account: String?
    var operatorHandle: String
    var text: String
    var idempotencyKey: String
    var attempts: Int
    var inReplyTo: String?
    var createdAt: Int64

    static func fetch(_ db: Database, where condition: String, _ arguments: [any DatabaseValueConvertible] = []) throws -> [Post] {
        try Row.fetchAll(db, sql: """
            SELECT o.id, o.kind, o.conversation_id, o.channel, o.account, o.operator, o.text, o.idempotency_key, o.attempts, o.created_at,
                   m.source_id AS in_reply_to
            FROM outbox o LEFT JOIN mention m ON m.id = o.in_reply_to_mention_id WHERE \(condition) ORDER BY o.send_after, o.id
            """, arguments: StatementArguments(arguments)).map { row in
            Post(id: row["id"], kind: row["kind"], conversationID: row["conversation_id"], channel: row["channel"], account: row["account"],
                 operatorHandle: row["operator"], text: row["text"], idempotencyKey: row["idempotency_key"], attempts: row["attempts"],
                 inReplyTo: row["in_reply_to"], createdAt: row["created_at"])
        }
    }

    /// The post as the adapters get it (a spool file, a command's standard input).
    var json: String {
        var members: [(String, JSONValue)] = [
            ("id", .number(String(id))), ("idempotency_key", .string(idempotencyKey)), ("kind", .string(kind)), ("channel", .string(channel)),
            ("text", .string(text)), ("operator", .string(operatorHandle)), ("created_at", .string(RFC3339.string(fromMilliseconds: createdAt))),
        ]
        if let account { members.append(("account", .string(account))) }
        if let conversationID { members.append(("conversation", .number(String(conversationID)))) }
        if let inReplyTo { members.append(("in_reply_to", .string(inReplyTo))) }
        return JSONWriter.object(members)
    }
}
