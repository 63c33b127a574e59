import Crypto
import Foundation
import GRDB

/// The event log's hash chain. Each entry, as it is appended, gets `digest` — SHA-256 of its
/// text (subject, before, after) — and `chain` — SHA-256 of the previous entry's chain with its
/// own time, operator, uid, kind, conversation and digest. A redaction replaces an entry's text but
/// never its digest or chain, so the chain stays whole across it; an entry changed, removed or
/// slipped in by anything but heed breaks it where it happened. `verify` walks it.
enum AuditChain {
    /// The text of an entry, each field marked present or absent and length-prefixed, so that no
    /// two different entries hash alike.
    static func digest(subject: String?, before: String?, after: String?) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + (subject?.utf8.count ?? 0) + (before?.utf8.count ?? 0) + (after?.utf8.count ?? 0))
        for field in [subject, before, after] { append(field, to: &bytes) }
        return Array(Crypto.SHA256.hash(data: bytes))
    }

    static func link(previous: [UInt8]?, at: Int64, operator actor: String, uid: UInt32? = nil, kind: String, conversation: Int64?,
                     digest: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = previous ?? [UInt8](repeating: 0, count: 32)
        bytes.reserveCapacity(128 + actor.utf8.count)
        appendBigEndian(at, to: &bytes)
        append(actor, to: &bytes)
        // Absent from entries written before uids were kept, so that their links stay as they were.
        if let uid {
            bytes.append(2)
            appendBigEndian(Int64(uid), to: &bytes)
        }
        append(kind, to: &bytes)
        if let conversation {
            bytes.append(1)
            appendBigEndian(conversation, to: &bytes)
        } else {
            bytes.append(0)
        }
        bytes += digest
        return Array(Crypto.SHA256.hash(data: bytes))
    }

    /// The chain of the newest entry, which the next one continues.
    static func head(_ db: Database) throws -> [UInt8]? {
        let read = try BoundStatement(db, "SELECT chain FROM event ORDER BY id DESC LIMIT 1")
        defer { read.reset() }
        return try read.step() ? read.blob(0) : nil
    }

    private static func append(_ field: String?, to bytes: inout [UInt8]) {
        guard let field else { return bytes.append(0) }
        bytes.append(1)
        appendBigEndian(Int64(field.utf8.count), to: &bytes)
        bytes += field.utf8
    }

    private static func appendBigEndian(_ n: Int64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: n >> shift)) }
    }

    /// Gives every entry without a hash its digest and chain, in order: entries an older heed wrote.
    static func chainUnhashed(_ db: Database) throws {
        var previous: [UInt8]?
        let rows = try Row.fetchCursor(db, sql: "SELECT id, at, operator, kind, conversation_id, subject, before, after, chain FROM event ORDER BY id")
        var updates: [(Int64, [UInt8], [UInt8])] = []
        while let row = try rows.next() {
            if let chain = row["chain"] as Data? {
                previous = [UInt8](chain)
                continue
            }
            let digest = digest(subject: row["subject"], before: row["before"], after: row["after"])
            let chain = link(previous: previous, at: row["at"], operator: row["operator"], kind: row["kind"], conversation: row["conversation_id"], digest: digest)
            updates.append((row["id"], digest, chain))
            previous = chain
        }
        let statement = try db.makeStatement(sql: "UPDATE event SET digest = ?, chain = ? WHERE id = ?")
        for (id, digest, chain) in updates { try statement.execute(arguments: [Data(digest), Data(chain), id]) }
    }

    /// Walks the whole log, in the cache or in its copy.
    static func verify(_ store: some StoreReader) throws -> AuditReport {
        var walk = AuditWalk()
        let rows = try store.rows("SELECT \(AuditEntry.columns) FROM event ORDER BY id", [])
        defer { rows.finish() }
        while try rows.step() {
            let record = EventRecord(id: rows.int64(0), at: rows.int64(1), actor: rows.text(2) ?? "",
                                     uid: rows.optionalInt64(3).map { UInt32(truncatingIfNeeded: $0) }, kind: rows.text(4) ?? "",
                                     conversationID: rows.optionalInt64(5), subject: rows.text(6), before: rows.text(7), after: rows.text(8))
            walk.add(AuditEntry(record: record, digest: rows.blob(9), chain: rows.blob(10)))
        }
        return walk.report
    }
}

/// One entry of the event log as the chain sees it, from whichever engine holds it: the record
/// and its two hashes.
struct AuditEntry {
    static let columns = "id, at, operator, uid, kind, conversation_id, subject, before, after, digest, chain"

