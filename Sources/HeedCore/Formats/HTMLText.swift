/// Plain text from the small, sanitised HTML that Mastodon (and similar servers) put in posts.
///
/// Paragraphs and `<br>` become line breaks, entities are decoded, links are kept as their URL,
/// and mention links as `@user@host` (the form that identifies an account across servers).
/// No general HTML parser ships with the toolchain or the package mirror; this reads the
/// subset such servers emit (the Mastodon sanitiser's allow-list) and treats anything else as text.
public enum HTMLText {
    public static func plain(_ html: String) -> String {
        // Over the UTF-8 bytes (tags and entities are ASCII), copying text in runs, with the next
        // `>` and `;` each found once: linear however many `<` or `&` never close.
        let bytes = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var link: (href: String, isMention: Bool, text: [UInt8])?
        func emit<C: Collection<UInt8>>(_ s: C) {
            if link != nil { link!.text += s } else { out += s }
        }
        func endsWith(_ suffix: String) -> Bool { out.count >= suffix.utf8.count && out.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) }
        var nextClose = -1
        var index = 0
        var runStart = 0
        while index < bytes.count {
            let c = bytes[index]
            guard c == UInt8(ascii: "<") || c == UInt8(ascii: "&") else {
                index += 1
                continue
            }
            if c == UInt8(ascii: "<") {
                if nextClose < index { nextClose = bytes[index...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count }
                guard nextClose < bytes.count else {
                    index += 1
                    continue
                }
                emit(bytes[runStart..<index])
                let tag = String(decoding: bytes[(index + 1)..<nextClose], as: UTF8.self)
                let name = tag.prefix { $0.isLetter || $0 == "/" }.lowercased()
                switch name {
                case "br", "br/": emit("\n".utf8)
                case "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "div":
                    if !out.isEmpty && !endsWith("\n\n") { emit((endsWith("\n") ? "\n" : "\n\n").utf8) }
                case "li": if !out.isEmpty && !endsWith("\n") { emit("\n".utf8) }
                case "a":
                    let href = attribute("href", in: tag) ?? ""
                    let classes = attribute("class", in: tag) ?? ""
                    link = (href, classes.split(separator: " ").contains("mention"), [])
                case "/a":
                    if let l = link {
                        link = nil
                        out += rendered(link: (l.href, l.isMention, String(decoding: l.text, as: UTF8.self))).utf8
                    }
                default: break
                }
                index = nextClose + 1
                runStart = index
            } else {
                // An entity is at most a dozen bytes: `&` then a name or number and `;`.
                let end = Swift.min(bytes.count, index + 12)
                guard let semicolon = bytes[index..<end].firstIndex(of: UInt8(ascii: ";")),
                      let decoded = entity(String(decoding: bytes[(index + 1)..<semicolon], as: UTF8.self)) else {
                    index += 1
                    continue
                }
                emit(bytes[runStart..<index])
                emit(decoded.utf8)
                index = semicolon + 1
                runStart = index
            }
        }
        emit(bytes[runStart..<bytes.count])
        if let l = link { out += rendered(link: (l.href, l.isMention, String(decoding: l.text, as: UTF8.self))).utf8 }
        return Bytes.trimmed(String(decoding: out, as: UTF8.self))
    }

    /// Text with HTML entities (`&amp;`, `&gt;`, `&#8212;`) decoded and nothing else touched:
    /// for sources that escape plain text (Reddit's `body`, the support CSV's tweets).
    public static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "&", let semicolon = text[index...].prefix(12).firstIndex(of: ";"),
               let decoded = entity(String(text[text.index(after: index)..<semicolon])) {
                out += decoded
                index = text.index(after: semicolon)
            } else {
                out.append(text[index])
                index = text.index(after: index)
            }
        }
        return out
    }

    /// A mention link as `@user@host`, a hashtag as its text, any other link as its URL.
    private static func rendered(link: (href: String, isMention: Bool, text: String)) -> String {
        if link.isMention, link.text.hasPrefix("@"), !link.text.dropFirst().contains("@"),
           let host = host(of: link.href) {
            return link.text + "@" + host
        }
        if link.text.hasPrefix("#") || link.text.hasPrefix("@") || link.href.isEmpty { return link.text }
        return link.href
    }

    /// The host (with its port) of an absolute URL: `https://mstdn.io:8443/@lee` → `mstdn.io:8443`.
    static func host(of url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        let host = rest.prefix { $0 != "/" }
        return host.isEmpty ? nil : String(host)
    }

    private static func attribute(_ name: String, in tag: String) -> String? {
        guard let start = tag.range(of: name + "=\"") else { return nil }
        let rest = tag[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return plainEntities(String(rest[..<end]))
    }

    private static func plainEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return plain(text)
    }

    /// The HTML named entities blogs and forums actually write, beyond XML's five.
    static let named: [String: String] = [
        "pound": "£", "euro": "€", "yen": "¥", "cent": "¢", "copy": "©", "reg": "®", "trade": "™", "deg": "°",
        "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”",
        "laquo": "«", "raquo": "»", "middot": "·", "bull": "•", "times": "×", "divide": "÷", "para": "¶", "sect": "§",
        "eacute": "é", "egrave": "è", "ecirc": "ê", "aacute": "á", "agrave": "à", "acirc": "â", "auml": "ä", "ouml": "ö",
        "uuml": "ü", "szlig": "ß", "ccedil": "ç", "ntilde": "ñ", "oacute": "ó", "iacute": "í", "uacute": "ú",
        "Eacute": "É", "Auml": "Ä", "Ouml": "Ö", "Uuml": "Ü", "iexcl": "¡", "iquest": "¿", "shy": "\u{00AD}",
        "zwj": "\u{200D}", "zwnj": "\u{200C}", "thinsp": "\u{2009}", "ensp": "\u{2002}", "emsp": "\u{2003}",
    ]

    static func entity(_ name: String) -> String? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos", "#39": return "'"
        case "nbsp": return "\u{00A0}"
        default:
            if let named = named[name] { return named }
            let number: UInt32?
            if name.hasPrefix("#x") || name.hasPrefix("#X") { number = UInt32(name.dropFirst(2), radix: 16) }
            else if name.hasPrefix("#") { number = UInt32(name.dropFirst()) }
            else { return nil }
            return number.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
    }
}

import Foundation
