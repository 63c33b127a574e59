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
    public var batchSize = 5_000
    /// Called for each rejected line, as soon as it is found, with the line's raw bytes.
    public var onReject: ((Rejection, UnsafeBufferPointer<UInt8>?) -> Void)?

    public init(database: AppDatabase, config: Config, clock: any Clock = SystemClock()) {
        self.database = database
        self.config = config
        self.clock = clock
    }

    /// Imports the file at `path` ("-" for standard input).
    public func ingest(path: String) throws -> IngestReport {
        if path == "-" { return try ingest(fd: 0, source: "-", resumable: false) }
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
        return try ingest(fd: fd, source: absolute, resumable: (info.st_mode & S_IFMT) == S_IFREG)
    }

    private func ingest(fd: Int32, source: String, resumable: Bool) throws -> IngestReport {
        var report = IngestReport(source: source)
        let now = clock.now()
        let upsert = MentionUpsert(config: config, now: now)
        var reader = LineReader(fd: fd)
        var fingerprint = ""
        if resumable {
            fingerprint = try Self.fingerprint(fd: fd)
            let saved = try database.writer.read { db in
                try Row.fetchOne(db, sql: "SELECT fingerprint, byte_offset, line FROM import_position WHERE source = ?", arguments: [source])
            }
            if let saved, saved["fingerprint"] as String == fingerprint {
                let offset: Int64 = saved["byte_offset"]
                let line: Int = saved["line"]
                if lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) {
                    reader = LineReader(fd: fd, offset: offset, firstLine: line + 1)
                    report.resumedAtLine = line
                }
            } else if lseek(fd, 0, SEEK_SET) != 0 {
                throw HeedError("\(source): cannot rewind the file", exitCode: ExitStatus.noInput)
            }
        }
        let isKnownChannel = config.isKnownChannel
        var finished = false
        while !finished {
            var batchReport = IngestReport(source: source)
            var position: (offset: Int64, line: Int)?
            try database.writer.write { db in
                var count = 0
                while count < batchSize {
                    let more = try reader.next { line -> Void in
                        switch line {
                        case .tooLong(let number, let next):
                            reject(Rejection(line: number, field: nil, reason: "line longer than \(LineReader.maximumLineBytes) bytes"), nil, &batchReport)
                            position = (next, number)
                        case .text(let bytes, let number, let next):
                            position = (next, number)
                            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
                            switch HeedJSONLines.parse(line: bytes, number: number, isKnownChannel: isKnownChannel) {
                            case .failure(let rejection):
                                reject(rejection, bytes, &batchReport)
                            case .success(let mention):
                                self.count(try upsert.store(mention, in: db), into: &batchReport)
                            }
                        }
                    }
                    if more == nil { finished = true; break }
                    count += 1
                }
                try upsert.finishBatch(in: db)
                if resumable, let position {
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
            }
            report += batchReport
        }
        try logIngest(report)
        return report
    }

    /// Imports mentions made in memory (the demo, connectors built into heed), in the same batches.
    public func ingest<S: Sequence<IncomingMention>>(mentions: S, source: String) throws -> IngestReport {
        var report = IngestReport(source: source)
        let upsert = MentionUpsert(config: config, now: clock.now())
        var iterator = mentions.makeIterator()
        var finished = false
        while !finished {
            try database.writer.write { db in
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

    private func count(_ outcome: MentionUpsert.Outcome, into report: inout IngestReport) {
        switch outcome {
        case .new: report.new += 1
        case .updated: report.updated += 1
        case .unchanged: report.unchanged += 1
        }
    }

    private func logIngest(_ report: IngestReport) throws {
        guard report.total > 0 else { return }
        try database.writer.write { db in
            try EventLog.append(db, at: clock.now(), operator: EventLog.ingestOperator, kind: "ingest", conversation: nil,
                                subject: report.source, before: nil,
                                after: "{\"new\":\(report.new),\"updated\":\(report.updated),\"unchanged\":\(report.unchanged),\"rejected\":\(report.rejected)}")
        }
    }

    private func reject(_ rejection: Rejection, _ bytes: UnsafeBufferPointer<UInt8>?, _ report: inout IngestReport) {
        report.rejected += 1
        onReject?(rejection, bytes)
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
