import GRDB

/// Carries out what matching rules say for a conversation a customer just wrote to: tags, a
/// team, an escalation, spam. Each change is logged as an event by "rule:NAME", so the
/// conversation's history says which rule did what.
enum RuleApplication {
    static func apply(_ rules: [Rule], to conversation: Int64, mention: Int64, status: ConversationStatus, contactTags: Set<String>,
                      answered: Bool, in db: Database, now: Int64) throws {
        for rule in rules {
            let actor = "rule:" + rule.name
            for tag in rule.then.tags {
                try db.cachedStatement(sql: "INSERT INTO tag (name) VALUES (?) ON CONFLICT (name) DO NOTHING").execute(arguments: [tag])
                try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO conversation_tag (conversation_id, tag_id, added_by, added_at)
                    SELECT ?, id, ?, ? FROM tag WHERE name = ?
                    """).execute(arguments: [conversation, actor, now, tag])
                if db.changesCount > 0 {
                    try EventLog.append(db, at: now, operator: actor, kind: "tag", conversation: conversation, subject: tag,
                                        before: nil, after: JSONWriter.object([("add", tag)]))
                }
            }
            if let team = rule.then.assignTeam {
                try db.cachedStatement(sql: "UPDATE conversation SET team = ?, version = version + 1 WHERE id = ? AND team IS NULL")
                    .execute(arguments: [team, conversation])
                if db.changesCount > 0 {
                    try EventLog.append(db, at: now, operator: actor, kind: "assign", conversation: conversation, subject: team,
                                        before: nil, after: JSONWriter.object([("team", team)]))
                }
            }
            if let team = rule.then.escalate {
                let open = try Bool.fetchOne(db.cachedStatement(sql: """
                    SELECT EXISTS (SELECT 1 FROM escalation WHERE conversation_id = ? AND team = ? AND state = 'open')
                    """), arguments: [conversation, team]) ?? false
                if !open {
                    try db.execute(sql: """
                        INSERT INTO escalation (conversation_id, team, note, opened_by, opened_at) VALUES (?, ?, ?, ?, ?)
                        """, arguments: [conversation, team, "escalated by rule \(rule.name)", actor, now])
                    try EventLog.append(db, at: now, operator: actor, kind: "escalate", conversation: conversation, subject: team,
                                        before: nil, after: JSONWriter.object([("team", team), ("mention", String(mention))]))
                }
            }
            // A VIP, or a conversation we already answered, is never sent to spam automatically.
            if rule.then.spam && status != .spam && !answered && !contactTags.contains("vip") {
                try db.execute(sql: "UPDATE conversation SET status = 'spam', version = version + 1 WHERE id = ?", arguments: [conversation])
                try EventLog.append(db, at: now, operator: actor, kind: "status", conversation: conversation, subject: "rule \(rule.name)",
                                    before: JSONWriter.object([("status", status.rawValue)]), after: JSONWriter.object([("status", "spam")]))
            }
        }
    }
}
