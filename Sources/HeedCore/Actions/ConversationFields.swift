import Foundation
import GRDB

/// The part of a conversation operators change, as the event log records it before and after
/// an action: undo puts back the fields an action changed, if nobody changed them since.
struct ConversationFields: Codable, Equatable, Sendable {
    var status: ConversationStatus
    var assignee: String?
    var team: String?
    var snoozedUntil: Int64?
    var snoozeUntilReply: Bool
    /// Sorted, as stored.
    var tags: [String]

    enum CodingKeys: String, CodingKey {
        case status, assignee, team, snoozedUntil = "snoozed_until", snoozeUntilReply = "snooze_until_reply", tags
    }

    static func fetch(_ db: Database, conversation id: Int64) throws -> (fields: ConversationFields, version: Int)? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT status, assignee, team, snoozed_until, snooze_until_reply, version,
                   (SELECT group_concat(t.name, char(31)) FROM conversation_tag ct JOIN tag t ON t.id = ct.tag_id
                    WHERE ct.conversation_id = c.id) AS tags
            FROM conversation c WHERE id = ?
            """), arguments: [id]) else { return nil }
        let tags = (row["tags"] as String?)?.split(separator: "\u{1F}").map(String.init).sorted() ?? []
        return (ConversationFields(status: ConversationStatus(rawValue: row["status"]) ?? .open, assignee: row["assignee"], team: row["team"],
                                   snoozedUntil: row["snoozed_until"], snoozeUntilReply: row["snooze_until_reply"], tags: tags),
                row["version"])
    }

    /// Writes the fields that differ from `old`, bumping the version.
    func write(_ db: Database, conversation id: Int64, over old: ConversationFields, by operatorHandle: String, now: Int64) throws {
        try db.cachedStatement(sql: """
            UPDATE conversation SET status = ?, assignee = ?, team = ?, snoozed_until = ?, snooze_until_reply = ?,
                version = version + 1, updated_at = ? WHERE id = ?
            """).execute(arguments: [status.rawValue, assignee, team, snoozedUntil, snoozeUntilReply, now, id])
        let oldTags = Set(old.tags.map { $0.lowercased() })
        let newTags = Set(tags.map { $0.lowercased() })
        for tag in tags where !oldTags.contains(tag.lowercased()) {
            try db.cachedStatement(sql: "INSERT INTO tag (name) VALUES (?) ON CONFLICT (name) DO NOTHING").execute(arguments: [tag])
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO conversation_tag (conversation_id, tag_id, added_by, added_at) SELECT ?, id, ?, ? FROM tag WHERE name = ?
                """).execute(arguments: [id, operatorHandle, now, tag])
        }
        for tag in old.tags where !newTags.contains(tag.lowercased()) {
            try db.cachedStatement(sql: "DELETE FROM conversation_tag WHERE conversation_id = ? AND tag_id = (SELECT id FROM tag WHERE name = ?)")
                .execute(arguments: [id, tag])
        }
    }

    /// The names of the fields that differ from `other`.
    func changes(from other: ConversationFields) -> [String] {
        var names: [String] = []
        if status != other.status { names.append("status") }
        if assignee != other.assignee { names.append("assignee") }
        if team != other.team { names.append("team") }
        if snoozedUntil != other.snoozedUntil || snoozeUntilReply != other.snoozeUntilReply { names.append("snooze") }
        if tags.map({ $0.lowercased() }) != other.tags.map({ $0.lowercased() }) { names.append("tags") }
        return names
    }

    /// `self` with the fields named in `names` taken from `source`.
    func taking(_ names: [String], from source: ConversationFields) -> ConversationFields {
        var result = self
        for name in names {
            switch name {
            case "status": result.status = source.status
            case "assignee": result.assignee = source.assignee
            case "team": result.team = source.team
            case "snooze": (result.snoozedUntil, result.snoozeUntilReply) = (source.snoozedUntil, source.snoozeUntilReply)
            case "tags": result.tags = source.tags
            default: break
            }
        }
        return result
    }

    var json: String { String(decoding: try! Self.encoder.encode(self), as: UTF8.self) }

    static func decode(_ json: String?) -> ConversationFields? {
        json.flatMap { try? JSONDecoder().decode(ConversationFields.self, from: Data($0.utf8)) }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}

