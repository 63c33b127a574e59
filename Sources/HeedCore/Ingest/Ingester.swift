import Foundation
import GRDB

/// Imports files of heed's JSON Lines format into the cache.
///
/// Streams each file (memory does not grow with its size) and commits every `batchSize`
/// lines in one transaction together with the position reached, so that a killed import
/// leaves a consistent cache and the same command resumes where it stopped.
public final class Ingester {
    private let database: AppDatabase
    private let config: Config
    private let clock: any Clock
    /// Lines per transaction. Larger batches mean fewer full-text segments to merge and fewer
    /// commits; 50,000 keeps an import's memory under 140 MB (measured in docs/performance.md),
    /// and a killed import redoes at most one batch.
    public static let defaultBatchSize = 50_000
    public var batchSize = defaultBatchSize
    /// Called for each rejected line, as soon as it is found, with the line's raw bytes.
    public var onReject: ((Rejection, [UInt8]?) -> Void)?
    /// Called after each committed batch with the mentions it stored new (the after-ingest hook).
    public var afterBatch: (([IncomingMention]) -> Void)?
    /// Asked after each committed batch: true stops the import there (it resumes from that
    /// batch when run again), as `--watch` does on SIGINT or SIGTERM.
    public var shouldStop: (() -> Bool)?

    /// Whether the connection's page cache was set (once per ingester, not per file).
    private var prepared = false

    public init(database: AppDatabase, config: Config, clock: any Clock = SystemClock()) {
        self.database = database
        self.config = config
        self.clock = clock
    }

