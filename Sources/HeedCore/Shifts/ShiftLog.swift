import GRDB

/// The record of shifts: starts (with their intros), ends (with their handovers) and
/// acknowledgements, from the event log; and one operator's timeline of being on shift, active
/// and away.
public enum ShiftLog {
    public struct Entry: Sendable, Equatable, Codable {
        public var at: Int64
        public var operatorHandle: String
        /// shift-start | shift-end | handover-ack | roster
        public var kind: String
        public var shift: Int64?
        /// For people: the intro, the handover's note, whose handover.
        public var text: String
        enum CodingKeys: String, CodingKey { case at, operatorHandle = "operator", kind, shift, text }
    }

    public struct Interval: Sendable, Equatable, Codable {
        public var from: Int64
        public var to: Int64
        /// on shift, active | away
        public var state: String
    }

    public static func entries(_ db: Database, since: Int64?, operator handle: String?) throws -> [Entry] {
        var sql = "SELECT at, operator, kind, subject, after FROM event WHERE kind IN ('shift-start', 'shift-end', 'handover-ack', 'roster')"
        var arguments: StatementArguments = []
        if let since {
            sql += " AND at >= ?"
            arguments += [since]
        }
        if let handle {
            // Their own doings, and their shifts ended for them (automatically).
            sql += " AND (operator = ? OR (kind = 'shift-end' AND subject IN (SELECT CAST(id AS TEXT) FROM shift WHERE operator = ?)))"
            arguments += [handle, handle]
        }
        return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments).map { row in
            let kind: String = row["kind"]
            let subject: String? = row["subject"]
            let shift = kind == "roster" ? nil : subject.flatMap { Int64($0) }
            var who: String = row["operator"]
            var text = ""
            switch kind {
            case "shift-start":
                text = try shift.flatMap { try Shift.fetch(db, id: $0)?.intro }.map { "intro: " + DisplayText(untrusted: $0).string } ?? ""
            case "shift-end":
                if let shift, let ended = try Shift.fetch(db, id: shift) {
                    who = ended.operatorHandle
                    text = (ended.endedAutomatically ? "ended automatically; " : "") + "handover: "
                        + (ended.handoverNote.map { DisplayText(untrusted: $0).string } ?? "no note")
                }
            case "handover-ack":
                text = try shift.flatMap { try Shift.fetch(db, id: $0)?.operatorHandle }.map { "acknowledged \($0)'s handover" } ?? ""
            default:
                text = "posted the roster"
            }
            return Entry(at: row["at"], operatorHandle: who, kind: kind, shift: shift, text: text)
        }
    }

    /// `handle`'s shifts since `since`, each cut into active and away spans: active while heed
    /// saw them (a key on the screen, an action) no more than `awayAfterMinutes` apart.
    public static func timeline(_ db: Database, operator handle: String, since: Int64?, now: Int64, awayAfterMinutes: Int) throws -> [(Shift, [Interval])] {
        let shifts = try CacheReader(db).all("SELECT \(Shift.columns) FROM shift WHERE operator = ? AND coalesce(ended_at, ?) >= ? ORDER BY started_at",
                                             [.text(handle), .integer(now), .integer(since ?? 0)], Shift.init)
        let gap = Int64(awayAfterMinutes) * 60_000
        return try shifts.map { shift in
            let end = shift.endedAt ?? now
            let seen = try Int64.fetchAll(db, sql: """
                SELECT at FROM activity WHERE operator = ?1 AND at BETWEEN ?2 AND ?3
                UNION SELECT at FROM event WHERE operator = ?1 AND at BETWEEN ?2 AND ?3 ORDER BY 1
                """, arguments: [handle, shift.startedAt, end])
            return (shift, spans(seen: [shift.startedAt] + seen, end: end, gap: gap))
        }
    }

    /// Active from each sighting until `gap` after it, away between.
    static func spans(seen: [Int64], end: Int64, gap: Int64) -> [Interval] {
        var intervals: [Interval] = []
        func add(_ from: Int64, _ to: Int64, _ state: String) {
            guard to > from else { return }
            if let last = intervals.last, last.state == state, last.to >= from {
                intervals[intervals.count - 1].to = max(last.to, to)
            } else {
                intervals.append(Interval(from: from, to: to, state: state))
            }
        }
        let points = seen.sorted()
        for (index, point) in points.enumerated() {
            let next = index + 1 < points.count ? points[index + 1] : end
            if next - point > gap {
                add(point, min(point + gap, end), "active")
                add(point + gap, next, "away")
            } else {
                add(point, next, "active")
            }
        }
        return intervals
    }
}
