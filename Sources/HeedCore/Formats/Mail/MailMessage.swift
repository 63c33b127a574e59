/// One RFC 5322 message: unfolded headers and the raw body, with MIME decoding on demand.
struct MailMessage {
    /// Header names lower-cased, in order (a name may repeat).
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(_ bytes: ArraySlice<UInt8>) {
        var headers: [(String, String)] = []
        var index = bytes.startIndex
        var current: (String, String)?
        while index < bytes.endIndex {
            var end = bytes[index...].firstIndex(of: 0x0A) ?? bytes.endIndex
            let next = end == bytes.endIndex ? end : end + 1
            if end > index && bytes[end - 1] == 0x0D { end -= 1 }
            let line = bytes[index..<end]
            index = next
            if line.isEmpty { break }
            if let first = line.first, first == 0x20 || first == 0x09 {
                // A folded header goes on from the line above.
                current?.1 += " " + Self.text(line).trimmingCharacters(in: .whitespaces)
                continue
            }
            if let current { headers.append(current) }
            guard let colon = line.firstIndex(of: 0x3A) else { current = nil; continue }
            current = (Self.text(line[line.startIndex..<colon]).lowercased().trimmingCharacters(in: .whitespaces),
                       Self.text(line[(colon + 1)...]).trimmingCharacters(in: .whitespaces))
        }
        if let current { headers.append(current) }
        self.headers = headers
        body = Array(bytes[index...])
    }

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    /// Header bytes are ASCII by the standard; anything else is read as Latin-1 rather than lost.
    static func text<C: Collection<UInt8>>(_ bytes: C) -> String {
        String(validating: bytes, as: UTF8.self) ?? String(bytes.map { Character(Unicode.Scalar($0)) })
    }

    /// The readable text of the message: its text/plain part (else its HTML as text), decoded.
    func plainText() -> String {
        MIMEPart(headers: headers, body: body).plainText() ?? ""
    }
}

/// A MIME entity: its content type, transfer encoding and (for multiparts) its parts.
struct MIMEPart {
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var contentType: (type: String, parameters: [String: String]) {
        MIMEPart.parameters(headers.first { $0.name == "content-type" }?.value ?? "text/plain; charset=us-ascii")
    }

    /// `text/plain; charset="utf-8"; format=flowed` → ("text/plain", [charset: utf-8, format: flowed]).
    static func parameters(_ value: String) -> (type: String, parameters: [String: String]) {
        var pieces = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let type = pieces.isEmpty ? "text/plain" : pieces.removeFirst().lowercased()
        var parameters: [String: String] = [:]
        for piece in pieces {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let key = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            parameters[key] = value
        }
        return (type, parameters)
    }

    /// Multiparts nested deeper than this are not read: no mail program nests more than a few,
    /// and a hostile message nests hundreds.
    static let maximumNesting = 8

    /// The first text/plain part, else the first text/html part as text, searched depth first;
    /// each part read once (time linear in the message), no deeper than `maximumNesting`.
    func plainText(depth: Int = 0) -> String? {
        let (type, parameters) = contentType
        if type.hasPrefix("multipart/"), let boundary = parameters["boundary"] {
            guard depth < Self.maximumNesting else { return nil }
            let parts = MIMEPart.split(body, boundary: boundary)
            for part in parts where part.contentType.type == "text/plain" {
                if let text = part.plainText(depth: depth + 1) { return text }
            }
            for part in parts where part.contentType.type != "text/plain" {
                if let text = part.plainText(depth: depth + 1) { return text }
            }
            return nil
        }
        guard type == "text/plain" || type == "text/html" else { return nil }
        var text = Charset.decode(decodedBody(), charset: parameters["charset"] ?? "us-ascii")
        if parameters["format"]?.lowercased() == "flowed" { text = Self.unflow(text, delSp: parameters["delsp"]?.lowercased() == "yes") }
        return type == "text/html" ? HTMLText.plain(text) : text
    }

    func decodedBody() -> [UInt8] {
        switch (headers.first { $0.name == "content-transfer-encoding" }?.value ?? "7bit").lowercased() {
        case "quoted-printable": return TransferEncoding.quotedPrintable(body)
        case "base64": return TransferEncoding.base64(body)
        default: return body
        }
    }

    /// The parts between `--boundary` lines (the preamble and epilogue dropped).
    static func split(_ body: [UInt8], boundary: String) -> [MIMEPart] {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [MIMEPart] = []
        var start: Int?
        var lineStart = 0
        while lineStart <= body.count {
            let lineEnd = body[lineStart...].firstIndex(of: 0x0A) ?? body.count
            let line = body[lineStart..<lineEnd]
            if line.starts(with: delimiter) {
                if let start {
                    var end = lineStart
                    if end > start, body[end - 1] == 0x0A { end -= 1 }
                    if end > start, body[end - 1] == 0x0D { end -= 1 }
                    let message = MailMessage(body[start..<max(start, end)])
                    parts.append(MIMEPart(headers: message.headers, body: message.body))
                }
                if line.dropFirst(delimiter.count).starts(with: [0x2D, 0x2D]) { break }
                start = lineEnd + 1
            }
            lineStart = lineEnd + 1
        }
        return parts
    }

    /// RFC 3676: a line ending in a space goes on in the next one.
    static func unflow(_ text: String, delSp: Bool) -> String {
        var out = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.hasPrefix(" ") { line = line.dropFirst() }
            if line.hasSuffix(" ") && line != "-- " && !line.hasPrefix(">") {
                out += delSp ? line.dropLast() : line
            } else {
                out += line + "\n"
            }
        }
        return out.hasSuffix("\n") && !text.hasSuffix("\n") ? String(out.dropLast()) : out
    }
}

import Foundation
