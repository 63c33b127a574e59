import Foundation

/// One input format heed can import: it recognises a JSON document of its kind and turns it
/// into mentions (or rejections naming the record's line and field).
///
/// A file is read either as JSON Lines (one document a line: heed's format, twarc's pages of
/// X API responses) or as one JSON document (an API response saved to a file).
public protocol MentionFormat: Sendable {
    /// The name `--format` takes.
    var name: String { get }
    /// One line for `heed ingest --formats`.
    var summary: String { get }
    /// Whether a parsed document is of this format (used to detect a file's format).
    func recognises(_ document: JSONNode) -> Bool
    /// The mentions in one document, in order.
    func records(in document: JSONNode, context: FormatContext) -> [FormatRecord]
}

/// A format told apart by a file's first bytes rather than by a parsed document.
public protocol SniffedMentionFormat: MentionFormat {
    func sniff(_ head: [UInt8]) -> Bool
}

/// A format read from the file's bytes as a whole (XML feeds), told apart by its first bytes.
public protocol ByteMentionFormat: SniffedMentionFormat {
    /// Hands each record to `emit` as soon as it is complete, so storing overlaps parsing;
    /// `emit` returning false stops early.
    func records(in bytes: [UInt8], context: FormatContext, emit: (FormatRecord) -> Bool)
}

extension ByteMentionFormat {
    public func recognises(_ document: JSONNode) -> Bool { false }
    public func records(in document: JSONNode, context: FormatContext) -> [FormatRecord] { [] }

    /// All the records at once (tests, small files).
    public func records(in bytes: [UInt8], context: FormatContext) -> [FormatRecord] {
        var all: [FormatRecord] = []
        records(in: bytes, context: context) { all.append($0); return true }
        return all
    }
}

/// A format of messages one after another in a stream (mbox), split where a line starts one.
public protocol MessageMentionFormat: SniffedMentionFormat {
    func startsMessage(_ line: UnsafeBufferPointer<UInt8>) -> Bool
    /// One message (its separator line left out); `line` is where it starts.
    func record(message: ArraySlice<UInt8>, line: Int) -> FormatRecord
}

extension MessageMentionFormat {
    public func recognises(_ document: JSONNode) -> Bool { false }
    public func records(in document: JSONNode, context: FormatContext) -> [FormatRecord] { [] }
}

/// A format of comma-separated records with a header row, told apart by that header.
public protocol CSVMentionFormat: MentionFormat {
    var header: [String] { get }
    /// One record, its fields by header name; `line` is where it starts.
    func record(_ fields: [String: String], line: Int) -> FormatRecord
}

extension CSVMentionFormat {
    public func recognises(_ document: JSONNode) -> Bool { false }
    public func records(in document: JSONNode, context: FormatContext) -> [FormatRecord] { [] }
}

/// What a format needs to know of the config.
public struct FormatContext: Sendable {
    public var isKnownChannel: @Sendable (String) -> Bool

    public init(config: Config) {
        isKnownChannel = { config.isKnownChannel($0) }
    }
}

public enum FormatRecord: Sendable {
    case mention(IncomingMention)
    /// A record that cannot be stored; `record` is its JSON when it is only part of the
    /// document (nil: the whole document, whose raw line goes to the rejects file).
    case rejected(Rejection, record: JSONNode?)
}

/// The formats heed reads, in the order detection tries them.
public enum MentionFormats {
    public static let all: [any MentionFormat] = [HeedFormat(), XFormat(), MastodonFormat(), BlueskyFormat(), RedditFormat(), DiscourseFormat(),
                                                  FacebookFormat(), YouTubeFormat(), LinkedInFormat(), XSupportCSVFormat(), FeedFormat(), MboxFormat()]

    public static func named(_ name: String) -> (any MentionFormat)? { all.first { $0.name == name } }

