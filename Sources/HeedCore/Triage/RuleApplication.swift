import GRDB

/// Carries out what matching rules say for a conversation a customer just wrote to: tags, a
/// team, an escalation, spam. Each change is logged by "rule:NAME", so the conversation's
/// history says which rule did what.
enum RuleApplication {
    static func apply(_ rules: [Rule], to conversation: Int64, mention: Int64, contactTags: Set<String>, answered: Bool,
                      in db: Database, now: Int64) throws {
        // The fields' changes of every matching rule, read and written once; escalations are records of their own.
        try ConversationChange.steps(db, conversation: conversation, now: now) { steps in
            for rule in rules {
                let actor = EventLog.ruleActor(rule.name)
                if !rule.then.tags.isEmpty {
                    steps.apply(by: actor, kind: .tag, subject: rule.then.tags.map { "+" + $0 }.joined(separator: " ")) { fields in
                        for tag in rule.then.tags where !fields.tags.contains(where: { $0.lowercased() == tag.lowercased() }) { fields.tags.append(tag) }
                        fields.tags.sort()
                    }
                }
                if let team = rule.then.assignTeam {
                    steps.apply(by: actor, kind: .assign, subject: team) { fields in
                        if fields.team == nil { fields.team = team }
                    }
                }
                // A VIP, or a conversation we already answered, is never sent to spam automatically.
                if rule.then.spam && !answered && !contactTags.contains("vip") {
                    steps.apply(by: actor, kind: .spam, subject: "rule \(rule.name)") { fields in
                        if fields.status != .spam { (fields.status, fields.snoozedUntil, fields.snoozeUntilReply) = (.spam, nil, false) }
                    }
                }
            }
        }
        for rule in rules {
            guard let team = rule.then.escalate, try !Escalation.isOpen(db, conversation: conversation, team: team) else { continue }
            let actor = EventLog.ruleActor(rule.name)
            let id = try Escalation.open(db, conversation: conversation, team: team, note: "escalated by rule \(rule.name)", by: actor, now: now)
            _ = try ConversationChange.record(db, conversation: conversation, by: actor, kind: .escalate, subject: team,
                                              payload: SideRecord(id: id, text: "escalated by rule \(rule.name)", team: team).json, now: now)
        }
    }
}
