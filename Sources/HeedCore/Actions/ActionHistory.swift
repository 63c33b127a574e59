import GRDB

/// An operator's recent actions as the event log holds them, with what undo and redo would
/// take next: undo the latest action not undone; redo the latest undone, unless a new action
/// came after it.
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

    var undoable: Entry?
    var redoable: Entry?

    /// How far back undo reaches.
    static let depth = 200

    /// Newest first by time as the operator index keeps it (`at`, then id): ordering by id alone
    /// made SQLite sort all of the operator's events on every undo (p99 of actions: see
    /// docs/performance.md).
    static func read(_ db: Database, operator handle: String) throws -> ActionHistory {
        let kinds = EventKind.undoable.union([.undo, .redo]).map(\.rawValue)
        // The marks first (id, kind, target); the before and after of the one or two entries
        // undo and redo would take are read after.
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT id, kind, subject FROM event
            WHERE operator = ? AND kind IN (\(kinds.sorted().map { "'\($0)'" }.joined(separator: ", "))) ORDER BY at DESC, id DESC LIMIT ?
            """), arguments: [handle, depth]).map { row -> (id: Int64, kind: String, target: Int64?) in
            (row["id"], row["kind"], (row["subject"] as String?).flatMap(Int64.init))
        }
        // Newest first: an action is undone when its latest undo/redo mark is an undo.
        var latestMark: [Int64: String] = [:]
        var actions: [Int64] = []
        for row in rows {
            if row.kind == "undo" || row.kind == "redo" {
                if let target = row.target, latestMark[target] == nil { latestMark[target] = row.kind }
            } else {
                actions.append(row.id)
            }
        }
        // In time order: an undo pushes onto the redo stack, a redo pops it, a new action empties it.
        var redoStack: [Int64] = []
        for row in rows.reversed() {
            switch row.kind {
            case "undo": if let target = row.target { redoStack.append(target) }
            case "redo": redoStack.removeAll { $0 == row.target }
            default: redoStack.removeAll()
            }
        }
        var history = ActionHistory()
        history.undoable = try actions.first { latestMark[$0] != "undo" }.flatMap { try entry(db, $0, handle) }
        history.redoable = try redoStack.last.flatMap { id in actions.contains(id) ? try entry(db, id, handle) : nil }
        return history
    }

    private static func entry(_ db: Database, _ id: Int64, _ handle: String) throws -> Entry? {
        try EventRecord.fetchOne(db, key: id).map {
            Entry(id: id, at: $0.at, operatorHandle: handle, kind: $0.kind, conversationID: $0.conversationID ?? 0, before: $0.before, after: $0.after)
        }
    }
}
