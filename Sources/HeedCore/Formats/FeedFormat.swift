import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// RSS 2.0 and Atom feeds, WordPress comment feeds included (`dc:creator`, `content:encoded`,
/// `wfw:commentRss`, `thr:in-reply-to`), parsed with Foundation's XMLParser (libxml2).
struct FeedFormat: ByteMentionFormat {
    let name = "feed"
    let summary = "RSS 2.0 and Atom feeds, WordPress comment feeds included (channel blog)"

    func sniff(_ head: [UInt8]) -> Bool {
        let text = String(decoding: head.prefix(2048), as: UTF8.self)
        return text.drop(while: { $0.isWhitespace || $0 == "\u{FEFF}" }).hasPrefix("<") && (text.contains("<rss") || text.contains("<feed"))
    }

    func records(in bytes: [UInt8], context: FormatContext, emit: (FormatRecord) -> Bool) {
        // Feeds never need entity declarations; refusing them rules out expansion bombs outright.
        if Bytes.contains(bytes, Array("<!ENTITY".utf8)) {
            _ = emit(.rejected(Rejection(line: 1, field: nil, reason: "the document declares XML entities; feeds need none and heed does not expand them"), record: nil))
            return
        }
        // Fed as a stream: given all the data at once, libxml2 stops at its 10 MB look-up limit
        // (error 1), and Foundation cannot pass XML_PARSE_HUGE; in chunks a 100,000-item feed reads whole.
        let parser = XMLParser(stream: InputStream(data: Data(Self.validUTF8(bytes))))
        withoutActuallyEscaping(emit) { emit in
            let collector = FeedCollector { item in
                emit(FormatRecord.from(JSONNode(.null, line: item.line), path: item.path) { try self.mention(item) })
            }
            parser.delegate = collector
            parser.shouldResolveExternalEntities = false
            parser.shouldProcessNamespaces = false
            let parsed = parser.parse()
            if collector.stopped { return }
            // XMLParser on Linux reports success for a document cut short; open elements tell.
            if parsed, let open = collector.openElement {
                _ = emit(.rejected(Rejection(line: max(parser.lineNumber, 1), field: nil,
                                             reason: "not valid XML: the feed ends inside <\(open)> (truncated?)"), record: nil))
            } else if !parsed {
                let code = parser.parserError.map { " (libxml2 error \(($0 as NSError).code))" } ?? ""
                _ = emit(.rejected(Rejection(line: max(parser.lineNumber, 1), field: nil, reason: "not valid XML\(code): the feed ends or breaks here"),
                                   record: nil))
            } else if !collector.sawFeed {
                _ = emit(.rejected(Rejection(line: 1, field: nil, reason: "not an RSS or Atom feed"), record: nil))
            }
        }
    }

    /// The feed as valid UTF-8, declared so. Foundation's XMLParser on Linux traps (crashing the
    /// process) on some invalid UTF-8 in element names, found by the mutation tests; a feed
    /// declared Latin-1 or Windows-1252 is converted, anything else has invalid bytes replaced.
    static func validUTF8(_ bytes: [UInt8]) -> [UInt8] {
        let head = String(decoding: bytes.prefix(200), as: UTF8.self).lowercased()
        if head.hasPrefix("<?xml"), let end = head.range(of: "?>"),
           let encoding = ["iso-8859-1", "latin1", "windows-1252", "cp1252"].first(where: { head[..<end.lowerBound].contains($0) }) {
            let declarationEnd = head.utf8.distance(from: head.utf8.startIndex, to: end.upperBound.samePosition(in: head.utf8)!)
            let body = Charset.decode(Array(bytes.dropFirst(declarationEnd)), charset: encoding)
            return Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + body).utf8)
        }
        if String(validating: bytes, as: UTF8.self) != nil { return bytes }
        return Array(String(decoding: bytes, as: UTF8.self).utf8)
    }

    private func mention(_ item: FeedItem) throws -> IncomingMention {
        let body = item.fields["content:encoded"] ?? item.fields["content"] ?? item.fields["description"] ?? item.fields["summary"]
        let text = HTMLText.plain(body ?? item.fields["title"] ?? "")
        guard let id = item.fields["guid"] ?? item.fields["id"] ?? item.link else {
            throw FieldError(field: "\(item.path).guid", reason: "missing (no guid, id or link)")
        }
        let dateText = item.fields["pubDate"] ?? item.fields["published"] ?? item.fields["updated"] ?? item.fields["dc:date"]
        guard let dateText else { throw FieldError(field: "\(item.path).pubDate", reason: "missing") }
        guard let createdAt = RFC3339.milliseconds(from: dateText) ?? RFC822.milliseconds(from: dateText) else {
            throw FieldError(field: "\(item.path).pubDate", reason: "\"\(DisplayText(untrusted: String(dateText.prefix(40))))\" is not an RFC 822 or RFC 3339 date")
        }
        let author = item.fields["dc:creator"] ?? item.fields["author/name"] ?? item.fields["author"] ?? "anonymous"
        return IncomingMention(
            channel: "blog", sourceID: id, text: text, createdAt: createdAt,
            author: IncomingAuthor(id: Self.authorID(item, name: author, itemID: id), handle: author, name: author),
            url: item.link, inReplyTo: item.inReplyTo,
            extra: item.fields["wfw:commentRss"].map { JSONWriter.object([("comment_feed", $0)]) })
    }
}

