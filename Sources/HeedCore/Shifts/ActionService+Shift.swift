import Foundation
import GRDB

/// Shifts: starting one (with the intro post), ending it (with the handover, the assignments
/// released or passed on, the sign-off post), acknowledging a handover, and the roster post.
extension ActionService {
    /// What starting or ending a shift did.
    public struct ShiftOutcome: Sendable, Equatable {
        public var shift: Shift
        /// Posts queued (intro, sign-off, roster), one a help account.
        public var posts: [Int64]
        /// At the start: handovers from others not yet acknowledged, latest first.
        public var handovers: [Shift]
        public var handover: Handover?
        public var summary: String
    }

    /// The operator heed acts as when it ends a shift left open too long.
    static let shiftKeeper = Operator(handle: "heed:shifts", name: "heed", unixUser: nil, role: .lead, signature: "", intro: nil, teams: [],
                                      maxAssigned: nil)

    /// The intro `actor` would post now (`text` given, else their template), filled.
    public func introText(_ text: String? = nil, for actor: Operator, until: Int64?) -> String {
        ShiftTemplate.fill(text ?? actor.intro ?? ShiftTemplate.defaultIntro, operator: actor, until: until, config: config)
    }

    /// When a shift started now would be planned to end: `until` (HH:MM, the operator's time
    /// zone) or eight hours on (never past the longest shift).
    public func plannedEnd(_ until: String?, for actor: Operator) throws -> Int64 {
        let now = clock.now()
        guard let until else { return now + Int64(min(8, config.maxShiftHours)) * 3_600_000 }
        guard let at = ShiftTemplate.next(until, after: now, timeZone: config.timeZone(for: actor.handle)) else {
            throw HeedError("\(until) is not a time of day such as 14:00", .refused)
        }
        return at
    }

