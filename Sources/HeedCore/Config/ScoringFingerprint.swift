/// The part of a config that decides what the cache stores — priorities, SLA due times, rules'
/// tags and routing, who counts as us — as one line per section: `sla=3f0c… triage=9a41…`.
/// A cache is scored by one of these, so two operators never see different priorities.
public struct ScoringFingerprint: Sendable, Equatable, CustomStringConvertible {
    /// The config's top-level keys that change stored results.
    public static let sections = ["accounts", "business_hours", "channels", "rules", "sla", "timezone", "triage"]

    /// Each section's hash (absent sections hash as absent: a file without them scores as the defaults do).
    public var hashes: [String: String]

    /// From a config file's parsed root (nil: no file, the defaults).
    public init(root: JSONNode?) {
        var members: [String: JSONNode] = [:]
        if case .object(let top)? = root?.value { for member in top { members[member.key] = member.value } }
        hashes = Dictionary(uniqueKeysWithValues: Self.sections.map { section in
            (section, members[section].map { Self.hash(Self.canonical($0)) } ?? "-")
        })
    }

    /// As stored: `accounts=… business_hours=- …`, sections in order.
    public init?(stored: String) {
        var hashes: [String: String] = [:]
        for pair in stored.split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            hashes[String(parts[0])] = String(parts[1])
        }
        self.hashes = hashes
    }

    public var description: String { Self.sections.map { "\($0)=\(hashes[$0] ?? "-")" }.joined(separator: " ") }

    /// The sections where `other` differs from this one.
    public func differences(from other: ScoringFingerprint) -> [String] {
        Self.sections.filter { hashes[$0] != other.hashes[$0] }
    }

    /// JSON with object keys sorted, so that reordering a file changes nothing.
    static func canonical(_ node: JSONNode) -> String {
        switch node.value {
        case .object(let members):
            let sorted = members.sorted { $0.key < $1.key }
            return "{" + sorted.map { member in
                var key = ""
                JSONWriter.quote(member.key, into: &key)
                return key + ":" + canonical(member.value)
            }.joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map(canonical).joined(separator: ",") + "]"
        default: return JSONWriter.string(node)
        }
    }

    /// Stable across runs and machines, as a stored binding must be.
    static func hash(_ text: String) -> String {
        let hex = String(FNV1a.hash(text.utf8), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
