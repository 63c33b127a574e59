import Dispatch
import Foundation

/// How far a long import has got, for a progress line: moved on by the import as it reads
/// (cheap, under a lock), read a few times a second by whatever shows it.
public final class IngestProgress: @unchecked Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var records: Int
        public var bytes: Int64
        /// The files' sizes together; nil when one is read from standard input.
        public var totalBytes: Int64?
        /// Known when the records are made, not read (the demo).
        public var totalRecords: Int?
        public var seconds: Double
        /// What the import is doing besides reading, when it is: `scoring` a batch.
        public var step: String?

        public init(records: Int, bytes: Int64 = 0, totalBytes: Int64? = nil, totalRecords: Int? = nil, seconds: Double, step: String? = nil) {
            (self.records, self.bytes, self.totalBytes, self.totalRecords, self.seconds, self.step) = (records, bytes, totalBytes, totalRecords, seconds, step)
        }

        public var rate: Double { seconds > 0 ? Double(records) / seconds : 0 }

        /// The share done, when the whole is known.
        public var fraction: Double? {
            if let totalRecords, totalRecords > 0 { return min(1, Double(records) / Double(totalRecords)) }
            if let totalBytes, totalBytes > 0 { return min(1, Double(bytes) / Double(totalBytes)) }
            return nil
        }

        /// Seconds left at the pace so far; nil until there is a pace to go by.
        public var secondsLeft: Double? {
            guard let fraction, fraction >= 0.01, seconds >= 1 else { return nil }
            return seconds * (1 - fraction) / fraction
        }

        /// `1,234,567 records · 15,300/s · 412 MB of 1.2 GB (34%) · 1m 12s left`, cut to `width`.
        public func line(width: Int) -> String {
            let percent = fraction.map { " (\(Int(($0 * 100).rounded(.down)))%)" } ?? ""
            var parts = ["\(Self.grouped(records)) records", "\(Self.grouped(Int(rate.rounded())))/s"]
            if let totalRecords {
                parts[0] = "\(Self.grouped(records)) of \(Self.grouped(totalRecords)) records" + percent
            } else if let totalBytes {
                parts.append("\(Self.size(bytes)) of \(Self.size(totalBytes))" + percent)
            } else if bytes > 0 {
                parts.append(Self.size(bytes))
            }
            if let left = secondsLeft, step == nil || left >= 1 { parts.append(Self.duration(left) + " left") }
            if let step { parts.append(step + "…") }
            let text = parts.joined(separator: " · ")
            return text.count <= width ? text : String(text.prefix(max(0, width)))
        }

        /// One JSON object, for scripts.
        public var json: String {
            var members: [(String, JSONValue)] = [("records", .number(String(records))), ("rate", .number(String(Int(rate.rounded())))),
                                                 ("bytes", .number(String(bytes))), ("seconds", .number(String(format: "%.1f", seconds)))]
            if let totalBytes { members.append(("total_bytes", .number(String(totalBytes)))) }
            if let totalRecords { members.append(("total_records", .number(String(totalRecords)))) }
            if let left = secondsLeft { members.append(("seconds_left", .number(String(Int(left.rounded()))))) }
            if let step { members.append(("step", .string(step))) }
            return JSONWriter.object(members)
        }

        static func grouped(_ n: Int) -> String {
            let digits = String(n)
            var out = ""
            for (index, c) in digits.enumerated() {
                if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
                out.append(c)
            }
            return out
        }

        public static func size(_ bytes: Int64) -> String {
            let value = Double(bytes)
            if value >= 1e9 { return String(format: "%.1f GB", value / 1e9) }
            if value >= 1e6 { return String(format: "%.0f MB", value / 1e6) }
            if value >= 1e3 { return String(format: "%.0f kB", value / 1e3) }
            return "\(bytes) B"
        }

        static func duration(_ seconds: Double) -> String {
            let whole = Int(seconds.rounded())
            if whole >= 3600 { return "\(whole / 3600)h \(whole % 3600 / 60)m" }
            if whole >= 60 { return "\(whole / 60)m \(whole % 60)s" }
            return "\(whole)s"
        }
    }

    private let lock = NSLock()
    private var records = 0
    private var offsets: [String: Int64] = [:]
    private var step: String?
    private let totalBytes: Int64?
    private var totalRecords: Int?
    private let started = DispatchTime.now()

    public init(totalBytes: Int64? = nil, totalRecords: Int? = nil) {
        (self.totalBytes, self.totalRecords) = (totalBytes, totalRecords)
    }

    /// For files about to be imported: their sizes together (unknown for standard input).
    public static func files(_ paths: [String]) -> IngestProgress {
        var total: Int64 = 0
        for path in paths {
            var info = stat()
            guard path != "-", stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return IngestProgress() }
            total += Int64(info.st_size)
        }
        return IngestProgress(totalBytes: total)
    }

    /// `count` more records read, `file` read up to `offset`.
    func advance(_ count: Int, file: String? = nil, offset: Int64 = 0) {
        lock.withLock {
            records += count
            if let file { offsets[file] = offset }
        }
    }

    /// The records to expect, once counted (a copy counts its tables before it starts).
    func expect(_ total: Int) {
        lock.withLock { totalRecords = total }
    }

    /// What the import does now besides reading (nil: reading).
    func doing(_ step: String?) {
        lock.withLock { self.step = step }
    }

    public func snapshot() -> Snapshot {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return lock.withLock {
            Snapshot(records: records, bytes: offsets.values.reduce(0, +), totalBytes: totalBytes, totalRecords: totalRecords, seconds: seconds, step: step)
        }
    }
}
