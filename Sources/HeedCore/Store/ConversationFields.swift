import GRDB

/// The part of a conversation that people and heed's own rules change — as the event log
/// records it before and after each change. Undo puts back the fields an action changed, if
/// nobody changed them since. Changed only through `ConversationChange`.
struct ConversationFields: Equatable, Sendable {
    var status: ConversationStatus
    var assignee: String?
    var team: String?
    var snoozedUntil: Int64?
    var snoozeUntilReply: Bool
    /// Sorted, as stored.
    var tags: [String]
    var incident: Int64?

    /// What `fetch` reads, column by column.
    private enum Column: Int32, SelectedColumn {
        case status, assignee, team, snoozedUntil, snoozeUntilReply, incident, version, tags
    }

    static func fetch(_ db: Database, conversation id: Int64) throws -> (fields: ConversationFields, version: Int)? {
        // Through SQLite's own API, not GRDB's rows: every rule an import applies reads it.
        let read = try BoundStatement(db, """
            SELECT status, assignee, team, snoozed_until AS snoozedUntil, snooze_until_reply AS snoozeUntilReply, incident_id AS incident, version,
                   (SELECT group_concat(t.name, char(31)) FROM conversation_tag ct JOIN tag t ON t.id = ct.tag_id
                    WHERE ct.conversation_id = c.id) AS tags
            FROM conversation c WHERE id = ?
            """, columns: Column.self)
        read.bind(id)
        defer { read.reset() }
        guard try read.step() else { return nil }
        let tags = read.text(Column.tags)?.split(separator: "\u{1F}").map(String.init).sorted() ?? []
        return (ConversationFields(status: ConversationStatus(rawValue: read.text(Column.status) ?? "") ?? .open,
                                   assignee: read.text(Column.assignee), team: read.text(Column.team),
                                   snoozedUntil: read.optionalInt64(Column.snoozedUntil), snoozeUntilReply: read.int(Column.snoozeUntilReply) != 0,
                                   tags: tags, incident: read.optionalInt64(Column.incident)),
                read.int(Column.version))
    }

    /// The names of the fields that differ from `other`.
    func changes(from other: ConversationFields) -> [String] {
        var names: [String] = []
        if status != other.status { names.append("status") }
        if assignee != other.assignee { names.append("assignee") }
        if team != other.team { names.append("team") }
        if snoozedUntil != other.snoozedUntil || snoozeUntilReply != other.snoozeUntilReply { names.append("snooze") }
        if tags.map({ $0.lowercased() }) != other.tags.map({ $0.lowercased() }) { names.append("tags") }
        if incident != other.incident { names.append("incident") }
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
            case "incident": result.incident = source.incident
            default: break
            }
        }
        return result
    }

    /// The event log's JSON: keys in order, absent fields left out. Written straight into one
    /// string (every import logs it for each conversation a rule or an incident changes).
    var json: String {
        var out = "{"
        out.reserveCapacity(128)
        if let assignee {
            out += "\"assignee\":"
            JSONWriter.quote(assignee, into: &out)
            out += ","
        }
        if let incident { out += "\"incident\":\(incident)," }
        out += snoozeUntilReply ? "\"snooze_until_reply\":true," : "\"snooze_until_reply\":false,"
        if let snoozedUntil { out += "\"snoozed_until\":\(snoozedUntil)," }
        out += "\"status\":\"\(status.rawValue)\",\"tags\":["
        for (index, tag) in tags.enumerated() {
            if index > 0 { out += "," }
            JSONWriter.quote(tag, into: &out)
        }
        out += "]"
        if let team {
            out += ",\"team\":"
            JSONWriter.quote(team, into: &out)
        }
        return out + "}"
    }

    /// The fields an event recorded; nil for JSON that is not a whole record of them (an older
    /// heed logged some changes with the status alone).
    static func decode(_ json: String?) -> ConversationFields? {
        guard let json, let node = try? JSONParser.parse(json), let status = node["status"]?.string.flatMap(ConversationStatus.init),
              let tags = node["tags"], case .array(let items) = tags.value else { return nil }
        return ConversationFields(status: status, assignee: node["assignee"]?.string, team: node["team"]?.string,
                                  snoozedUntil: node["snoozed_until"]?.int.map(Int64.init), snoozeUntilReply: node["snooze_until_reply"]?.bool ?? false,
                                  tags: items.compactMap(\.string), incident: node["incident"]?.int.map(Int64.init))
    }
}

/// A record an action made beside the conversation's fields (a note, an escalation, a post),
/// as its event keeps it: redo can make it again, undo can find it.
struct SideRecord: Equatable {
    var id: Int64
    var text: String?
    var team: String?

    var json: String {
        var members: [(String, JSONValue)] = [("id", .number(String(id)))]
        if let team { members.append(("team", .string(team))) }
        if let text { members.append(("text", .string(text))) }
        return JSONWriter.object(members)
    }

    static func decode(_ json: String?) -> SideRecord? {
        guard let json, let node = try? JSONParser.parse(json), let id = node["id"]?.int else { return nil }
        return SideRecord(id: Int64(id), text: node["text"]?.string, team: node["team"]?.string)
    }
}
