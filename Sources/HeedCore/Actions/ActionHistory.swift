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

    static func read(_ db: Database, operator handle: String) throws -> ActionHistory {
        let kinds = TriageCommand.undoableKinds.union(["undo", "redo"])
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, at, kind, conversation_id, subject, before, after FROM event
            WHERE operator = ? AND kind IN (\(kinds.map { "'\($0)'" }.joined(separator: ", "))) ORDER BY id DESC LIMIT ?
            """, arguments: [handle, depth])
        // Newest first: an action is undone when its latest undo/redo mark is an undo.
        var latestMark: [Int64: String] = [:]
        var history = ActionHistory()
        var actions: [Entry] = []
        for row in rows {
            let kind: String = row["kind"]
            if kind == "undo" || kind == "redo" {
                guard let target = (row["subject"] as String?).flatMap(Int64.init) else { continue }
                if latestMark[target] == nil { latestMark[target] = kind }
                continue
            }
            actions.append(Entry(id: row["id"], at: row["at"], operatorHandle: handle, kind: kind, conversationID: row["conversation_id"],
                                 before: row["before"], after: row["after"]))
        }
        // In time order: an undo pushes onto the redo stack, a redo pops it, a new action empties it.
        var redoStack: [Int64] = []
        for row in rows.reversed() {
            let target = (row["subject"] as String?).flatMap(Int64.init)
            switch row["kind"] as String {
            case "undo": if let target { redoStack.append(target) }
            case "redo": redoStack.removeAll { $0 == target }
            default: redoStack.removeAll()
            }
        }
        history.undoable = actions.first { latestMark[$0.id] != "undo" }
        history.redoable = redoStack.last.flatMap { id in actions.first { $0.id == id } }
        return history
    }
}
