import Foundation
import GRDB

/// Backups of the cache taken while everyone keeps working, and the way back from one.
///
/// A backup is SQLite's `VACUUM INTO` on a read-only connection of its own: one read
/// transaction, so the copy is the cache as of one moment (never half an action or half an
/// import batch), and neither operators nor `heed run` wait for it. The copy is written under a
/// temporary name, checked (`integrity_check`, a heed schema this heed can read, what it holds)
/// and only then given its name — a backup file that exists is a whole, checked one.
public enum Backup {
    /// What `heed run`'s scheduled backups are named: `cache-backup-20261203T224001Z.sqlite`,
    /// so that keeping the newest N never touches another file in the folder.
    static let scheduledInfix = "-backup-"
    static let scheduledExtension = ".sqlite"

    /// Copies the cache of `database` to `file`, which must not exist, with the cache's mode and
    /// group; logs who took it. Returns what the copy holds, read back from the copy.
    public static func take(_ database: AppDatabase, to file: String, by actor: String, now: Int64) throws -> BackupContents {
        guard let cache = database.path else { throw HeedError("an in-memory cache has no file to back up", .refused) }
        let target = absolute(file)
        guard !exists(target) else {
            throw HeedError("\(file) exists: a backup is never written over a file — name a new one", .cannotWrite)
        }
        let temporary = sibling(target, "partial")
        var contents: BackupContents
        do {
            try createEmpty(temporary, like: cache, otherwise: 0o600)
            try copy(cache, into: temporary, failure: { "cannot back up \(cache) to \(file): \($0)" })
            contents = try inspect(temporary, named: file)
            try place(temporary, at: target)
        } catch {
            unlink(temporary)
            throw error
        }
        contents.file = target
        let logged = contents
        _ = try database.write { db in
            try EventLog.append(db, at: now, by: actor, kind: .backup, subject: target, after: logged.json)
        }
        return contents
    }

    /// Checks a backup file and says what it holds, without changing it.
    public static func check(_ file: String) throws -> BackupContents {
        guard exists(file) else { throw HeedError("no file \(file)", .unreadable) }
        let temporary = NSTemporaryDirectory() + "/heed-check-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sqlite"
        defer { unlink(temporary) }
        // A copy of customers' messages in a shared folder: the owner's alone, for the moments it lives.
        try createEmpty(temporary, like: nil, otherwise: 0o600)
        try copy(file, into: temporary, failure: { "\(file) is not a heed backup: \($0)" })
        var contents = try inspect(temporary, named: file)
        contents.file = absolute(file)
        contents.bytes = size(file)
        return contents
    }

    /// What a restore did.
    public struct Restored: Sendable {
        public var contents: BackupContents
        /// Where the cache it replaced was put, whole; nil when there was none.
        public var replaced: String?
        /// Posts the backup held as queued or sending, left for a person to check.
        public var leftForChecking: Int
    }