    /// Imports the file at `path` ("-" for standard input) in `format`, or the format its
    /// content shows when nil.
    public func ingest(path: String, format: (any MentionFormat)? = nil) throws -> IngestReport {
        if path == "-" { return try ingest(fd: 0, source: "-", resumable: false, format: format) }
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw HeedError("\(path): cannot read: \(String(cString: strerror(errno)))", exitCode: ExitStatus.noInput)
        }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw HeedError("\(path): is a folder, not a file", exitCode: ExitStatus.noInput)
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return try ingest(fd: fd, source: absolute, resumable: (info.st_mode & S_IFMT) == S_IFREG, format: format)
    }

    private func ingest(fd: Int32, source: String, resumable: Bool, format: (any MentionFormat)?) throws -> IngestReport {
        try prepareConnection()
        var report = IngestReport(source: source)
        let now = clock.now()
        let upsert = MentionUpsert(config: config, now: now)
        var start: (offset: Int64, line: Int) = (0, 1)
        var fingerprint = ""
        if resumable {
            fingerprint = try Self.fingerprint(fd: fd)
            let saved = try database.writer.read { db in
                try Row.fetchOne(db, sql: "SELECT fingerprint, byte_offset, line FROM import_position WHERE source = ?", arguments: [source])
            }
            if let saved, saved["fingerprint"] as String == fingerprint {
                start = (saved["byte_offset"], (saved["line"] as Int) + 1)
                report.resumedAtLine = start.line - 1
            }
            guard lseek(fd, off_t(start.offset), SEEK_SET) == off_t(start.offset) else {
                throw HeedError("\(source): cannot seek in the file", exitCode: ExitStatus.noInput)
            }
        }
        let chunks = ParsedChunks(fd: fd, offset: start.offset, firstLine: start.line, source: source, format: format,
                                   context: FormatContext(config: config))
        defer { chunks.cancel() }
        var finished = false
        while !finished {
            if shouldStop?() == true {
                report.interrupted = true
                break
            }
            var batchReport = IngestReport(source: source)
            var position = (offset: start.offset, line: start.line - 1)
            var fresh: [IncomingMention] = []
            try database.writer.write { db in
                try upsert.begin(db)
                defer { upsert.end() }
                var lines = 0
                while lines < batchSize && !finished {
                    let chunk = try chunks.next()
                    finished = chunk.isLast
                    lines += chunk.items.count
                    batchReport.format = chunk.format
                    position = (chunk.nextOffset, chunk.lastLine)
                    for item in chunk.items {
                        switch item {
                        case .mention(let mention):
                            let outcome = try upsert.store(mention, in: db)
                            self.count(outcome, into: &batchReport)
                            if outcome == .new && afterBatch != nil { fresh.append(mention) }
                        case .rejected(let rejection, let raw): reject(rejection, raw, &batchReport)
                        case .blank: break
                        }
                    }
                }
                try upsert.finishBatch(in: db)
                // The import's event goes in with its last batch: one commit less per file.
                if finished { try self.logIngest(report.adding(batchReport), in: db) }
                guard resumable else { return }
                // The position is committed with the rows it covers: a killed import resumes exactly here.
                if finished {
                    try db.execute(sql: "DELETE FROM import_position WHERE source = ?", arguments: [source])
                } else {
                    try db.execute(sql: """
                        INSERT INTO import_position (source, fingerprint, byte_offset, line, updated_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (source) DO UPDATE SET fingerprint = excluded.fingerprint, byte_offset = excluded.byte_offset,
                            line = excluded.line, updated_at = excluded.updated_at
                        """, arguments: [source, fingerprint, position.offset, position.line, now])
                }
            }
            report += batchReport
            report.format = batchReport.format ?? report.format
            if !fresh.isEmpty { afterBatch?(fresh) }
        }
        if report.interrupted { try logIngest(report) }
        return report
    }

    /// Imports mentions made in memory (the demo, connectors built into heed), in the same batches.
    public func ingest<S: Sequence<IncomingMention>>(mentions: S, source: String) throws -> IngestReport {
        try prepareConnection()
        var report = IngestReport(source: source)
        let upsert = MentionUpsert(config: config, now: clock.now())
        var iterator = mentions.makeIterator()
        var finished = false
        while !finished {
            try database.writer.write { db in
                try upsert.begin(db)
                defer { upsert.end() }
                for _ in 0..<batchSize {
                    guard let mention = iterator.next() else {
                        finished = true
                        break
                    }
                    count(try upsert.store(mention, in: db), into: &report)
                }
                try upsert.finishBatch(in: db)
            }
        }
        try logIngest(report)
        return report
    }

    /// A batch touches pages of several indexes and the full-text index all over the file; with
    /// SQLite's default 2 MB cache it spills them to the WAL again and again. 64 MB keeps a batch
    /// in memory (and is only taken as used).
    private func prepareConnection() throws {
        guard !prepared else { return }
        prepared = true
        try database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKibibytes)")
        }
    }

    static let cacheKibibytes = 65_536

    private func count(_ outcome: MentionUpsert.Outcome, into report: inout IngestReport) {
        switch outcome {
        case .new: report.new += 1
        case .updated: report.updated += 1
        case .unchanged: report.unchanged += 1
        }
    }

    private func logIngest(_ report: IngestReport) throws {
        guard report.total > 0 else { return }
        try database.writer.write { db in try logIngest(report, in: db) }
    }

    private func logIngest(_ report: IngestReport, in db: Database) throws {
        guard report.total > 0 else { return }
        try EventLog.append(db, at: clock.now(), operator: EventLog.ingestOperator, kind: "ingest", conversation: nil,
                            subject: report.source, before: nil,
                            after: "{\"new\":\(report.new),\"updated\":\(report.updated),\"unchanged\":\(report.unchanged),\"rejected\":\(report.rejected)}")
    }

    private func reject(_ rejection: Rejection, _ raw: [UInt8]?, _ report: inout IngestReport) {
        report.rejected += 1
        onReject?(rejection, raw)
    }

    /// Identifies a file's content cheaply (its first 64 KiB), so a resumed import is the same file.
    static func fingerprint(fd: Int32) throws -> String {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        guard count >= 0 else { throw HeedError("cannot read: \(String(cString: strerror(errno)))", exitCode: ExitStatus.noInput) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in buffer[0..<count] {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return "\(count):\(String(hash, radix: 16))"
    }
}
