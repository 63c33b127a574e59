import GRDB

/// Replays the event log's record of what operators changed, to check nothing was lost: on
/// each conversation every action must have started from what the one before it left, and the
/// last must have left what the cache holds. A lost update (a change made from a stale read)
/// breaks that chain.
public enum EventReplay {
    /// Where the log and the cache disagree, one line each; empty when they agree.
    public static func disagreements(_ db: Database) throws -> [String] {
        var last: [Int64: (event: Int64, after: ConversationFields)] = [:]
        var problems: [String] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, conversation_id, before, after FROM event WHERE conversation_id IS NOT NULL AND before IS NOT NULL ORDER BY id
            """)
        while let row = try rows.next() {
            guard let before = ConversationFields.decode(row["before"]), let after = ConversationFields.decode(row["after"]) else { continue }
            let id: Int64 = row["conversation_id"]
            let event: Int64 = row["id"]
            if let previous = last[id], previous.after != before {
                problems.append("#\(id): event \(event) started from \(before.json), but event \(previous.event) left \(previous.after.json)")
            }
            last[id] = (event, after)
        }
        for (id, entry) in last.sorted(by: { $0.key < $1.key }) {
            guard let (current, _) = try ConversationFields.fetch(db, conversation: id) else { continue }
            if current != entry.after {
                problems.append("#\(id): the cache holds \(current.json), but its last event (\(entry.event)) left \(entry.after.json)")
            }
        }
        return problems
    }
}
