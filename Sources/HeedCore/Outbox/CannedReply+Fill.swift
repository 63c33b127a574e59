import GRDB

extension CannedReply {
    /// The canned replies whose name starts with `prefix` (any case), in the config's order.
    public static func matching(_ prefix: String, in config: Config) -> [CannedReply] {
        let prefix = prefix.trimmingCharacters(in: .whitespaces).lowercased()
        return config.cannedReplies.filter { $0.name.lowercased().hasPrefix(prefix) }
    }

    /// The text with its variables filled for conversation `id`'s customer and `actor`:
    /// `{first_name}` `{handle}` `{operator}` `{signature}` `{incident}` (its title) `{case}` (`#42`).
    public func filled(_ db: Database, conversation id: Int64, by actor: Operator) throws -> String {
        let row = try Row.fetchOne(db, sql: """
            SELECT h.name, h.handle, i.title FROM conversation c
            JOIN mention m ON m.id = coalesce(c.latest_customer_mention_id, c.latest_mention_id)
            JOIN contact_handle h ON h.id = m.handle_id LEFT JOIN incident i ON i.id = c.incident_id WHERE c.id = ?
            """, arguments: [id])
        let handle: String = row?["handle"] ?? ""
        let name: String? = row?["name"]
        let values: [String: String] = [
            "first_name": name?.split(separator: " ").first.map(String.init) ?? handle,
            "handle": "@" + handle,
            "operator": actor.firstName,
            "signature": actor.signature,
            "incident": (row?["title"] as String?) ?? "",
            "case": "#\(id)",
        ]
        var result = text
        // What the public wrote (a name, a handle, an incident's words) goes into our post
        // without the controls a terminal or a network would act on.
        for (variable, value) in values { result = result.replacingOccurrences(of: "{\(variable)}", with: Self.clean(value)) }
        // A variable with nothing to say ({incident} outside one) leaves no empty brackets behind.
        result = result.replacingOccurrences(of: " ()", with: "").replacingOccurrences(of: "()", with: "")
        return result.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// A value without what `DisplayText` neutralises (controls, separators, bidi and other
    /// invisible format characters): left out, not replaced.
    static func clean(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.filter { !DisplayText.isNeutralised($0) }))
    }
}
