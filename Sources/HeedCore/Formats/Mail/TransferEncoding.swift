/// Content-Transfer-Encoding and RFC 2047 header words.
enum TransferEncoding {
    static func quotedPrintable<C: Collection<UInt8>>(_ input: C, underscoreIsSpace: Bool = false) -> [UInt8] {
        let bytes = Array(input)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "=") {
                if i + 2 < bytes.count, let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) {
                    out.append(hi << 4 | lo)
                    i += 3
                    continue
                }
                // A soft line break: `=` at the end of a line joins it to the next.
                var j = i + 1
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
                if j < bytes.count, bytes[j] == 0x0D { j += 1 }
                if j < bytes.count, bytes[j] == 0x0A {
                    i = j + 1
                    continue
                }
                if j == bytes.count { break }
            }
            out.append(underscoreIsSpace && b == UInt8(ascii: "_") ? 0x20 : b)
            i += 1
        }
        return out
    }

    static func base64<C: Collection<UInt8>>(_ input: C) -> [UInt8] {
        let clean = input.filter { !($0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x09) }
        var padded = Array(clean)
        while padded.count % 4 != 0 { padded.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(padded)).map(Array.init) ?? []
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }

    /// RFC 2047: `=?UTF-8?Q?Caf=C3=A9?=` and `=?iso-8859-1?B?...?=` words decoded; the space
    /// between two encoded words dropped, as the RFC says.
    static func headerWords(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var out = ""
        var rest = Substring(value)
        var lastWasEncoded = false
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            let afterStart = rest[start.upperBound...]
            let pieces = afterStart.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard pieces.count == 4, pieces[3].hasPrefix("="), ["q", "b"].contains(pieces[1].lowercased()) else {
                out += before + "=?"
                rest = afterStart
                lastWasEncoded = false
                continue
            }
            if !(lastWasEncoded && before.allSatisfy(\.isWhitespace)) { out += before }
            let data = pieces[1].lowercased() == "q" ? quotedPrintable(Array(pieces[2].utf8), underscoreIsSpace: true) : base64(Array(pieces[2].utf8))
            out += Charset.decode(data, charset: String(pieces[0]))
            rest = pieces[3].dropFirst()
            lastWasEncoded = true
        }
        return out + rest
    }
}

/// Text from bytes in the charsets mail really uses; unknown ones are read as UTF-8, repaired.
enum Charset {
    static func decode(_ bytes: [UInt8], charset: String) -> String {
        switch charset.lowercased().split(separator: "*").first.map(String.init) ?? "" {
        case "iso-8859-1", "latin1", "iso_8859-1", "l1":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case "windows-1252", "cp1252":
            return String(String.UnicodeScalarView(bytes.map { windows1252($0) }))
        default:
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Windows-1252 is Latin-1 but for 0x80–0x9F, where it has typographic characters.
    private static let high: [UInt32] = [0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
                                         0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
                                         0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178]

    private static func windows1252(_ byte: UInt8) -> Unicode.Scalar {
        (0x80...0x9F).contains(byte) ? Unicode.Scalar(high[Int(byte - 0x80)])! : Unicode.Scalar(byte)
    }
}

import Foundation
