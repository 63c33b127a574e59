import GRDB

/// Closing the loop on ideas: when the team ships one, everyone who suggested it is told, each
/// in a reply of their own.
extension ActionService {
    /// The conversations of kind idea tagged `tag`, each with its reply as it would go (variables
    /// filled, signature added), and whether that customer was told this already: a reply with
    /// the same text queued to them before, not withdrawn.
    public func ideaFollowUps(tag: String, text: String, by actor: Operator) throws -> [(preview: ReplyPreview, told: Bool)] {
        let ids = try database.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT DISTINCT c.id FROM conversation c JOIN conversation_tag ct ON ct.conversation_id = c.id JOIN tag t ON t.id = ct.tag_id
                WHERE c.kind = 'idea' AND t.name = ? ORDER BY c.id
                """, arguments: [tag])
        }
        let previews = try previewReplies(text, to: ids, by: actor)
        return try database.read { db in
            try previews.map { preview in
                let told = try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM outbox WHERE conversation_id = ? AND kind = 'reply' AND text = ? AND state <> 'cancelled')
                    """, arguments: [preview.conversationID, preview.text]) ?? false
                return (preview, told)
            }
        }
    }

    /// Queues each reply of `ideaFollowUps` not told yet, through the outbox and its undo window:
    /// each its own action (one refusal stops only its conversation), together one step for undo.
    /// Those told already count as unchanged.
    public func ideaDone(tag: String, text: String, by actor: Operator) throws -> ManyOutcome {
        let followUps = try ideaFollowUps(tag: tag, text: text, by: actor)
        let texts = Dictionary(uniqueKeysWithValues: followUps.map { ($0.preview.conversationID, $0.preview.text) })
        var outcome = each(followUps.filter { !$0.told }.map { ($0.preview.conversationID, nil) }, kind: .reply, by: actor) { id, _ in
            try reply(to: id, text: texts[id]!, by: actor, followUp: true)
        }
        outcome.unchanged = followUps.filter(\.told).map(\.preview.conversationID)
        return outcome
    }
}
