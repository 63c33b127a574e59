import Foundation

/// Byte searches and trims for the hot import paths (Foundation's generic ones cost a fifth of a
/// feed import: `firstRange(of:)` on bytes resolves to DataProtocol's slow matcher).
enum Bytes {
    /// Whether `needle` occurs in `haystack` (memchr to each candidate first byte, then compare).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        firstIndex(of: needle, in: haystack, from: 0) != nil
    }

    /// `text` with every `slot` replaced by what `makeValue` makes, byte for byte, or nil when
    /// `slot` is not in it; `makeValue` is called once, and only when `slot` is found. Foundation's
    /// `replacingOccurrences` compares as Unicode and filling the slots with it was over a tenth
    /// of building the demo; its templates' slots are ASCII.
    static func replacing(_ slot: String, in text: String, with makeValue: () -> String) -> String? {
        let haystack = Array(text.utf8), needle = Array(slot.utf8)
        guard var hit = firstIndex(of: needle, in: haystack, from: 0) else { return nil }
        let value = makeValue()
        var out: [UInt8] = []
        out.reserveCapacity(haystack.count + value.utf8.count)
        var copied = 0
        while true {
            out.append(contentsOf: haystack[copied..<hit])
            out.append(contentsOf: value.utf8)
            copied = hit + needle.count
            guard let next = firstIndex(of: needle, in: haystack, from: copied) else { break }
            hit = next
        }
        out.append(contentsOf: haystack[copied...])
        return String(decoding: out, as: UTF8.self)
    }

    /// Where `needle` first occurs in `haystack` at or after `start`.
    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count - start >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var at = start
                let last = hay.count - pin.count
                while at <= last {
                    guard let hit = memchr(hay.baseAddress! + at, Int32(first), last - at + 1) else { return nil }
                    let index = hay.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(hay.baseAddress! + index, pin.baseAddress!, pin.count) == 0 { return index }
                    at = index + 1
                }
                return nil
            }
        }
    }

    /// Text without surrounding ASCII whitespace.
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isSpace($0) })!
        if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return text }
        return String(decoding: utf8[first...last], as: UTF8.self)
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// `text` in lower case as UTF-8, as `text.lowercased()` gives it: ASCII without Unicode's
    /// case tables; beyond it, each character looked up only for whether lower case changes it.
    /// `String.lowercased()` builds each character's mapping as a string of its own: about 40,000
    /// instructions a text for an import's thread with one accent or typographic quote in it.
    static func lowercased(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        for index in bytes.indices {
            let byte = bytes[index]
            if byte >= 0x80 { return lowercasedBeyondASCII(text, capacity: bytes.count) }
            if byte >= 0x41 && byte <= 0x5A { bytes[index] = byte | 0x20 }
        }
        return bytes
    }

    private static func lowercasedBeyondASCII(_ text: String, capacity: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(capacity)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                out.append(value >= 0x41 && value <= 0x5A ? UInt8(value | 0x20) : UInt8(value))
            } else if scalar.properties.changesWhenLowercased {
                out.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
            } else {
                out.append(contentsOf: scalar.utf8)
            }
        }
        return out
    }
}