    /// Makes the backup `file` the cache at `cache`, refusing while any process has the cache
    /// open. The cache it replaces is kept beside it (`CACHE.replaced-20261203T224001Z`) with
    /// its WAL, whole, until someone deletes it.
    ///
    /// A post the backup holds as queued or sending may have gone out after the backup was
    /// taken, and nothing in the restored cache can tell: each is left `checking`, for a person
    /// to retry or cancel, rather than sent a second time.
    public static func restore(from file: String, into cache: String, by actor: String, now: Int64) throws -> Restored {
        guard exists(file) else { throw HeedError("no file \(file)", .unreadable) }
        let folder = (cache as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o770])
        // Whoever opens the cache meanwhile waits until the restored one is in place.
        let (copied, replaced) = try alone(cache) { () -> (BackupContents, String?) in
            let temporary = sibling(absolute(cache), "restoring")
            do {
                try createEmpty(temporary, like: exists(cache) ? cache : nil, otherwise: 0o660)
                try copy(file, into: temporary, failure: { "\(file) is not a heed backup: \($0)" })
                let contents = try inspect(temporary, named: file)
                var replaced: String?
                if exists(cache) {
                    let aside = absolute(cache) + ".replaced-" + stamp(now)
                    try move(cache, to: aside)
                    if exists(cache + "-wal") { try move(cache + "-wal", to: aside + "-wal") }
                    unlink(cache + "-shm")
                    replaced = aside
                }
                try move(temporary, to: cache)
                return (contents, replaced)
            } catch {
                unlink(temporary)
                throw error
            }
        }
        var contents = copied
        contents.file = absolute(file)
        contents.bytes = size(file)
        // Opened as every heed opens it: an older backup's schema is brought up to date here.
        let database = try AppDatabase.open(path: cache)
        defer { try? database.close() }
        let logged = contents, aside = replaced
        let checking = try database.write { db -> Int in
            try db.execute(sql: """
                UPDATE outbox SET state = 'checking',
                       last_error = 'restored from a backup: it may have gone out after the backup was taken — check on the channel, then retry or cancel the post'
                WHERE state IN ('queued', 'sending')
                """)
            let checking = db.changesCount
            try EventLog.append(db, at: now, by: actor, kind: .restore, subject: logged.file,
                                after: JSONWriter.object([("replaced", aside.map { .string($0) } ?? .null),
                                                          ("posts_left_for_checking", .number(String(checking)))]))
            return checking
        }
        return Restored(contents: contents, replaced: replaced, leftForChecking: checking)
    }

    /// What `vacuum` did.
    public struct Vacuumed: Sendable, Equatable {
        public var bytesBefore: Int64
        public var bytesAfter: Int64
    }

    /// Rewrites the cache whole (`VACUUM`), giving back to the disk every page retention and
    /// erasure only emptied in part, and making a cache an older heed created able to give pages
    /// back as it goes (`auto_vacuum`); refused while any process has the cache open.
    public static func vacuum(_ cache: String, by actor: String, now: Int64) throws -> Vacuumed {
        guard exists(cache) else { throw HeedError("no cache at \(cache)", .unreadable, hint: .otherCache) }
        let before = size(cache) + size(cache + "-wal")
        try alone(cache) {
            do {
                let queue = try DatabaseQueue(path: cache)
                defer { try? queue.close() }
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL; VACUUM")
                    _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
                throw HeedError("disk full: vacuuming \(cache) needs about its size again free; nothing was changed", .diskFull)
            }
        }
        let after = size(cache) + size(cache + "-wal")
        let database = try AppDatabase.open(path: cache)
        defer { try? database.close() }
        _ = try database.write { db in
            try EventLog.append(db, at: now, by: actor, kind: .vacuum,
                                after: JSONWriter.object([("bytes_before", .number(String(before))), ("bytes_after", .number(String(after)))]))
        }
        return Vacuumed(bytesBefore: before, bytesAfter: after)
    }

    /// Runs `body` holding the users' lock exclusively: nobody has the cache open meanwhile, and
    /// whoever opens it waits until `body` is done.
    private static func alone<T>(_ cache: String, _ body: () throws -> T) throws -> T {
        let users = CacheSideFile.users.open(cache)
        guard users >= 0 else { throw HeedError("cannot open \(CacheSideFile.users.path(cache)): \(String(cString: strerror(errno)))", .cannotWrite) }
        defer { close(users) }
        guard flock(users, LOCK_EX | LOCK_NB) == 0 else { throw inUse(cache) }
        return try body()
    }

    // MARK: Scheduled backups

    /// The name of a scheduled backup of `cache` taken at `now`.
    static func scheduledName(cache: String, at now: Int64) -> String {
        stem(cache) + scheduledInfix + stamp(now) + scheduledExtension
    }

    /// `heed run`'s backups of `cache` in `folder`, oldest first, with when each was taken (read
    /// from its name, which nothing else in the folder has).
    static func scheduled(in folder: String, cache: String) -> [(path: String, takenAt: Int64)] {
        let prefix = stem(cache) + scheduledInfix
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name -> (String, Int64)? in
            guard name.hasPrefix(prefix), name.hasSuffix(scheduledExtension),
                  let at = parseStamp(String(name.dropFirst(prefix.count).dropLast(scheduledExtension.count))) else { return nil }
            return (folder + "/" + name, at)
        }.sorted { $0.1 < $1.1 }
    }

    // MARK: Files

    private static func stem(_ cache: String) -> String {
        let name = (cache as NSString).lastPathComponent
        let ext = (name as NSString).pathExtension
        return ext.isEmpty ? name : String(name.dropLast(ext.count + 1))
    }

    /// `20261203T224001Z`: sorts as time does, and means the same in every zone.
    static func stamp(_ milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    static func parseStamp(_ text: String) -> Int64? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970 * 1000) }
    }

    private static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// A name beside `path` for a file being made, unique to this process.
    static func sibling(_ path: String, _ what: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(what)-\(getpid())").path
    }

    /// Whether anything is at `path`, a dangling link included.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    private static func size(_ path: String) -> Int64 {
        var status = stat()
        return stat(path, &status) == 0 ? Int64(status.st_size) : 0
    }

    /// An empty file to copy into (SQLite's `VACUUM INTO` accepts one), with the cache's group
    /// and mode (else `mode`), so that a backup is as private as the cache it copies, whatever the
    /// umask.
    private static func createEmpty(_ path: String, like cache: String?, otherwise mode: mode_t) throws {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HeedError("cannot create \(path): \(String(cString: strerror(errno)))", .cannotWrite) }
        defer { close(fd) }
        var cacheStatus = stat()
        if let cache, stat(cache, &cacheStatus) == 0 {
            _ = fchown(fd, uid_t.max, cacheStatus.st_gid)
            fchmod(fd, (cacheStatus.st_mode & 0o660) | 0o600)
        } else {
            fchmod(fd, mode)
        }
    }

    /// `VACUUM INTO` from a read-only connection of its own: a snapshot, without this process's
    /// writer (delivery, the clock in `heed run`) waiting on it.
    private static func copy(_ source: String, into target: String, failure: (String) -> String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(AppDatabase.busyTimeout)
        do {
            let queue = try DatabaseQueue(path: source, configuration: configuration)
            defer { try? queue.close() }
            try queue.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [target]) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw HeedError(failure("the disk is full"), .diskFull)
        } catch let error as DatabaseError {
            throw HeedError(failure(error.message ?? "\(error.resultCode)"), .badData)
        }
        // The copy is on disk before it gets a name that says it is a backup.
        let fd = open(target, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    /// Reads a copy back: whole (`integrity_check`), a heed cache this heed can open, and what it holds.
    private static func inspect(_ path: String, named name: String) throws -> BackupContents {
        do {
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            return try queue.inDatabase { db in
                // One self-contained file, whatever the cache's journal.
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check(20)")
                guard problems == ["ok"] else {
                    throw HeedError("\(name) is damaged: " + problems.prefix(3).joined(separator: "; "), .badData)
                }
                guard try db.tableExists("grdb_migrations"), try db.tableExists("mention") else {
                    throw HeedError("\(name) is an SQLite database but not a heed cache", .badData)
                }
                if try Schema.migrator.hasBeenSuperseded(db) {
                    throw HeedError("\(name) was written by a newer heed (its schema has migrations this heed does not know); upgrade heed", .badData)
                }
                return try BackupContents.read(db, file: name, bytes: size(path))
            }
        } catch let error as DatabaseError {
            throw HeedError("\(name) is not a heed backup: \(error.message ?? "\(error.resultCode)")", .badData)
        }
    }

    /// Gives the finished copy its name, never over a file that appeared there meanwhile.
    static func place(_ temporary: String, at target: String) throws {
        if link(temporary, target) == 0 {
            unlink(temporary)
            return
        }
        if errno == EEXIST { throw HeedError("\(target) appeared while the copy was written: it was left alone", .cannotWrite) }
        // A file system without hard links: a rename, after looking once more.
        guard !exists(target) else { throw HeedError("\(target) appeared while the copy was written: it was left alone", .cannotWrite) }
        try move(temporary, to: target)
    }

    private static func move(_ source: String, to target: String) throws {
        guard rename(source, target) == 0 else {
            throw HeedError("cannot rename \(source) to \(target): \(String(cString: strerror(errno)))", .cannotWrite)
        }
    }

    private static func inUse(_ cache: String) -> HeedError {
        let run = RunLock.running(cache: cache)
        let who = run.running ? "heed run" + (run.holder.map { " (\($0))" } ?? "") + " has it open" : "a screen or a command has it open"
        return HeedError("the cache \(cache) is in use (\(who)): stop everyone using it and run it again — nothing was changed", .conflict)
    }
}

