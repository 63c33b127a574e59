/// heed's own format: one JSON object a line (see docs/formats.md).
public enum HeedJSONLines {
    /// Longer text is refused rather than stored: no post on any channel comes near it.
    public static let maximumTextBytes = 1 << 20

    /// Parses one line; `isKnownChannel` says which `channel` values the config allows.
    public static func parse(line bytes: UnsafeBufferPointer<UInt8>, number: Int,
                             isKnownChannel: (String) -> Bool) -> Result<IncomingMention, Rejection> {
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes, firstLine: number)
        } catch {
            return .failure(Rejection(line: number, field: nil, reason: "not valid JSON: \(error.reason) (column \(error.column))"))
        }
        switch record(root, isKnownChannel: isKnownChannel) {
        case .mention(let mention): return .success(mention)
        case .rejected(let rejection, _): return .failure(rejection)
        }
    }

    /// One parsed line as a record of heed's format.
    static func record(_ root: JSONNode, isKnownChannel: (String) -> Bool) -> FormatRecord {
        FormatRecord.from(root, path: "", wholeDocument: true) { try mention(from: root, isKnownChannel: isKnownChannel) }
    }

    private static func mention(from root: JSONNode, isKnownChannel: (String) -> Bool) throws -> IncomingMention {
        guard case .object(let members) = root.value else {
            throw FieldError(field: "", reason: "expected a JSON object, got \(root.value.typeName)")
        }
        var extra: [JSONMember] = []
        var fields = Fields()
        for member in members {
            switch member.key {
            case "channel": fields.channel = member.value
            case "id": fields.id = member.value
            case "text": fields.text = member.value
            case "created_at": fields.createdAt = member.value
            case "author": fields.author = member.value
            case "url": fields.url = member.value
            case "in_reply_to": fields.inReplyTo = member.value
            case "conversation_id": fields.conversationID = member.value
            case "lang": fields.lang = member.value
            case "metrics": fields.metrics = member.value
            default: extra.append(member)
            }
        }
        let channel = try requiredString(fields.channel, "channel")
        guard isKnownChannel(channel) else {
            throw FieldError(field: "channel", reason: "unknown channel \"\(DisplayText(untrusted: channel))\" (name it under \"channels\" in the config)")
        }
        let id = try requiredString(fields.id, "id")
        let text = try requiredString(fields.text, "text", allowEmpty: true)
        guard text.utf8.count <= maximumTextBytes else {
            throw FieldError(field: "text", reason: "longer than \(maximumTextBytes) bytes")
        }
        let createdText = try requiredString(fields.createdAt, "created_at")
        guard let createdAt = RFC3339.milliseconds(from: createdText) else {
            throw FieldError(field: "created_at", reason: "\"\(DisplayText(untrusted: String(createdText.prefix(40))))\" is not an RFC 3339 time like 2026-11-23T09:41:07Z")
        }
        guard let authorNode = fields.author else { throw FieldError(field: "author", reason: "missing") }
        guard case .object = authorNode.value else {
            throw FieldError(field: "author", reason: "expected an object, got \(authorNode.value.typeName)")
        }
        let author = IncomingAuthor(
            id: try requiredString(authorNode["id"], "author.id"),
            handle: try requiredString(authorNode["handle"], "author.handle"),
            name: try optionalString(authorNode["name"], "author.name"),
            followers: try optionalCount(authorNode["followers"], "author.followers") ?? 0,
            verified: try optionalBool(authorNode["verified"], "author.verified") ?? false)
        var metrics = Metrics()
        if let metricsNode = fields.metrics, !metricsNode.isNull {
            guard case .object = metricsNode.value else {
                throw FieldError(field: "metrics", reason: "expected an object, got \(metricsNode.value.typeName)")
            }
            metrics.likes = try optionalCount(metricsNode["likes"], "metrics.likes") ?? 0
            metrics.reposts = try optionalCount(metricsNode["reposts"], "metrics.reposts") ?? 0
            metrics.replies = try optionalCount(metricsNode["replies"], "metrics.replies") ?? 0
        }
        return IncomingMention(
            channel: channel, sourceID: id, text: text, createdAt: createdAt, author: author,
            url: try optionalString(fields.url, "url"),
            inReplyTo: try optionalString(fields.inReplyTo, "in_reply_to"),
            threadID: try optionalString(fields.conversationID, "conversation_id"),
            lang: try optionalString(fields.lang, "lang"),
            metrics: metrics,
            extra: extra.isEmpty ? nil : JSONWriter.string(JSONNode(.object(extra))))
    }

    /// The known top-level fields of a record; everything else is kept in `extra`.
    private struct Fields {
        var channel, id, text, createdAt, author, url, inReplyTo, conversationID, lang, metrics: JSONNode?
    }

    private static func requiredString(_ node: JSONNode?, _ field: String, allowEmpty: Bool = false) throws -> String {
        guard let node else { throw FieldError(field: field, reason: "missing") }
        return try string(node, field, allowEmpty: allowEmpty)
    }

    private static func string(_ node: JSONNode, _ field: String, allowEmpty: Bool) throws -> String {
        guard case .string(let value) = node.value else {
            throw FieldError(field: field, reason: "expected a string, got \(node.value.typeName)")
        }
        if !allowEmpty && value.isEmpty { throw FieldError(field: field, reason: "must not be empty") }
        return value
    }

    private static func optionalString(_ node: JSONNode?, _ field: String) throws -> String? {
        guard let node, !node.isNull else { return nil }
        let value = try string(node, field, allowEmpty: true)
        return value.isEmpty ? nil : value
    }

    private static func optionalCount(_ node: JSONNode?, _ field: String) throws -> Int? {
        guard let node, !node.isNull else { return nil }
        guard case .number(let raw) = node.value else {
            throw FieldError(field: field, reason: "expected a whole number, got \(node.value.typeName)")
        }
        guard let value = Int(raw), value >= 0 else {
            throw FieldError(field: field, reason: "expected a whole number ≥ 0, got \(raw)")
        }
        return value
    }

    private static func optionalBool(_ node: JSONNode?, _ field: String) throws -> Bool? {
        guard let node, !node.isNull else { return nil }
        guard let value = node.bool else {
            throw FieldError(field: field, reason: "expected true or false, got \(node.value.typeName)")
        }
        return value
    }
}

