/// LinkedIn Community Management API comments (`GET /rest/socialActions/{urn}/comments`).
struct LinkedInFormat: MentionFormat {
    let name = "linkedin"
    let summary = "LinkedIn API comments JSON: elements[] with actor, message.text, created.time, parentComment"

    func recognises(_ document: JSONNode) -> Bool {
        guard case .array(let items)? = document["elements"]?.value, let first = items.first else { return false }
        return first["actor"] != nil && first["message"] != nil
    }

    func records(in document: JSONNode, context: FormatContext) -> [FormatRecord] {
        guard case .array(let items)? = document["elements"]?.value else { return [] }
        return items.enumerated().map { index, item in
            let path = "elements[\(index)]"
            return FormatRecord.from(item, path: path) { try mention(item, path: path) }
        }
    }

    private func mention(_ node: JSONNode, path: String) throws -> IncomingMention {
        let comment = RecordReader(node: node, path: path)
        let urn = try comment.string("commentUrn") ?? comment.string("$URN") ?? comment.requiredString("id")
        let actor = try comment.requiredString("actor")
        // Names come only with a projection (`actor~`); without it the member is their URN.
        let profile = try comment.object("actor~")
        let first = try profile?.string("localizedFirstName")
        let last = try profile?.string("localizedLastName")
        let name = [first, last].compactMap { $0 }.joined(separator: " ")
        guard let created = try comment.object("created"), case .number(let raw)? = created.child("time")?.value, let time = Int64(raw) else {
            throw FieldError(field: comment.field("created.time"), reason: "missing or not milliseconds")
        }
        return IncomingMention(
            channel: "linkedin", sourceID: urn, text: try comment.object("message")?.requiredString("text") ?? "",
            createdAt: time,
            author: IncomingAuthor(id: actor, handle: try profile?.string("vanityName") ?? actor, name: name.isEmpty ? nil : name),
            inReplyTo: try comment.string("parentComment"),
            metrics: Metrics(likes: try comment.object("likesSummary")?.count("totalLikes") ?? 0,
                             replies: try comment.object("commentsSummary")?.count("totalFirstLevelComments") ?? 0),
            // Each comment thread is its own conversation; the post it sits under is kept for context.
            extra: try comment.string("object").map { JSONWriter.object([("object", $0)]) })
    }
}