/// What a backup holds, counted in the copy itself.
public struct BackupContents: Sendable, Equatable {
    public var file: String
    public var bytes: Int64
    public var mentions: Int
    public var conversations: Int
    public var openConversations: Int
    public var contacts: Int
    public var events: Int
    /// Posts queued or on their way: a restore sends them again only if they never left.
    public var unsentPosts: Int
    /// The newest event's time: about the moment the copy shows.
    public var lastEventAt: Int64?

    static func read(_ db: Database, file: String, bytes: Int64) throws -> BackupContents {
        func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
        return BackupContents(
            file: file, bytes: bytes,
            mentions: try count("SELECT count(*) FROM mention"),
            conversations: try count("SELECT count(*) FROM conversation"),
            openConversations: try count("SELECT count(*) FROM conversation WHERE status = 'open'"),
            contacts: try count("SELECT count(*) FROM contact"),
            events: try count("SELECT count(*) FROM event"),
            unsentPosts: try count("SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending', 'checking')"),
            lastEventAt: try Int64.fetchOne(db, sql: "SELECT max(at) FROM event"))
    }

    /// Two lines for people: the counts, then the size and the moment.
    public func lines(timeZone: String) -> [String] {
        let grouped = IngestProgress.Snapshot.grouped
        return [
            "\(grouped(mentions)) mentions in \(grouped(conversations)) conversations (\(grouped(openConversations)) open), "
                + "\(grouped(contacts)) customers, \(grouped(unsentPosts)) posts not yet sent",
            "\(grouped(events)) events" + (lastEventAt.map { ", the last at " + ShiftClock.stamp($0, timeZone: timeZone) } ?? "")
                + "; \(IngestProgress.Snapshot.size(bytes)), integrity checked",
        ]
    }

    var json: String {
        JSONWriter.object([
            ("bytes", .number(String(bytes))), ("mentions", .number(String(mentions))), ("conversations", .number(String(conversations))),
            ("open", .number(String(openConversations))), ("contacts", .number(String(contacts))), ("events", .number(String(events))),
            ("unsent_posts", .number(String(unsentPosts))),
        ])
    }
}
