import GRDB

/// The pull model: the most urgent conversation nobody holds, taken within a cap.
extension ActionService {
    /// Takes the most urgent open conversation nobody holds (no operator, or one who is off
    /// shift while shifts are in use; no one replying) and assigns it to `actor`: the pull
    /// model. Refused at the operator's cap.
    @discardableResult
    public func next(by actor: Operator) throws -> Outcome {
        try transaction { db, now in
            if let cap = actor.maxAssigned {
                let held = try Self.held(db, by: actor.handle)
                if held >= cap { throw ActionError.refused("\(actor.handle) already holds \(held) conversations (their cap is \(cap))") }
            }
            guard let id = try Int64.fetchOne(db, sql: """
                SELECT c.id FROM conversation c
                WHERE c.status = 'open' AND (c.assignee IS NULL OR \(Shift.assigneeOffShiftSQL))
                  AND NOT EXISTS (SELECT 1 FROM claim WHERE conversation_id = c.id AND kind = 'replying' AND expires_at > ? AND operator <> ?)
                ORDER BY \(Queue.triageOrderSQL) LIMIT 1
                """, arguments: [now, actor.handle]),
                  let applied = try ConversationChange.fields(db, conversation: id, by: actor.handle, kind: .next, subject: actor.handle, now: now, {
                      $0.assignee = actor.handle
                  }) else {
                throw ActionError.refused("nothing open that nobody holds")
            }
            return outcome(applied, id: id, kind: .next, by: actor)
        }
    }

    static func held(_ db: Database, by handle: String) throws -> Int {
        // NOCASE: the assignee index is (the screen's `assignee:` search is too).
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM conversation WHERE assignee = ? COLLATE NOCASE AND status IN ('open', 'waiting', 'snoozed')"),
                         arguments: [handle]) ?? 0
    }
}
