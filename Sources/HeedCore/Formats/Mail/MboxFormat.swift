/// mbox files of replies to a newsletter (mboxo and mboxrd): MIME multipart, quoted-printable
/// and base64, UTF-8, ISO-8859-1 and Windows-1252, RFC 2047 headers, threads from
/// `Message-ID`, `In-Reply-To` and `References`. The quoted earlier message is trimmed from
/// the text shown and kept whole in the cache.
struct MboxFormat: MessageMentionFormat {
    let name = "mbox"
    let summary = "mbox of e-mail replies: MIME, quoted-printable, base64, RFC 2047, threads by Message-ID (channel email)"

    private static let separator = Array("From ".utf8)

    func sniff(_ head: [UInt8]) -> Bool { head.starts(with: Self.separator) }

    func startsMessage(_ line: UnsafeBufferPointer<UInt8>) -> Bool { line.starts(with: Self.separator) }

    func record(message bytes: ArraySlice<UInt8>, line: Int) -> FormatRecord {
        do {
            return .mention(try mention(MailMessage(Self.unescaped(bytes))))
        } catch let error as FieldError {
            return .rejected(Rejection(line: line, field: error.field, reason: error.reason), record: nil)
        } catch {
            return .rejected(Rejection(line: line, field: nil, reason: "\(error)"), record: nil)
        }
    }

    private func mention(_ message: MailMessage) throws -> IncomingMention {
        guard let id = message.header("message-id").flatMap({ Self.messageIDs($0).first }) else {
            throw FieldError(field: "Message-ID", reason: "missing")
        }
        guard let dateText = message.header("date") else { throw FieldError(field: "Date", reason: "missing") }
        guard let createdAt = RFC822.milliseconds(from: dateText) else {
            throw FieldError(field: "Date", reason: "\"\(DisplayText(untrusted: String(dateText.prefix(40))))\" is not an RFC 2822 date")
        }
        guard let from = message.header("from") else { throw FieldError(field: "From", reason: "missing") }
        let (name, address) = Self.mailbox(TransferEncoding.headerWords(from))
        let full = message.plainText()
        let references = message.header("references").map(Self.messageIDs) ?? []
        let parent = message.header("in-reply-to").flatMap { Self.messageIDs($0).first } ?? references.last
        var members = [(key: "full_text", value: full)]
        if let subject = message.header("subject") { members.append((key: "subject", value: TransferEncoding.headerWords(subject))) }
        let extra = JSONWriter.object(members)
        return IncomingMention(channel: "email", sourceID: id, text: QuotedText.trimmed(full), createdAt: createdAt,
                               author: IncomingAuthor(id: address, handle: address, name: name),
                               inReplyTo: parent, threadID: references.first, extra: extra)
    }

    /// `<a@b> <c@d>` → ["a@b", "c@d"], the angle brackets dropped.
    static func messageIDs(_ value: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            ids.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        if ids.isEmpty, !value.trimmingCharacters(in: .whitespaces).isEmpty { ids.append(value.trimmingCharacters(in: .whitespaces)) }
        return ids
    }

    /// `"Dana K" <dana@example.com>` → ("Dana K", "dana@example.com"); a bare address has no name.
    static func mailbox(_ value: String) -> (name: String?, address: String) {
        if let open = value.lastIndex(of: "<"), let close = value[open...].firstIndex(of: ">") {
            let address = String(value[value.index(after: open)..<close]).lowercased()
            let name = value[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return (name.isEmpty ? nil : name, address)
        }
        return (nil, value.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// mboxrd escapes body lines starting with `From ` as `>From `; one `>` comes off.
    static func unescaped(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard bytes.firstRange(of: Array(">From ".utf8)) != nil else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var atLineStart = true
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if atLineStart, bytes[index] == UInt8(ascii: ">") {
                var j = index
                while j < bytes.endIndex, bytes[j] == UInt8(ascii: ">") { j += 1 }
                if bytes[j...].starts(with: separator) { index += 1 }
            }
            let byte = bytes[index]
            out.append(byte)
            atLineStart = byte == 0x0A
            index += 1
        }
        return out[...]
    }
}

import Foundation
