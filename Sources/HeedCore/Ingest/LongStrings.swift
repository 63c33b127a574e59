/// Drops, as a JSON document is read, each string longer than any field may be: a document may
/// be 256 MiB, and one string of it held whole, parsed and made into a `String` cost gigabytes
/// (a 200 MB post in an API response: 450 MB). Each is read instead as a marker naming its
/// length, which the record's check refuses, naming the field (`ParsedChunks.checked`).
struct LongStrings {
    /// Well above a text's limit: a post's HTML carries its markup on top of its text.
    static let limit = 4 * HeedJSONLines.maximumTextBytes
    static let marker = "heed:dropped-string:"

    private let limit: Int
    /// Whether a string was dropped.
    private(set) var dropped = false
    private var inString = false
    private var escaped = false
    private var dropping = false
    /// Bytes of the current string so far, as written (escapes included).
    private var length = 0

    init(limit: Int = LongStrings.limit) {
        self.limit = limit
    }

    /// Appends `input` to `document`, each string longer than `limit` replaced by the marker.
    /// A string may begin in one call and end in another.
    mutating func append(_ input: ArraySlice<UInt8>, to document: inout [UInt8]) {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var kept = input.startIndex
        var index = input.startIndex
        while index < input.endIndex {
            let byte = input[index]
            defer { index += 1 }
            guard inString else {
                if byte == quote { (inString, length) = (true, 0) }
                continue
            }
            if escaped {
                escaped = false
            } else if byte == backslash {
                escaped = true
            } else if byte == quote {
                inString = false
                if dropping {
                    // Behind a NUL, which no one types (and which heed replaces in what it stores).
                    document += Array("\\u0000\(Self.marker)\(length)".utf8)
                    (dropping, kept) = (false, index)
                }
                continue
            }
            length += 1
            if !dropping && length > limit {
                document += input[kept..<index]
                document.removeLast(length - 1)
                (dropping, dropped) = (true, true)
            }
            if dropping { kept = index + 1 }
        }
        if kept < input.endIndex { document += input[kept...] }
    }

    /// The length of the string dropped where `value` holds the marker (as a string's value, or
    /// written in JSON as fields a format keeps whole are).
    static func dropped(in value: String?) -> Int? {
        guard let value, let range = value.range(of: "\u{0}" + marker) ?? value.range(of: "\\u0000" + marker) else { return nil }
        return Int(value[range.upperBound...].prefix { $0.isNumber })
    }
}
