/// heed's own format: one JSON object a line (see docs/formats.md).
public enum HeedJSONLines {
    static let knownKeys: Set<String> = ["channel", "id", "text", "created_at", "author", "url", "in_reply_to",
                                         "conversation_id", "lang", "metrics"]
    static let authorKeys: Set<String> = ["id", "handle", "name", "followers", "verified"]
    /// Longer text is refused rather than stored: no post on any channel comes near it.
    public static let maximumTextBytes = 1 << 20

    private struct FieldError: Error {
        var field: String
        var reason: String
    }

    /// Parses one line; `isKnownChannel` says which `channel` values the config allows.
    public static func parse(line bytes: UnsafeBufferPointer<UInt8>, number: Int,
                             isKnownChannel: (String) -> Bool) -> Result<IncomingMention, Rejection> {
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes, firstLine: number)
        } catch {
            return .failure(Rejection(line: number, field: nil, reason: "not valid JSON: \(error.reason) (column \(error.column))"))
        }
        do {
            return .success(try mention(from: root, isKnownChannel: isKnownChannel))
        } catch let error as FieldError {
            return .failure(Rejection(line: number, field: error.field, reason: error.reason))
        } catch {
            return .failure(Rejection(line: number, field: nil, reason: "\(error)"))
        }
    }

    private static func mention(from root: JSONNode, isKnownChannel: (String) -> Bool) throws -> IncomingMention {
        guard case .object(let members) = root.value else {
            throw FieldError(field: "", reason: "expected a JSON object, got \(root.value.typeName)")
        }
        var extra: [JSONMember] = []
        var fields: [String: JSONNode] = [:]
        for member in members {
            if knownKeys.contains(member.key) { fields[member.key] = member.value } else { extra.append(member) }
        }
        let channel = try requiredString(fields, "channel")
        guard isKnownChannel(channel) else {
            throw FieldError(field: "channel", reason: "unknown channel \"\(DisplayText(untrusted: channel))\" (name it under \"channels\" in the config)")
        }
        let id = try requiredString(fields, "id")
        let text = try requiredString(fields, "text", allowEmpty: true)
        guard text.utf8.count <= maximumTextBytes else {
            throw FieldError(field: "text", reason: "longer than \(maximumTextBytes) bytes")
        }
        let createdText = try requiredString(fields, "created_at")
        guard let createdAt = RFC3339.milliseconds(from: createdText) else {
            throw FieldError(field: "created_at", reason: "\"\(DisplayText(untrusted: String(createdText.prefix(40))))\" is not an RFC 3339 time like 2026-11-23T09:41:07Z")
        }
        guard let authorNode = fields["author"] else { throw FieldError(field: "author", reason: "missing") }
        guard case .object = authorNode.value else {
            throw FieldError(field: "author", reason: "expected an object, got \(authorNode.value.typeName)")
        }
        let author = IncomingAuthor(
            id: try requiredString(authorNode, "id", prefix: "author."),
            handle: try requiredString(authorNode, "handle", prefix: "author."),
            name: try optionalString(authorNode["name"], "author.name"),
            followers: try optionalCount(authorNode["followers"], "author.followers") ?? 0,
            verified: try optionalBool(authorNode["verified"], "author.verified") ?? false)
        var metrics = Metrics()
        if let metricsNode = fields["metrics"], !metricsNode.isNull {
            guard case .object = metricsNode.value else {
                throw FieldError(field: "metrics", reason: "expected an object, got \(metricsNode.value.typeName)")
            }
            metrics.likes = try optionalCount(metricsNode["likes"], "metrics.likes") ?? 0
            metrics.reposts = try optionalCount(metricsNode["reposts"], "metrics.reposts") ?? 0
            metrics.replies = try optionalCount(metricsNode["replies"], "metrics.replies") ?? 0
        }
        return IncomingMention(
            channel: channel, sourceID: id, text: text, createdAt: createdAt, author: author,
            url: try optionalString(fields["url"], "url"),
            inReplyTo: try optionalString(fields["in_reply_to"], "in_reply_to"),
            threadID: try optionalString(fields["conversation_id"], "conversation_id"),
            lang: try optionalString(fields["lang"], "lang"),
            metrics: metrics,
            extra: extra.isEmpty ? nil : JSONWriter.string(JSONNode(.object(extra))))
    }

    private static func requiredString(_ fields: [String: JSONNode], _ key: String, allowEmpty: Bool = false) throws -> String {
        guard let node = fields[key] else { throw FieldError(field: key, reason: "missing") }
        return try string(node, key, allowEmpty: allowEmpty)
    }

    private static func requiredString(_ object: JSONNode, _ key: String, prefix: String) throws -> String {
        guard let node = object[key] else { throw FieldError(field: prefix + key, reason: "missing") }
        return try string(node, prefix + key, allowEmpty: false)
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
