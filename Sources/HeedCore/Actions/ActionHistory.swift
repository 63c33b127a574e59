import GRDB

/// An operator's recent actions as the event log holds them, with what undo and redo would
/// take next: undo the latest step not undone; redo the latest undone, unless a new action
/// came after it. A step is one action, or every event of one action on several conversations
/// (grouped in `action_batch`): undone and redone together.
struct ActionHistory {
    struct Entry: Equatable {
        var id: Int64
        var at: Int64
        var operatorHandle: String
        var kind: String
        var conversationID: Int64
        var before: String?
        var after: String?
    }

    /// One step: a single action's event, or a batch (named by its id).
    enum Step: Hashable {
        case event(Int64)
        case batch(Int64)
    }

    var undoable: Step?
    var redoable: Step?

    /// How many steps back undo reaches.
    static let depth = 200

    /// Newest first by time as the operator index keeps it (`at`, then id): ordering by id alone
    /// made SQLite sort all of the operator's events on every undo (p99 of actions: see
    /// docs/performance.md). Rows are read until `depth` steps are seen, so a batch of
    /// thousands counts as one.
    static func read(_ db: Database, operator handle: String) throws -> ActionHistory {
        let kinds = EventKind.undoable.union([.undo, .redo]).map(\.rawValue)
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT e.id, e.kind, e.subject, b.batch FROM event e LEFT JOIN action_batch b ON b.event_id = e.id
            WHERE e.operator = ? AND e.kind IN (\(kinds.sorted().map { "'\($0)'" }.joined(separator: ", "))) ORDER BY e.at DESC, e.id DESC
            """), arguments: [handle])
        // Newest first: each row as the step it belongs to, and whether it is a mark (undo/redo).
        var rows: [(step: Step, mark: String?)] = []
        var seen = Set<Step>()
        while let row = try cursor.next() {
            let kind: String = row["kind"]
            let mark = kind == "undo" || kind == "redo" ? kind : nil
            let step: Step
            if let batch: Int64 = row["batch"] {
                step = .batch(batch)
            } else if mark != nil {
                guard let target = (row["subject"] as String?).flatMap(Int64.init) else { continue }
                step = .event(target)
            } else {
                step = .event(row["id"])
            }
            if seen.insert(step).inserted && seen.count > depth { break }
            rows.append((step, mark))
        }
        // A step is undone when its latest mark is an undo.
        var latestMark: [Step: String] = [:]
        var actions: [Step] = []
        var isAction = Set<Step>()
        for row in rows {
            if let mark = row.mark {
                if latestMark[row.step] == nil { latestMark[row.step] = mark }
            } else if isAction.insert(row.step).inserted {
                actions.append(row.step)
            }
        }
        // In time order: an undo pushes onto the redo stack, a redo pops it, a new action empties it.
        var redoStack: [Step] = []
        var previous: (step: Step, mark: String?)?
        for row in rows.reversed() {
            // A batch's rows come together: one push or pop for all of them.
            defer { previous = row }
            if let previous, previous.step == row.step, previous.mark == row.mark { continue }
            switch row.mark {
            case "undo"?: redoStack.removeAll { $0 == row.step }; redoStack.append(row.step)
            case "redo"?: redoStack.removeAll { $0 == row.step }
            default: redoStack.removeAll()
            }
        }
        var history = ActionHistory()
        history.undoable = actions.first { latestMark[$0] != "undo" }
        history.redoable = redoStack.last.flatMap { isAction.contains($0) ? $0 : nil }
        return history
    }

    /// The actions of `step` that undo (or redo, `undone: true`) takes: for a batch, its
    /// members whose own latest mark says they are not undone (or are), oldest first.
    static func entries(_ db: Database, _ step: Step, undone: Bool, operator handle: String) throws -> [Entry] {
        switch step {
        case .event(let id):
            return try EventRecord.fetchOne(db, key: id).map { [entry($0, handle)] } ?? []
        case .batch(let batch):
            let records = try EventRecord.fetchAll(db, sql: """
                SELECT e.* FROM action_batch b JOIN event e ON e.id = b.event_id WHERE b.batch = ? ORDER BY e.id
                """, arguments: [batch])
            var latestMark: [Int64: String] = [:]
            for record in records where record.kind == "undo" || record.kind == "redo" {
                if let target = record.subject.flatMap(Int64.init) { latestMark[target] = record.kind }
            }
            return records.filter { $0.kind != "undo" && $0.kind != "redo" && (latestMark[$0.id ?? 0] == "undo") == undone }.map { entry($0, handle) }
        }
    }

    private static func entry(_ record: EventRecord, _ handle: String) -> Entry {
        Entry(id: record.id ?? 0, at: record.at, operatorHandle: handle, kind: record.kind, conversationID: record.conversationID ?? 0,
              before: record.before, after: record.after)
    }

    /// Groups `eventIDs` (more than one) as one step, named by the first.
    static func group(_ db: Database, _ eventIDs: [Int64], as batch: Int64? = nil) throws {
        guard let name = batch ?? eventIDs.first, batch != nil || eventIDs.count > 1 else { return }
        let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO action_batch (event_id, batch) VALUES (?, ?)")
        for id in eventIDs { try statement.execute(arguments: [id, name]) }
    }
}
