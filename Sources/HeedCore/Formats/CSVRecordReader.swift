import Foundation

/// Reads RFC 4180 records from a file descriptor, streaming: quoted fields may hold commas,
/// quotes (doubled) and line breaks; a record ends at a line feed (or CR LF) outside quotes.
///
/// Written here rather than taken from the package mirror's CSV.swift because real exports break
/// it: the customer-support data set has bare carriage returns inside unquoted text, which that
/// package takes for the end of a record (splitting and losing the tweet), and it cannot read
/// past a byte of invalid UTF-8. Here a bare CR is text, invalid UTF-8 is repaired per field
/// (U+FFFD), and every record knows the line it starts on.
struct CSVRecordReader {
    private let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var count = 0
    private var position = 0
    private var line = 1
    private var done = false
    /// A field longer than this is cut (with the rest of it skipped); no post comes near it.
    static let maximumFieldBytes = 16 << 20

    init(fd: Int32) { self.fd = fd }

    /// The next record's fields and the line it starts on; nil at the end of the file.
    mutating func next() throws -> (fields: [String], line: Int)? {
        guard try fill() else { return nil }
        let start = line
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var atFieldStart = true
        while try fill() {
            let byte = buffer[position]
            position += 1
            if byte == 0x0A { line += 1 }
            if quoted {
                if byte == 0x22 {
                    if try fill(), buffer[position] == 0x22 {
                        position += 1
                        append(0x22, to: &field)
                    } else {
                        quoted = false
                    }
                } else {
                    append(byte, to: &field)
                }
                continue
            }
            switch byte {
            case 0x22 where atFieldStart:
                quoted = true
                atFieldStart = false
            case 0x2C:
                fields.append(Self.text(field))
                field.removeAll(keepingCapacity: true)
                atFieldStart = true
            case 0x0A:
                if field.last == 0x0D { field.removeLast() }
                fields.append(Self.text(field))
                return (fields, start)
            default:
                append(byte, to: &field)
                atFieldStart = false
            }
        }
        // The file ends without a final line break (or inside quotes: what was read is the field).
        if field.last == 0x0D { field.removeLast() }
        fields.append(Self.text(field))
        return fields == [""] ? nil : (fields, start)
    }

    private func append(_ byte: UInt8, to field: inout [UInt8]) {
        if field.count < Self.maximumFieldBytes { field.append(byte) }
    }

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// True while there is a byte at `position`, reading more when needed.
    private mutating func fill() throws -> Bool {
        if position < count { return true }
        if done { return false }
        while true {
            let read = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if read < 0 {
                if errno == EINTR { continue }
                throw HeedError("read failed: \(String(cString: strerror(errno)))", .unreadable)
            }
            (count, position) = (read, 0)
            if read == 0 { done = true }
            return read > 0
        }
    }
}
