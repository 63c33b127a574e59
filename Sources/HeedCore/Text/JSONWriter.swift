import Foundation

/// Compact JSON text from a `JSONNode` (used to keep unknown fields as they came).
public enum JSONWriter {
    public static func string(_ node: JSONNode) -> String {
        var out = ""
        write(node, into: &out)
        return out
    }

    static func write(_ node: JSONNode, into out: inout String) {
        switch node.value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let raw): out += raw
        case .string(let s): quote(s, into: &out)
        case .array(let elements):
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += "," }
                write(element, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                quote(member.key, into: &out)
                out += ":"
                write(member.value, into: &out)
            }
            out += "}"
        }
    }

    /// `\uXXXX` for one character (a surrogate pair beyond the first plane).
    static func escape(_ c: Unicode.Scalar) -> String {
        String(c).utf16.map { unit in
            let hex = String(unit, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }.joined()
    }

    /// JSON text (from any encoder) with every character a terminal would act on rather than
    /// show (`DisplayText.isNeutralised`) written as `\\uXXXX`: such characters can only stand
    /// inside its strings, where the escape means the same.
    public static func terminalSafe(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { $0 != "\n" && DisplayText.isNeutralised($0) }) else { return json }
        var out = String.UnicodeScalarView()
        for c in json.unicodeScalars {
            // The encoder's own line breaks between members stay.
            if c != "\n" && DisplayText.isNeutralised(c) { out.append(contentsOf: escape(c).unicodeScalars) } else { out.append(c) }
        }
        return String(out)
    }

    /// A value as the JSON heed prints (`--json`, a piped conversation): pretty, keys sorted,
    /// safe for a terminal.
    public static func pretty<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return terminalSafe(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// A JSON object of these members, in this order.
    public static func object(_ members: [(String, JSONValue)]) -> String {
        string(JSONNode(.object(members.map { JSONMember(key: $0.0, value: JSONNode($0.1)) })))
    }

    /// A flat JSON object of string values.
    public static func object(_ members: [(key: String, value: String)]) -> String {
        object(members.map { ($0.key, JSONValue.string($0.value)) })
    }

    /// A JSON array of strings.
    public static func array(_ items: [String]) -> String {
        var out = "["
        for (index, item) in items.enumerated() {
            if index > 0 { out += "," }
            quote(item, into: &out)
        }
        return out + "]"
    }

    public static func quote(_ s: String, into out: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 2)
        quote(s, into: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// `s` quoted as UTF-8 bytes: what writes many small strings builds bytes, since each
    /// `String` append checks where characters begin (a reason's JSON: ~340 instructions each).
    static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape (heed's reasons say "negative −0.9"): copied whole.
        if needsNoEscape(s) {
            out.append(contentsOf: s.utf8)
        } else {
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out.append(contentsOf: #"\""#.utf8)
                case "\\": out.append(contentsOf: #"\\"#.utf8)
                case "\n": out.append(contentsOf: #"\n"#.utf8)
                case "\r": out.append(contentsOf: #"\r"#.utf8)
                case "\t": out.append(contentsOf: #"\t"#.utf8)
                case let c where DisplayText.isNeutralised(c): out.append(contentsOf: escape(c).utf8)
                default: out.append(contentsOf: scalar.utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Printable ASCII but `"` and `\`, and beyond ASCII nothing `DisplayText` neutralises.
    private static func needsNoEscape(_ s: String) -> Bool {
        var ascii = true
        for byte in s.utf8 {
            if byte >= 0x80 {
                ascii = false
            } else if byte < 0x20 || byte == 0x7F || byte == 0x22 || byte == 0x5C {
                return false
            }
        }
        return ascii || !s.unicodeScalars.contains { $0.value >= 0x80 && DisplayText.isNeutralised($0) }
    }
}
