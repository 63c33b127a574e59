/// Mastodon REST API responses: notifications (mentions are kept, likes and follows are not
/// posts), statuses, lists of statuses, and a status context (ancestors and descendants).
struct MastodonFormat: MentionFormat {
    let name = "mastodon"
    let summary = "Mastodon API JSON: notifications (type mention), statuses, status contexts"

    func recognises(_ document: JSONNode) -> Bool {
        switch document.value {
        case .array(let items): return items.first.map(isNotificationOrStatus) ?? false
        case .object: return isNotificationOrStatus(document) || (document["ancestors"] != nil && document["descendants"] != nil)
        default: return false
        }
    }

    private func isNotificationOrStatus(_ node: JSONNode) -> Bool {
        (node["type"] != nil && node["account"] != nil)
            || ((node["content"] != nil || node["text"] != nil) && node["account"] != nil && node["uri"] != nil)
    }

    func records(in document: JSONNode, context: FormatContext) -> [FormatRecord] {
        var items: [(path: String, node: JSONNode)] = []
        switch document.value {
        case .array(let list): items = list.enumerated().map { ("[\($0.offset)]", $0.element) }
        case .object where document["ancestors"] != nil:
            for key in ["ancestors", "descendants"] {
                if case .array(let list) = document[key]?.value { items += list.enumerated().map { ("\(key)[\($0.offset)]", $0.element) } }
            }
        default: items = [("", document)]
        }
        return items.compactMap { path, node in
            if let type = node["type"]?.string {
                // A notification: only a mention carries a post addressed to us.
                guard type == "mention" else { return nil }
                guard let status = node["status"] else {
                    return .rejected(Rejection(line: node.line, field: path.isEmpty ? "status" : "\(path).status", reason: "missing"), record: node)
                }
                let statusPath = path.isEmpty ? "status" : "\(path).status"
                return FormatRecord.from(status, path: statusPath) { try mention(status, path: statusPath) }
            }
            return FormatRecord.from(node, path: path) { try mention(node, path: path) }
        }
    }

    private func mention(_ node: JSONNode, path: String) throws -> IncomingMention {
        var status = RecordReader(node: node, path: path)
        // A boost carries the boosted post; that post is what was said.
        if let boosted = try status.object("reblog") { status = boosted }
        guard let account = try status.object("account") else { throw FieldError(field: status.field("account"), reason: "missing") }
        let acct = try account.requiredString("acct")
        let handle = acct.contains("@") ? acct : acct + "@" + (HTMLText.host(of: try account.string("url") ?? "") ?? "local")
        // `content` is HTML; a deleted status comes back with its plain `text` source instead.
        var text: String
        if let html = try status.string("content") {
            text = HTMLText.plain(html)
        } else if let source = try status.string("text") {
            text = source
        } else {
            throw FieldError(field: status.field("content"), reason: "missing")
        }
        if let warning = try status.string("spoiler_text"), !warning.isEmpty { text = "CW: \(warning)\n\n\(text)" }
        return IncomingMention(
            channel: "mastodon", sourceID: try status.requiredString("id"), text: text,
            createdAt: try status.time("created_at") ?? { throw FieldError(field: status.field("created_at"), reason: "missing") }(),
            author: IncomingAuthor(id: try account.requiredString("id"), handle: handle,
                                   name: try account.string("display_name").flatMap { $0.isEmpty ? nil : $0 },
                                   followers: try account.count("followers_count") ?? 0, verified: false),
            url: try status.string("url"), inReplyTo: try status.string("in_reply_to_id"),
            lang: try status.string("language"),
            metrics: Metrics(likes: try status.count("favourites_count") ?? 0, reposts: try status.count("reblogs_count") ?? 0,
                             replies: try status.count("replies_count") ?? 0))
    }
}
