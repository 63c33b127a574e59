import GRDB

/// Triage's own writes, each one transaction: what `heed run`, `heed queue` and the screen ask for.
extension Triager {
    /// Brings the queue up to `now`: conversations whose snooze ran out come back, and every
    /// open conversation's waiting time is scored again. Returns how many priorities changed.
    @discardableResult
    public func catchUp(_ database: AppDatabase, now: Int64) throws -> Int {
        try database.writeManyRows { db in
            try Snooze.wake(db, now: now)
            return try refreshWaiting(in: db, now: now)
        }
    }

    /// Triages every open conversation again from its signals (rules' actions not repeated).
    /// Returns how many there were.
    @discardableResult
    public func retriageOpen(_ database: AppDatabase, now: Int64) throws -> Int {
        try database.writeManyRows { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM conversation WHERE status = 'open' ORDER BY id")
            try retriage(ids, in: db, now: now)
            return ids.count
        }
    }
}