extension HeedJSONLines {
    /// One mention as a line of heed's format (without the newline).
    public static func encode(_ m: IncomingMention) -> String {
        var out = "{\"channel\":"
        JSONWriter.quote(m.channel, into: &out)
        out += ",\"id\":"
        JSONWriter.quote(m.sourceID, into: &out)
        out += ",\"text\":"
        JSONWriter.quote(m.text, into: &out)
        out += ",\"created_at\":\"" + RFC3339.string(fromMilliseconds: m.createdAt) + "\",\"author\":{\"id\":"
        JSONWriter.quote(m.author.id, into: &out)
        out += ",\"handle\":"
        JSONWriter.quote(m.author.handle, into: &out)
        if let name = m.author.name {
            out += ",\"name\":"
            JSONWriter.quote(name, into: &out)
        }
        out += ",\"followers\":\(m.author.followers),\"verified\":\(m.author.verified)}"
        for (key, value) in [("url", m.url), ("in_reply_to", m.inReplyTo), ("conversation_id", m.threadID), ("lang", m.lang)] {
            guard let value else { continue }
            out += ",\"\(key)\":"
            JSONWriter.quote(value, into: &out)
        }
        out += ",\"metrics\":{\"likes\":\(m.metrics.likes),\"reposts\":\(m.metrics.reposts),\"replies\":\(m.metrics.replies)}"
        if let extra = m.extra, extra.count > 2 {
            // Unknown fields go back where they came from: at the top level.
            out += "," + extra.dropFirst()
        } else {
            out += "}"
        }
        return out
    }
}