    /// The CSV format whose header is `line` (a file's first line), if any.
    public static func csv(header line: String) -> (any CSVMentionFormat)? {
        let names = line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        }
        return all.compactMap { $0 as? any CSVMentionFormat }.first { indexColumns(names, $0.header) != nil }
    }

    /// How many leading columns a data-frame library added as its row index (an unnamed first
    /// column, or `Unnamed: 0`) before the format's own header; nil when the header is not it.
    static func indexColumns(_ names: [String], _ header: [String]) -> Int? {
        if names == header { return 0 }
        if names.count == header.count + 1, ["", "Unnamed: 0", "index"].contains(names[0]), Array(names.dropFirst()) == header { return 1 }
        return nil
    }

    public static func detect(_ document: JSONNode) -> (any MentionFormat)? { all.first { $0.recognises(document) } }
}

/// A field problem inside a record, turned into a `Rejection` at the record's line.
struct FieldError: Error {
    var field: String
    var reason: String
}

/// Typed reads of a record's fields that throw a `FieldError` naming the field.
struct RecordReader {
    let node: JSONNode
    /// The path of this record in its document, like `data[3]`; prefixed to field names.
    let path: String

    func child(_ key: String) -> JSONNode? {
        guard let value = node[key], !value.isNull else { return nil }
        return value
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func object(_ key: String) throws -> RecordReader? {
        guard let value = child(key) else { return nil }
        guard case .object = value.value else { throw FieldError(field: field(key), reason: "expected an object, got \(value.value.typeName)") }
        return RecordReader(node: value, path: field(key))
    }

    func string(_ key: String) throws -> String? {
        guard let value = child(key) else { return nil }
        guard case .string(let text) = value.value else {
            throw FieldError(field: field(key), reason: "expected a string, got \(value.value.typeName)")
        }
        return text
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key) else { throw FieldError(field: field(key), reason: "missing") }
        return text
    }

    /// A string, or a whole number written as a number (some APIs do either for ids).
    func identifier(_ key: String) throws -> String? {
        guard let value = child(key) else { return nil }
        switch value.value {
        case .string(let text): return text
        case .number(let raw) where Int64(raw) != nil: return raw
        default: throw FieldError(field: field(key), reason: "expected an id, got \(value.value.typeName)")
        }
    }

    func count(_ key: String) throws -> Int? {
        guard let value = child(key) else { return nil }
        // Some APIs write counts as 12.0; a number past Int's range (1e300) is refused, never trapped on.
        guard case .number(let raw) = value.value, let number = Int(raw) ?? Double(raw).flatMap({ Int(exactly: $0.rounded(.down)) }), number >= 0 else {
            throw FieldError(field: field(key), reason: "expected a count, got \(value.value.typeName)")
        }
        return number
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = child(key) else { return nil }
        guard let flag = value.bool else { throw FieldError(field: field(key), reason: "expected true or false, got \(value.value.typeName)") }
        return flag
    }

    func time(_ key: String) throws -> Int64? {
        guard let text = try string(key) else { return nil }
        guard let ms = RFC3339.milliseconds(from: text) else {
            throw FieldError(field: field(key), reason: "\"\(DisplayText(untrusted: String(text.prefix(40))))\" is not an RFC 3339 time")
        }
        return ms
    }

    func array(_ key: String) throws -> [JSONNode]? {
        guard let value = child(key) else { return nil }
        guard case .array(let items) = value.value else { throw FieldError(field: field(key), reason: "expected an array, got \(value.value.typeName)") }
        return items
    }
}

extension FormatRecord {
    /// Runs a record's mapping, turning a field problem into a rejection at the record's line.
    static func from(_ node: JSONNode, path: String, wholeDocument: Bool = false,
                     _ map: () throws -> IncomingMention) -> FormatRecord {
        do {
            let mention = try map()
            // Times far outside any post's life would overflow age arithmetic later.
            guard IncomingMention.plausibleTimes.contains(mention.createdAt) else {
                throw FieldError(field: path.isEmpty ? "created_at" : "\(path).created_at",
                                 reason: "\(mention.createdAt) ms is not a time between 1970 and 2200")
            }
            return .mention(mention)
        } catch let error as FieldError {
            return .rejected(Rejection(line: node.line, field: error.field, reason: error.reason), record: wholeDocument ? nil : node)
        } catch {
            return .rejected(Rejection(line: node.line, field: path.isEmpty ? nil : path, reason: "\(error)"), record: wholeDocument ? nil : node)
        }
    }
}
