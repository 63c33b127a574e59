import Foundation
import GRDB

/// An operator's time on duty: from `heed shift start` (or the screen's offer) to its end.
public struct Shift: Sendable, Equatable {
    public var id: Int64
    public var operatorHandle: String
    public var startedAt: Int64
    public var plannedEndAt: Int64?
    public var endedAt: Int64?
    public var intro: String?
    public var handoverNote: String?
    /// The handover heed made at the end (JSON of `Handover`).
    public var handoverSummary: String?
    public var endedAutomatically: Bool
    public var processID: Int32?
    public var host: String?
    public var lastActiveAt: Int64?

    static let columns = """
        id, operator, started_at, planned_end_at, ended_at, intro, handover_note, handover_summary, ended_automatically,
        process_id, host, last_active_at
        """

    /// The current row of a query selecting `columns`, in their order.
    init(_ row: some StoreRows) {
        id = row.int64(0)
        operatorHandle = row.text(1) ?? ""
        startedAt = row.int64(2)
        plannedEndAt = row.optionalInt64(3)
        endedAt = row.optionalInt64(4)
        intro = row.text(5)
        handoverNote = row.text(6)
        handoverSummary = row.text(7)
        endedAutomatically = row.int64(8) != 0
        processID = row.optionalInt64(9).map { Int32(truncatingIfNeeded: $0) }
        host = row.text(10)
        lastActiveAt = row.optionalInt64(11)
    }

    public var handover: Handover? {
        handoverSummary.flatMap { try? JSONDecoder().decode(Handover.self, from: Data($0.utf8)) }
    }

    /// The operator's shift still running, if any.
    public static func running(_ db: Database, operator handle: String) throws -> Shift? {
        try CacheReader(db).first("SELECT \(columns) FROM shift WHERE ended_at IS NULL AND operator = ? ORDER BY id DESC LIMIT 1",
                                  [.text(handle)], Shift.init)
    }

    /// Every shift still running, earliest first.
    public static func allRunning(_ db: Database) throws -> [Shift] {
        try CacheReader(db).all("SELECT \(columns) FROM shift WHERE ended_at IS NULL ORDER BY started_at, id", [], Shift.init)
    }

    public static func fetch(_ db: Database, id: Int64) throws -> Shift? {
        try CacheReader(db).first("SELECT \(columns) FROM shift WHERE id = ?", [.integer(id)], Shift.init)
    }

    /// Shifts that ended with a handover `handle` has not acknowledged (theirs excepted), latest
    /// first: what they are shown when their own shift starts.
    public static func unacknowledgedHandovers(_ db: Database, for handle: String, limit: Int = 3) throws -> [Shift] {
        try CacheReader(db).all("""
            SELECT \(columns) FROM shift s WHERE s.ended_at IS NOT NULL AND s.operator <> ?1
              AND NOT EXISTS (SELECT 1 FROM handover_ack a WHERE a.shift_id = s.id AND a.operator = ?1)
            ORDER BY s.ended_at DESC LIMIT ?2
            """, [.text(handle), .integer(Int64(limit))], Shift.init)
    }

    /// SQL true for a conversation `c` whose assignee is off shift while shifts are in use (some
    /// shift running): a team that does not use shifts keeps its assignments as they are.
    static let assigneeOffShiftSQL = """
        (c.assignee IS NOT NULL AND EXISTS (SELECT 1 FROM shift WHERE ended_at IS NULL)
         AND c.assignee NOT IN (SELECT operator FROM shift WHERE ended_at IS NULL))
        """
}

/// Someone on shift now, and whether they are at it.
public struct OnShift: Sendable, Equatable, Codable {
    public var operatorHandle: String
    public var name: String
    public var shiftID: Int64
    public var since: Int64
    public var until: Int64?
    public var intro: String?
    /// When they last did anything heed saw (a key on the screen, an action).
    public var lastActiveAt: Int64
    public var active: Bool

    public init(operatorHandle: String, name: String, shiftID: Int64, since: Int64, until: Int64?, intro: String?, lastActiveAt: Int64, active: Bool) {
        (self.operatorHandle, self.name, self.shiftID, self.since, self.until) = (operatorHandle, name, shiftID, since, until)
        (self.intro, self.lastActiveAt, self.active) = (intro, lastActiveAt, active)
    }

    enum CodingKeys: String, CodingKey {
        case operatorHandle = "operator", name, shiftID = "shift", since, until, intro, lastActiveAt = "last_active_at", active
    }

    /// Who is on shift at `now`: active when they did something within `awayAfterMinutes` and
    /// the screen they started it from (on this machine) is still running; else away.
    public static func roster(_ db: Database, config: Config, now: Int64, host: String = ProcessInfo.processInfo.hostName) throws -> [OnShift] {
        try Shift.allRunning(db).map { shift in
            let acted = try Int64.fetchOne(db, sql: "SELECT max(at) FROM event WHERE operator = ? AND at >= ?",
                                           arguments: [shift.operatorHandle, shift.startedAt]) ?? 0
            let last = max(shift.startedAt, shift.lastActiveAt ?? 0, acted)
            var active = now - last <= Int64(config.awayAfterMinutes) * 60_000
            // The screen they were last at vanished: no one is at it, whatever its last key — unless
            // they acted since from elsewhere (a command, another screen).
            if let pid = shift.processID, shift.host == host, kill(pid, 0) != 0 && errno == ESRCH, acted <= (shift.lastActiveAt ?? shift.startedAt) {
                active = false
            }
            return OnShift(operatorHandle: shift.operatorHandle, name: config.operator(handle: shift.operatorHandle)?.name ?? shift.operatorHandle,
                           shiftID: shift.id, since: shift.startedAt, until: shift.plannedEndAt, intro: shift.intro, lastActiveAt: last,
                           active: active)
        }
    }
}