    /// Starts `actor`'s shift: recorded, its intro (`intro`, already filled) queued to each help
    /// account after the undo window, an event logged; refused while one is running.
    public func startShift(by actor: Operator, intro: String, until: Int64, processID: Int32? = nil,
                           host: String? = ProcessInfo.processInfo.hostName) throws -> ShiftOutcome {
        try endOverdueShifts()
        var posts: [Int64] = []
        var started: Shift?
        _ = try transaction { db, now in
            if let running = try Shift.running(db, operator: actor.handle) {
                throw ActionError.refused("\(actor.handle) is on shift already (shift \(running.id), since "
                    + "\(ShiftClock.string(running.startedAt, timeZone: config.timeZone(for: actor.handle)))))", hint: .endShift)
            }
            let text = try Self.required(intro, "an intro needs text")
            try db.execute(sql: """
                INSERT INTO shift (operator, started_at, planned_end_at, intro, process_id, host, last_active_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [actor.handle, now, until, text, processID, host, now])
            let id = db.lastInsertedRowID
            posts = try queueToHelpAccounts(db, kind: .intro, text: text, by: actor, now: now)
            try EventLog.append(db, at: now, by: actor.handle, kind: .shiftStart, subject: String(id),
                                after: JSONWriter.object([("intro", text), ("until", RFC3339.string(fromMilliseconds: until)),
                                                          ("posts", posts.map(String.init).joined(separator: ","))]))
            started = try Shift.fetch(db, id: id)
            return Outcome(conversationID: 0, kind: EventKind.shiftStart.rawValue, version: 0, eventID: db.lastInsertedRowID, summary: "")
        }
        let shift = started!
        let handovers = try database.read { db in try Shift.unacknowledgedHandovers(db, for: actor.handle) }
        let zone = config.timeZone(for: actor.handle)
        let intro = posts.isEmpty ? "no intro posted (the config names no help_accounts)"
            : "intro queued to \(posts.count) account\(posts.count == 1 ? "" : "s") (post\(posts.count == 1 ? "" : "s") "
                + "\(posts.map(String.init).joined(separator: ", ")), sent in \(config.undoSeconds) s unless withdrawn)"
        return ShiftOutcome(shift: shift, posts: posts, handovers: handovers, handover: nil,
                            summary: "\(actor.handle) is on shift until \(ShiftClock.string(until, timeZone: zone)) (shift \(shift.id)); " + intro)
    }

    /// Ends `actor`'s shift: the handover (their note and what heed finds) kept with it, their
    /// conversations released to the pool or passed to `passTo` (on shift), the sign-off post
    /// queued when the config has one and `signOff`, each step logged.
    public func endShift(by actor: Operator, note: String?, passTo: String? = nil, signOff: Bool = true) throws -> ShiftOutcome {
        try end(shiftOf: actor.handle, as: actor, note: note, passTo: passTo, signOff: signOff, automatic: false)
    }

    /// Ends, with a handover marked automatic, every shift open longer than `shifts.max_hours`.
    @discardableResult
    public func endOverdueShifts() throws -> [ShiftOutcome] {
        let now = clock.now()
        let overdue = try database.read { db in
            try Shift.allRunning(db).filter { now - $0.startedAt >= Int64(config.maxShiftHours) * 3_600_000 }
        }
        return try overdue.map { shift in
            try end(shiftOf: shift.operatorHandle, as: Self.shiftKeeper, note: nil, passTo: nil, signOff: false, automatic: true)
        }
    }

    private func end(shiftOf handle: String, as actor: Operator, note: String?, passTo: String?, signOff: Bool, automatic: Bool) throws -> ShiftOutcome {
        var result: ShiftOutcome?
        _ = try transaction { db, now in
            guard let shift = try Shift.running(db, operator: handle) else {
                throw ActionError.refused("\(handle) is not on shift", hint: .startShift)
            }
            if let passTo {
                guard passTo != handle, try Shift.running(db, operator: passTo) != nil else {
                    throw ActionError.refused("pass to someone else on shift; on shift now: "
                        + (try Shift.allRunning(db).map(\.operatorHandle).filter { $0 != handle }.joined(separator: ", ")).ifEmpty("nobody else"))
                }
            }
            let note = note.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
            let handover = try Handover.make(db, shift: shift, note: note, automatic: automatic, passedTo: passTo, config: config, now: now)
            for item in handover.assigned {
                if let passTo {
                    do {
                        _ = try apply(.assign(passTo), on: item.conversation, by: actor, expecting: nil, db, now)
                        continue
                    } catch ActionError.refused {
                        // Past their cap: this one goes back to the pool instead.
                    }
                }
                _ = try apply(.unassign, on: item.conversation, by: actor, expecting: nil, db, now)
            }
            var posts: [Int64] = []
            if signOff, let template = config.signOff, let member = config.operator(handle: handle) {
                posts = try queueToHelpAccounts(db, kind: .signoff, text: ShiftTemplate.fill(template, operator: member, until: shift.plannedEndAt,
                                                                                            config: config), by: member, now: now)
            }
            let json = handover.json
            try db.execute(sql: "UPDATE shift SET ended_at = ?, handover_note = ?, handover_summary = ?, ended_automatically = ? WHERE id = ?",
                           arguments: [now, note, json, automatic, shift.id])
            try EventLog.append(db, at: now, by: actor.handle, kind: .shiftEnd, subject: String(shift.id),
                                after: json)
            let moved = handover.assigned.isEmpty ? "" : "; \(handover.assigned.count) conversation\(handover.assigned.count == 1 ? "" : "s") "
                + (passTo.map { "passed to \($0)" } ?? "released to the pool")
            result = ShiftOutcome(shift: try Shift.fetch(db, id: shift.id)!, posts: posts, handovers: [], handover: handover,
                                  summary: "\(handle)'s shift \(shift.id) ended" + (automatic ? " automatically" : "") + moved
                                      + (posts.isEmpty ? "" : "; sign-off queued (post\(posts.count == 1 ? "" : "s") \(posts.map(String.init).joined(separator: ", ")))"))
            return Outcome(conversationID: 0, kind: EventKind.shiftEnd.rawValue, version: 0, eventID: db.lastInsertedRowID, summary: "")
        }
        return result!
    }

    /// `actor` has read the handover of shift `id` (not their own): logged.
    @discardableResult
    public func acknowledgeHandover(_ id: Int64, by actor: Operator) throws -> Outcome {
        try transaction { db, now in
            guard let shift = try Shift.fetch(db, id: id), shift.endedAt != nil else {
                throw ActionError.refused("no ended shift \(id)", hint: .listShifts)
            }
            guard shift.operatorHandle != actor.handle else { throw ActionError.refused("shift \(id) was your own") }
            try db.execute(sql: "INSERT OR IGNORE INTO handover_ack (shift_id, operator, acknowledged_at) VALUES (?, ?, ?)",
                           arguments: [id, actor.handle, now])
            guard db.changesCount > 0 else { throw ActionError.unchanged("\(actor.handle) acknowledged shift \(id)'s handover already") }
            try EventLog.append(db, at: now, by: actor.handle, kind: .handoverAck, subject: String(id))
            return Outcome(conversationID: 0, kind: EventKind.handoverAck.rawValue, version: 0, eventID: db.lastInsertedRowID,
                           summary: "\(actor.handle) acknowledged \(shift.operatorHandle)'s handover (shift \(id))")
        }
    }

    /// Queues "On the team now: Sam and Priya" to each help account.
    public func postRoster(by actor: Operator) throws -> Outcome {
        try transaction { db, now in
            let names = try Shift.allRunning(db).map { config.operator(handle: $0.operatorHandle)?.firstName ?? $0.operatorHandle }
            guard !names.isEmpty else { throw ActionError.refused("nobody is on shift") }
            let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
            let posts = try queueToHelpAccounts(db, kind: .roster, text: Self.outgoing("On the team now: \(list).", by: actor), by: actor, now: now)
            guard !posts.isEmpty else { throw ActionError.refused("the config names no help_accounts to post on") }
            try EventLog.append(db, at: now, by: actor.handle, kind: .roster, subject: nil,
                                after: JSONWriter.object([("posts", posts.map(String.init).joined(separator: ","))]))
            return Outcome(conversationID: 0, kind: EventKind.roster.rawValue, version: 0, eventID: db.lastInsertedRowID,
                           summary: "\(actor.handle) queued the roster (\(list)) to \(posts.count) account\(posts.count == 1 ? "" : "s")")
        }
    }

    /// The screen's heartbeat: `handle` is at it now, at this screen (without waiting for the
    /// write lock); the minute is kept for their timeline while they are on shift. The screen
    /// that beats is the one whose end means they left: a screen restarted takes over from the
    /// one that started the shift.
    public func touchShift(_ handle: String, processID: Int32 = getpid(), host: String = ProcessInfo.processInfo.hostName) {
        let now = clock.now()
        database.writeInBackground { db in
            try db.execute(sql: "UPDATE shift SET last_active_at = ?, process_id = ?, host = ? WHERE operator = ? AND ended_at IS NULL",
                           arguments: [now, processID, host, handle])
            if db.changesCount > 0 {
                try db.execute(sql: "INSERT OR IGNORE INTO activity (operator, at) VALUES (?, ?)", arguments: [handle, now / 60_000 * 60_000])
            }
        }
    }

    /// One post of `kind` to each help account, after the undo window; refused whole when one
    /// channel would not take it.
    func queueToHelpAccounts(_ db: Database, kind: PostKind, text: String, by actor: Operator, now: Int64) throws -> [Int64] {
        for account in config.helpAccounts {
            if let problem = ChannelLength.problem(text, channel: account.channel) { throw ActionError.refused("too long for \(account.channel): \(problem)") }
        }
        return try config.helpAccounts.map { account in
            try db.execute(sql: """
                INSERT INTO outbox (kind, channel, account, operator, text, idempotency_key, send_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [kind.rawValue, account.channel, account.account, actor.handle, text, UUID().uuidString.lowercased(),
                                 now + Int64(config.undoSeconds) * 1000, now])
            return db.lastInsertedRowID
        }
    }
}

private extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
