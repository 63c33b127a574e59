import Foundation
import GRDB

/// The cache: one SQLite file shared by every operator process on the host.
///
/// It owns the connection and the migrator. Other modules read through `read` and write only
/// through HeedCore's services (actions, imports, delivery, shifts, the clock); inside
/// HeedCore every write is one IMMEDIATE transaction (`write`), and a conversation's state
/// changes only through `ConversationChange`.
public final class AppDatabase: Sendable {
    private let writer: any DatabaseWriter
    /// Where the file is, or nil for an in-memory cache (tests).
    public let path: String?
    /// A shared lock on `CACHE-users.lock` while this process has the cache open, so that what
    /// would replace the file (rebuilding the demo) can tell it is in use.
    private let usersLock: Int32?
    /// How this process's connections wait for another's write lock, knocking meanwhile.
    private let knock: BusyKnock?

    /// Several processes share the file, so a writer waits for the lock instead of failing.
    public static let busyTimeout: TimeInterval = 5

    init(writer: any DatabaseWriter, path: String?, usersLock: Int32? = nil, knock: BusyKnock? = nil) throws {
        self.writer = writer
        self.path = path
        self.usersLock = usersLock
        self.knock = knock
        defer { knock?.stop() }
        try Self.migrate(writer, path: path ?? ":memory:")
    }

    deinit {
        if let usersLock { Foundation.close(usersLock) }
    }

    /// Whether any process has the cache at `path` open (a screen, `heed run`, a command).
    public static func inUse(path: String) -> Bool {
        let descriptor = Foundation.open(CacheSideFile.users.path(path), O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return false }
        defer { Foundation.close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return true }
        flock(descriptor, LOCK_UN)
        return false
    }