extension FeedFormat {
    /// Who wrote a comment, as one account: the Atom author's `uri` or `email` when given. A
    /// WordPress comment feed names its commenters by display name only, so the name counts as
    /// one person on one site (`Hannah Silva@blog.northwind.example`): every "John" of every
    /// blog would otherwise be one contact, with one history and one set of tags.
    static func authorID(_ item: FeedItem, name: String, itemID: String) -> String {
        if let uri = item.fields["author/uri"] { return uri }
        if let email = item.fields["author/email"] { return email.lowercased() }
        let site = [item.link, itemID].lazy.compactMap { $0.flatMap(URLComponents.init(string:))?.host?.lowercased() }.first { !$0.isEmpty }
        return site.map { "\(name)@\($0)" } ?? name
    }
}

/// One `<item>` or `<entry>`: its text fields by element name, and where it was.
struct FeedItem {
    var line: Int
    var path: String
    var fields: [String: String] = [:]
    var link: String?
    var inReplyTo: String?
}

/// Collects items and entries while XMLParser walks the feed, handing each on as it closes.
final class FeedCollector: NSObject, XMLParserDelegate {
    private let emit: (FeedItem) -> Bool
    private var count = 0
    private(set) var stopped = false
    private(set) var sawFeed = false
    private var current: FeedItem?
    private var stack: [String] = []
    private var open: [String] = []

    /// The innermost element still open when the parser stopped (nil for a complete document).
    var openElement: String? { open.last }

    init(emit: @escaping (FeedItem) -> Bool) {
        self.emit = emit
    }
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        open.append(name)
        if name == "rss" || name == "feed" { sawFeed = true }
        if name == "item" || name == "entry" {
            current = FeedItem(line: parser.lineNumber, path: "\(name)[\(count)]")
            stack = []
        } else if current != nil {
            stack.append(name)
            if name == "link" {
                // Atom: <link rel="alternate" href="…"/>; RSS: <link>text</link>.
                if let href = attributes["href"], attributes["rel"] ?? "alternate" == "alternate" { current?.link = href }
            }
            if name == "thr:in-reply-to" { current?.inReplyTo = attributes["ref"] ?? attributes["href"] }
        }
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, foundCDATA block: Data) { text += String(decoding: block, as: UTF8.self) }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if !open.isEmpty { open.removeLast() }
        if name == "item" || name == "entry", let item = current {
            count += 1
            current = nil
            if !emit(item) {
                stopped = true
                parser.abortParsing()
            }
            return
        }
        guard current != nil, !stack.isEmpty else { return }
        let key = stack.count >= 2 && stack[stack.count - 2] == "author" ? "author/\(name)" : name
        let value = Bytes.trimmed(text)
        if name == "link" {
            if current?.link == nil, !value.isEmpty { current?.link = value }
        } else if !value.isEmpty, current?.fields[key] == nil {
            current?.fields[key] = value
        }
        stack.removeLast()
        text = ""
    }
}