    var record: EventRecord
    var digest: [UInt8]?
    var chain: [UInt8]?
}

/// The walk along the chain, an entry at a time, in the order of their ids.
struct AuditWalk {
    private(set) var problems = AuditReport()
    private var previous: [UInt8]?
    private var previousID: Int64?
    /// How many entries the redactions logged say they made tombstones of.
    private var recordedRedactions = 0
    /// The newest entry so far, its chain spelled out only for the report.
    private var head: (id: Int64, chain: [UInt8], at: Int64)?

    mutating func add(_ entry: AuditEntry) {
        let record = entry.record, id = record.id ?? 0
        problems.entries += 1
        if record.kind == EventKind.contactForget.rawValue || record.kind == EventKind.retention.rawValue,
           let after = record.after, let made = (try? JSONParser.parse(after))?["events_redacted"]?.int {
            recordedRedactions += made
        }
        guard let storedDigest = entry.digest, let storedChain = entry.chain else {
            problems.problem("entry \(id) has no hash: it was written by something other than heed")
            previousID = id
            return
        }
        if AuditChain.digest(subject: record.subject, before: record.before, after: record.after) != storedDigest {
            if Redaction.isRedactedEntry(before: record.before, after: record.after) {
                problems.redacted += 1
            } else {
                problems.problem("entry \(id) (\(record.kind) by \(record.actor)) was changed after it was written")
            }
        }
        let expected = AuditChain.link(previous: previous, at: record.at, operator: record.actor, uid: record.uid, kind: record.kind,
                                       conversation: record.conversationID, digest: storedDigest)
        if expected != storedChain {
            problems.problem("entry \(id) does not follow " + (previousID.map { "entry \($0)" } ?? "the start of the log")
                             + ": an entry between them was removed, or this one's time, operator, uid, kind or conversation changed")
        }
        previous = storedChain
        previousID = id
        head = (id, storedChain, record.at)
    }

    /// What the walk found. A tombstone written by hand would pass for a redaction: there may
    /// be no more of them than the redactions say they made.
    var report: AuditReport {
        var report = problems
        report.head = head.map { ($0.id, $0.chain.hex, $0.at) }
        if report.redacted > recordedRedactions {
            report.problem("\(report.redacted) entries hold a redaction's tombstone but the redactions logged made \(recordedRedactions)")
        }
        return report
    }
}

/// What `heed audit verify` found.
public struct AuditReport: Sendable, Equatable {
    public var entries = 0
    /// Entries whose text a redaction replaced (their hashes kept).
    public var redacted = 0
    /// The newest entry: its id, chain (hex) and time — to write down and compare later, for the
    /// one change a chain alone cannot show, entries removed from its end.
    public var head: (id: Int64, chain: String, at: Int64)?
    /// The first problems found, in the log's order.
    public var problems: [String] = []
    public var problemCount = 0

    mutating func problem(_ text: String) {
        problemCount += 1
        if problems.count < 20 { problems.append(text) }
    }

    public var isWhole: Bool { problemCount == 0 }

    public var json: String {
        var members: [(String, JSONValue)] = [
            ("whole", .bool(isWhole)), ("entries", .number(String(entries))), ("redacted", .number(String(redacted))),
            ("problem_count", .number(String(problemCount))), ("problems", .array(problems.map { JSONNode(.string($0)) })),
        ]
        if let head {
            members.append(("head", .object([
                JSONMember(key: "id", value: JSONNode(.number(String(head.id)))), JSONMember(key: "chain", value: JSONNode(.string(head.chain))),
                JSONMember(key: "at", value: JSONNode(.string(RFC3339.string(fromMilliseconds: head.at)))),
            ])))
        }
        return JSONWriter.object(members)
    }

    public static func == (a: AuditReport, b: AuditReport) -> Bool {
        a.entries == b.entries && a.redacted == b.redacted && a.head?.id == b.head?.id && a.head?.chain == b.head?.chain && a.problems == b.problems
    }
}

extension AuditReport {
    /// Walks the cache's whole event log, in one read.
    public static func verify(_ database: AppDatabase) throws -> AuditReport {
        try database.read { db in try AuditChain.verify(CacheReader(db)) }
    }

    /// Walks the event log of a copy in PostgreSQL (`heed store migrate --to`) as the cache's is
    /// walked: the same chain, checked where a compliance office keeps it, in one snapshot.
    public static func verify(_ location: PostgresLocation) throws -> AuditReport {
        let store = try PostgresReader(location)
        defer { store.close() }
        return try AuditChain.verify(store)
    }
}