    /// Opens (creating if needed) the cache at `path`, upgrading an older schema.
    ///
    /// Pages are read with a read call each, not through a memory map: every mapped page a
    /// process touches counts as its memory (`heed queue` on 400,000 open conversations: 99 MB
    /// mapped, 45 MB not, in the same time), and since the clock's re-scoring reads only the
    /// conversations that are due, nothing on an operator's path reads the whole queue.
    /// `readers`: connections for reading at once (GRDB's default, 5, unless given): a long-running
    /// service reading little keeps fewer, each with its own page cache.
    public static func open(path: String, readers: Int? = nil) throws -> AppDatabase {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o770])
        } catch {
            throw HeedError("cannot create the cache folder \(folder): \(error.localizedDescription)", .cannotWrite)
        }
        try createTeamReadable(path)
        var configuration = Configuration()
        let knock = BusyKnock(cache: path)
        configuration.busyMode = .callback { tries in knock.wait(tries: tries) }
        if let readers { configuration.maximumReaderCount = readers }
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL")
            // The writer re-scores every open conversation as the clock moves: with SQLite's
            // 2 MB default its pages spill and it takes twice as long. Taken only as used.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -32768") }
        }
        let users = CacheSideFile.users.open(path)
        if users >= 0 { flock(users, LOCK_SH) }
        let pool: DatabasePool
        do {
            pool = try openPool(path, configuration)
        } catch {
            if users >= 0 { Foundation.close(users) }
            throw Self.openingError(error, path: path)
        }
        return try AppDatabase(writer: pool, path: path, usersLock: users >= 0 ? users : nil, knock: knock)
    }

    /// Switching a new cache to WAL can meet another process doing the same (a screen and
    /// `heed run` opening it together), and SQLite then answers "busy" without waiting: tried
    /// again for as long as the busy timeout allows.
    private static func openPool(_ path: String, _ configuration: Configuration) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(busyTimeout)
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                usleep(20_000)
            }
        }
    }

    private static func openingError(_ error: Error, path: String) -> HeedError {
        switch error {
        case let error as DatabaseError where error.resultCode == .SQLITE_NOTADB:
            HeedError("\(path) is not a heed cache (not an SQLite database)", .badData, hint: .otherCache)
        default:
            HeedError("cannot open the cache \(path): \(error)", .cannotWrite)
        }
    }

    /// A private in-memory cache with the real schema, for tests and benchmarks.
    public static func inMemory() throws -> AppDatabase {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA foreign_keys = ON") }
        return try AppDatabase(writer: try DatabaseQueue(configuration: configuration), path: nil)
    }

    /// A new cache file is readable and writable by its owner and group only, whatever the umask:
    /// it holds customers' messages. SQLite gives the -wal and -shm files the same mode.
    ///
    /// It is set up under another name and linked into place whole: a screen and `heed run`
    /// started together would otherwise find it empty, open it, and lock the one still setting
    /// it up out of its own new file.
    private static func createTeamReadable(_ path: String) throws {
        guard access(path, F_OK) != 0 else { return }
        let staging = path + ".new-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { for suffix in ["", "-wal", "-shm", "-journal"] { unlink(staging + suffix) } }
        let fd = Foundation.open(staging, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o660)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw HeedError("cannot create the cache \(path): \(reason)", .cannotWrite)
        }
        fchmod(fd, 0o660)
        Foundation.close(fd)
        // A new cache gives the pages retention frees back to the disk (`shrink`): SQLite takes
        // that only before the file is first written, WAL mode included.
        do {
            let queue = try DatabaseQueue(path: staging)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL") }
            try queue.close()
        } catch {
            throw HeedError("cannot create the cache \(path): \(error)", .cannotWrite)
        }
        // Whoever links first made the cache; the others open theirs.
        if link(staging, path) != 0 && errno != EEXIST {
            let reason = String(cString: strerror(errno))
            throw HeedError("cannot create the cache \(path): \(reason)", .cannotWrite)
        }
    }

    private static func migrate(_ writer: any DatabaseWriter, path: String) throws {
        let migrator = Schema.migrator
        let superseded: Bool
        do {
            superseded = try writer.read { db in try migrator.hasBeenSuperseded(db) }
        } catch {
            throw HeedError("\(path) is not a heed cache (or is damaged): \(error)", .badData)
        }
        if superseded {
            throw HeedError(
                "the cache \(path) was written by a newer heed (its schema has migrations this heed does not know); "
                    + "upgrade heed", .badData)
        }
        do {
            // Two processes opening a new or older cache at once (a screen and `heed run`) would
            // each run the migrations they found missing: they take turns on a file lock, and
            // the second finds nothing left to do.
            try migrationLock(path) {
                guard try writer.read({ db in try !migrator.hasCompletedMigrations(db) }) else { return }
                try migrator.migrate(writer)
            }
            if try writer.read(FullTextIndex.isBehind) { try writer.write(FullTextIndex.catchUp) }
        } catch {
            throw HeedError("cannot upgrade the cache \(path): \(error)", .badData)
        }
    }

    private static func migrationLock(_ path: String, _ body: () throws -> Void) throws {
        guard path != ":memory:" else { return try body() }
        let descriptor = CacheSideFile.migrate.open(path)
        guard descriptor >= 0 else { return try body() }
        defer { Foundation.close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        try body()
    }

    /// Reads in a snapshot of the cache; a write inside it is refused.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.read(body)
    }

    /// Starts `body` on a reader of its own, in a snapshot of what is committed now, and returns
    /// at once, for work that reads while this thread goes on writing; nil for a cache in memory,
    /// which cannot read beside its writer. Call it outside any transaction.
    func readAhead<T>(_ body: @escaping (Database) throws -> T) throws -> ReadAhead<T>? {
        guard let pool = writer as? DatabasePool else { return nil }
        let ahead = ReadAhead<T>()
        let handed = Handed(body)
        try writeWithoutTransaction { _ in
            pool.asyncConcurrentRead { db in
                let body = handed.take()
                ahead.finish(Result { try body(try db.get()) })
            }
        }
        return ahead
    }

    /// A reader that sees the cache as of this moment in every read, for a copy read in steps
    /// while others keep writing.
    func frozen() throws -> any DatabaseReader {
        guard let pool = writer as? DatabasePool else { return writer }
        return try pool.makeSnapshot()
    }

    /// One IMMEDIATE write transaction: committed when `body` returns, rolled back when it throws.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try sayingWhyNot {
            try writer.write { db in
                knock?.stop()
                return try body(db)
            }
        }
    }

    /// One write transaction like `write`, for work that rewrites many rows (every open
    /// conversation re-scored, an import's transaction), with SQLite's statement journals in
    /// memory. A statement that fires a trigger and may abort has its changed pages journalled
    /// (the hottest no longer do: `ConversationScores`), and once one statement of the
    /// transaction passed 64 KB the journal became a file, written page by page for the rest of
    /// it (100,000 re-scored: 1.8 s instead of 0.7; an import a sixth longer). Set before the
    /// transaction begins, as SQLite reads it then.
    func writeManyRows<T>(_ body: (Database) throws -> T) throws -> T {
        try writeWithoutTransaction { db in
            let kept = try Int.fetchOne(db, sql: "PRAGMA temp_store") ?? 0
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            defer { try? db.execute(sql: "PRAGMA temp_store = \(kept)") }
            var result: T?
            try db.inTransaction(.immediate) {
                knock?.stop()
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// For work that opens its own transactions (an import commits batch by batch).
    func writeWithoutTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try sayingWhyNot { try writer.writeWithoutTransaction(body) }
    }

    /// SQLite's "database or disk is full" and "database is locked" said for what they mean,
    /// and that what was committed before is kept (the transaction that failed was rolled back
    /// whole, or never began).
    private func sayingWhyNot<T>(_ write: () throws -> T) throws -> T {
        // A write without a transaction of ours (a checkpoint) is in once it returns.
        defer { knock?.stop() }
        do {
            return try write()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw HeedError("disk full: the cache \(path ?? "in memory") could not be written; what was written before is kept — "
                            + "free some space and run it again", .diskFull)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            throw HeedError("the cache \(path ?? "in memory") is busy: another heed (a long import, most likely) has been writing it for more than "
                            + "\(Int(Self.busyTimeout)) s; nothing was changed — try again in a moment", .busy)
        }
    }

    /// A write the caller does not wait for (the screen must not freeze behind an import's
    /// lock); one that fails is dropped — its callers renew what it records.
    func writeInBackground(_ body: @escaping @Sendable (Database) throws -> Void) {
        writer.asyncWrite({ [knock] db in
            knock?.stop()
            try body(db)
        }, completion: { [knock] _, _ in knock?.stop() })
    }

    /// A consistent copy of the cache in a new file, taken while others keep working.
    public func copy(to path: String) throws {
        try writer.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
    }

    /// Gives free pages back to the disk, a few at a time so that no writer waits long (a cache
    /// made before heed set `auto_vacuum` has none to give: it needs one `VACUUM`). Returns how
    /// many pages went.
    @discardableResult
    func shrink(step: Int = 512) throws -> Int {
        var freed = 0
        while true {
            let pages = try sayingWhyNot {
                try writer.writeWithoutTransaction { db -> Int in
                    let before = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                    try db.execute(sql: "PRAGMA incremental_vacuum(\(step))")
                    return before - (try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0)
                }
            }
            guard pages > 0 else { return freed }
            freed += pages
        }
    }

    /// Closes the connections; the object must not be used after.
    public func close() throws {
        try writer.close()
        if let usersLock { flock(usersLock, LOCK_UN) }
    }

    /// A cheap "has anything changed?" probe: SQLite's data_version on a connection of its own
    /// (the value is only comparable on one connection), which sees every process's commits.
    public func changeWatcher() throws -> @Sendable () throws -> Int {
        guard let path else {
            let writer = self.writer
            return { try writer.read { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 } }
        }
        let watcher = try ChangeWatcher(path: path)
        return { try watcher.version() }
    }

    /// The names of the migrations a fresh cache runs, oldest first.
    public static var migrationNames: [String] { Schema.migrator.migrations }
}
