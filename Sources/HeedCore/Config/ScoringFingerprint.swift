/// The part of a config that decides what the cache stores — priorities, SLA due times, rules'
/// tags and routing, who counts as us — as one line per section: `sla=3f0c… triage=9a41…`.
/// A cache is scored by one of these, so two operators never see different priorities.
public struct ScoringFingerprint: Sendable, Equatable, CustomStringConvertible {
    /// The config's top-level keys that change stored results.
    public static let sections = ["accounts", "business_hours", "channels", "rules", "sla", "timezone", "triage"]

    /// Each section's hash (absent sections hash as absent: a file without them scores as the defaults do).
    public var hashes: [String: String]
    /// Sections' hashes as an earlier heed took them, where they differ: a cache bound then
    /// still matches the config it was bound to.
    public var earlier: [String: String] = [:]

    /// From a config file's parsed root (nil: no file, the defaults).
    public init(root: JSONNode?) {
        var members: [String: JSONNode] = [:]
        if case .object(let top)? = root?.value { for member in top { members[member.key] = member.value } }
        hashes = Dictionary(uniqueKeysWithValues: Self.sections.map { section in
            (section, members[section].map { Self.hash(Self.canonical(section == "accounts" ? Self.ourHandles($0) : $0)) } ?? "-")
        })
        if let accounts = members["accounts"], case let whole = Self.hash(Self.canonical(accounts)), whole != hashes["accounts"] {
            earlier["accounts"] = whole
        }
    }

    /// What the accounts decide of the cache is who counts as us: each channel's handles, once
    /// each. How heed connects to an account — its address, interval, stream, secret — is not.
    static func ourHandles(_ accounts: JSONNode) -> JSONNode {
        guard case .object(let channels) = accounts.value else { return accounts }
        return JSONNode(.object(channels.map { channel in
            guard case .array(let items) = channel.value.value else { return channel }
            var seen = Set<String>()
            var handles: [JSONNode] = []
            for item in items {
                guard let handle = item.string ?? item["handle"]?.string ?? item["name"]?.string else {
                    handles.append(item)
                    continue
                }
                if seen.insert(handle).inserted { handles.append(JSONNode(.string(handle))) }
            }
            return JSONMember(key: channel.key, value: JSONNode(.array(handles)))
        }))
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

    /// The sections where `other` differs from this one (taken as stored: its earlier form counts).
    public func differences(from other: ScoringFingerprint) -> [String] {
        Self.sections.filter { hashes[$0] != other.hashes[$0] && (other.earlier[$0] == nil || hashes[$0] != other.earlier[$0]) }
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
