/// Reddit listings: `t3` posts and `t1` comments (with their nested replies), as the API and
/// the inbox (username mentions, replies) return them, and `t4` private messages from the
/// inbox; a submission page is an array of two listings.
struct RedditFormat: MentionFormat {
    let name = "reddit"
    let summary = "Reddit listing JSON: t3 posts and t1 comments with replies; inbox mentions and private messages"

    func recognises(_ document: JSONNode) -> Bool {
        if case .array(let items) = document.value { return items.first.map(isListing) ?? false }
        return isListing(document)
    }

    private func isListing(_ node: JSONNode) -> Bool { node["kind"]?.string == "Listing" && node["data"]?["children"] != nil }

    func records(in document: JSONNode, context: FormatContext) -> [FormatRecord] {
        var records: [FormatRecord] = []
        if case .array(let listings) = document.value {
            for (index, listing) in listings.enumerated() { collect(listing, path: "[\(index)]", into: &records) }
        } else {
            collect(document, path: "", into: &records)
        }
        return records
    }

    private func collect(_ listing: JSONNode, path: String, into records: inout [FormatRecord]) {
        guard case .array(let children) = listing["data"]?["children"]?.value else { return }
        for (index, child) in children.enumerated() {
            let childPath = "\(path.isEmpty ? "" : path + ".")data.children[\(index)]"
            guard let kind = child["kind"]?.string, ["t1", "t3", "t4"].contains(kind), let data = child["data"] else { continue }
            let dataPath = childPath + ".data"
            records.append(FormatRecord.from(data, path: dataPath) { try mention(data, kind: kind, path: dataPath) })
            if let replies = data["replies"], case .object = replies.value { collect(replies, path: dataPath + ".replies", into: &records) }
        }
    }

    private func mention(_ node: JSONNode, kind: String, path: String) throws -> IncomingMention {
        let item = RecordReader(node: node, path: path)
        let fullname = try item.string("name") ?? (try item.requiredString("id")).withPrefix(kind + "_")
        let author = try item.requiredString("author")
        let text: String
        if kind == "t3" {
            let title = try item.string("title") ?? ""
            let body = try item.string("selftext") ?? ""
            text = body.isEmpty ? title : title + "\n\n" + body
        } else if kind == "t4", try item.string("first_message_name") == nil, let subject = try item.string("subject"), !subject.isEmpty {
            // A private conversation's first message: its subject is what it is about.
            text = subject + "\n\n" + (try item.requiredString("body"))
        } else {
            text = try item.requiredString("body")
        }
        guard case .number(let raw)? = item.child("created_utc")?.value, let seconds = Double(raw),
              let milliseconds = Int64(exactly: (seconds * 1000).rounded()), abs(milliseconds) < 1 << 50 else {
            throw FieldError(field: item.field("created_utc"), reason: "missing, or not a time in seconds")
        }
        var permalink = try item.string("permalink") ?? item.string("context")
        if kind == "t4", permalink?.isEmpty ?? true { permalink = "/message/messages/" + fullname.dropFirst(3) }
        // A private message's thread is its conversation's first message.
        let thread = kind == "t4" ? try item.string("first_message_name") ?? fullname : nil
        return IncomingMention(
            channel: "reddit", sourceID: fullname, text: HTMLText.decodeEntities(text),
            createdAt: milliseconds,
            author: IncomingAuthor(id: try item.string("author_fullname") ?? "u/" + author, handle: author),
            url: permalink.map { $0.hasPrefix("http") ? $0 : "https://www.reddit.com" + $0 },
            inReplyTo: kind == "t3" ? nil : try item.string("parent_id"),
            threadID: kind == "t1" ? try item.string("link_id") : thread ?? fullname,
            metrics: Metrics(likes: Swift.max(0, item.child("score")?.int ?? 0), replies: try item.count("num_comments") ?? 0),
            extra: kind == "t4" ? JSONWriter.object([("private_message", JSONValue.bool(true))]) : nil)
    }
}

private extension String {
    func withPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? self : prefix + self }
}

import Foundation
