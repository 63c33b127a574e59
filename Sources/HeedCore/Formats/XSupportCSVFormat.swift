/// The public "Customer Support on Twitter" data set's CSV: one tweet a row, customers'
/// (`inbound` true) and the brands' replies (`inbound` false), linked by tweet ids.
struct XSupportCSVFormat: CSVMentionFormat {
    let name = "x-csv"
    let summary = "the \"customer support on Twitter\" CSV (tweet_id, author_id, inbound, created_at, text, …)"
    let header = ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id"]

    func record(_ fields: [String: String], line: Int) -> FormatRecord {
        do {
            return .mention(try mention(fields))
        } catch let error as FieldError {
            return .rejected(Rejection(line: line, field: error.field, reason: error.reason), record: nil)
        } catch {
            return .rejected(Rejection(line: line, field: nil, reason: "\(error)"), record: nil)
        }
    }

    private func mention(_ fields: [String: String]) throws -> IncomingMention {
        func required(_ key: String) throws -> String {
            guard let value = fields[key], !value.isEmpty else { throw FieldError(field: key, reason: "missing") }
            return value
        }
        let id = try Self.id(try required("tweet_id"), field: "tweet_id")
        let author = try Self.id(try required("author_id"), field: "author_id")
        let inbound: Bool
        switch try required("inbound").lowercased() {
        case "true": inbound = true
        case "false": inbound = false
        case let other: throw FieldError(field: "inbound", reason: "\"\(DisplayText(untrusted: String(other.prefix(20))))\" is not True or False")
        }
        let created = try required("created_at")
        guard let createdAt = Self.twitterTime(created) else {
            throw FieldError(field: "created_at", reason: "\"\(DisplayText(untrusted: String(created.prefix(40))))\" is not a time like Tue Oct 31 22:10:47 +0000 2017")
        }
        let parent = try fields["in_response_to_tweet_id"].flatMap { $0.isEmpty ? nil : try Self.id($0, field: "in_response_to_tweet_id") }
        // The data set keeps Twitter's HTML escaping (&gt;, &amp;); anything else is plain text.
        let text = HTMLText.decodeEntities(fields["text"] ?? "")
        var mention = IncomingMention(channel: "x", sourceID: id, text: text, createdAt: createdAt,
                                      author: IncomingAuthor(id: author, handle: author), inReplyTo: parent)
        mention.ours = !inbound
        return mention
    }

    /// An id as data-frame libraries and spreadsheets re-save it: `3.0` is 3; `5.40E+17` was
    /// rounded to three digits — the id is lost, and the row is refused saying so. A handle
    /// (`sprintcare`) is kept as it is.
    static func id(_ value: String, field: String) throws -> String {
        let digits = value.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        if digits { return value }
        if value.hasSuffix(".0"), value.dropLast(2).utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), value.count > 2 { return String(value.dropLast(2)) }
        let upper = value.uppercased()
        if upper.contains("E+") || upper.contains("E-"), Double(value) != nil {
            throw FieldError(field: field, reason: "\"\(DisplayText(untrusted: String(value.prefix(24))))\" is an id a spreadsheet rounded to a number: the id is lost")
        }
        return value
    }

    /// `Tue Oct 31 22:10:47 +0000 2017`, Twitter's classic time format → Unix milliseconds.
    static func twitterTime(_ text: String) -> Int64? {
        let parts = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, let month = months.firstIndex(of: String(parts[1])), let day = Int(parts[2]),
              let year = Int(parts[5]), parts[4].count == 5 else { return nil }
        let offset = parts[4]
        let iso = String(format: "%04d-%02d-%02dT%@%@:%@", year, month + 1, day, String(parts[3]),
                         String(offset.prefix(3)), String(offset.suffix(2)))
        return RFC3339.milliseconds(from: iso)
    }
}

import Foundation
