import Foundation

/// Changes a config file as a person would: the one entry added where it belongs, everything
/// else — order, spacing, the other entries — left exactly as written; the result read back
/// as a config before it replaces the file, atomically and with the file's mode.
public enum ConfigEdit {
    /// `text` with `entry` (a JSON object) added to `accounts.CHANNEL`, creating either when
    /// missing, and the config it reads as.
    public static func addingAccount(_ entry: String, channel: String, to text: String, file: String) throws -> (text: String, config: Config) {
        let bytes = Array(text.utf8)
        let scanner = Scanner(bytes: bytes, file: file)
        guard let top = scanner.skipSpace(from: 0), bytes[top] == UInt8(ascii: "{") else { throw HeedError("\(file): the config is not a JSON object", .config) }
        let members = try scanner.members(of: top)
        let insertion: (at: Int, text: String)
        if let accounts = members.first(where: { $0.key == "accounts" }) {
            guard bytes[accounts.value.lowerBound] == UInt8(ascii: "{") else { throw HeedError("\(file): \"accounts\" is not an object", .config) }
            let channels = try scanner.members(of: accounts.value.lowerBound)
            if let list = channels.first(where: { $0.key == channel }) {
                guard bytes[list.value.lowerBound] == UInt8(ascii: "[") else { throw HeedError("\(file): accounts.\(channel) is not a list", .config) }
                let (open, close) = (list.value.lowerBound, list.value.upperBound - 1)
                let last = scanner.lastNonSpace(before: close)
                if last == open {
                    insertion = (close, entry)
                } else {
                    // After the last entry, on a line of its own when the entries have theirs.
                    let first = scanner.skipSpace(from: open + 1) ?? close
                    let newline = bytes[(open + 1)..<first].lastIndex(of: UInt8(ascii: "\n"))
                    insertion = (last + 1, newline.map { ",\n" + String(decoding: bytes[($0 + 1)..<first], as: UTF8.self) + entry } ?? ", " + entry)
                }
            } else {
                insertion = Self.firstMember("\"\(channel)\": [\(entry)]", in: accounts.value, members: channels, bytes: bytes)
            }
        } else {
            insertion = Self.firstMember("\"accounts\": {\"\(channel)\": [\(entry)]}", in: top..<(top + 1), members: members, bytes: bytes)
        }
        let edited = String(decoding: bytes[..<insertion.at], as: UTF8.self) + insertion.text + String(decoding: bytes[insertion.at...], as: UTF8.self)
        switch ConfigLoader.parse(edited, file: file) {
        case .success(let config): return (edited, config)
        case .failure(let error): throw HeedError("the account cannot be added: \(error.description)", .config)
        }
    }

    /// A member put first in an object: on a line of its own, indented as the next one, when the
    /// object is written one member a line.
    private static func firstMember(_ member: String, in object: Range<Int>, members: [Scanner.Member], bytes: [UInt8]) -> (at: Int, text: String) {
        let open = object.lowerBound + 1
        guard let next = members.first else { return (open, member) }
        let between = bytes[open..<next.keyStart]
        guard let newline = between.lastIndex(of: UInt8(ascii: "\n")) else { return (open, member + ", ") }
        let indent = String(decoding: bytes[(newline + 1)..<next.keyStart], as: UTF8.self)
        return (next.keyStart, member + ",\n" + indent)
    }

    /// Writes `text` over `path` atomically (a file beside it, renamed), keeping its mode.
    public static func replace(_ path: String, with text: String) throws {
        var info = stat()
        let mode = stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o644
        try FileReplacement.write(Array(text.utf8), to: path, mode: mode, exactly: true)
    }

    /// Finds the members of objects in JSON text already known to be valid.
    private struct Scanner {
        let bytes: [UInt8]
        let file: String

        struct Member {
            var key: String
            var keyStart: Int
            /// The value's bytes.
            var value: Range<Int>
        }

        init(bytes: [UInt8], file: String) { (self.bytes, self.file) = (bytes, file) }

        func skipSpace(from index: Int) -> Int? {
            var i = index
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
            return i < bytes.count ? i : nil
        }

        func lastNonSpace(before index: Int) -> Int {
            var i = index - 1
            while i > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i -= 1 }
            return i
        }

        /// The end of the string starting at `index` (just past its closing quote).
        func endOfString(_ index: Int) throws -> Int {
            var i = index + 1
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\\"): i += 2
                case UInt8(ascii: "\""): return i + 1
                default: i += 1
                }
            }
            throw HeedError("\(file): a string is not closed", .config)
        }

        /// The end of the value starting at `index`.
        func endOfValue(_ index: Int) throws -> Int {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return try endOfString(index)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                var i = index
                while i < bytes.count {
                    switch bytes[i] {
                    case UInt8(ascii: "\""):
                        i = try endOfString(i)
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { return i + 1 }
                    default: break
                    }
                    i += 1
                }
                throw HeedError("\(file): the config ends inside a value", .config)
            default:
                // A number, true, false or null.
                var i = index
                while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
                return i
            }
        }

        /// The members of the object whose `{` is at `open`.
        func members(of open: Int) throws -> [Member] {
            var members: [Member] = []
            var i = open + 1
            while let at = skipSpace(from: i), bytes[at] != UInt8(ascii: "}") {
                var keyStart = at
                if bytes[at] == UInt8(ascii: ",") { keyStart = skipSpace(from: at + 1) ?? at + 1 }
                guard keyStart < bytes.count, bytes[keyStart] == UInt8(ascii: "\"") else { throw HeedError("\(file): expected a member's name", .config) }
                let keyEnd = try endOfString(keyStart)
                let key = (try? JSONParser.parse(Data(bytes[keyStart..<keyEnd])))?.string ?? ""
                guard let colon = skipSpace(from: keyEnd), bytes[colon] == UInt8(ascii: ":"), let valueStart = skipSpace(from: colon + 1) else {
                    throw HeedError("\(file): expected \":\" after \"\(key)\"", .config)
                }
                let valueEnd = try endOfValue(valueStart)
                members.append(Member(key: key, keyStart: keyStart, value: valueStart..<valueEnd))
                i = valueEnd
            }
            return members
        }
    }
}
