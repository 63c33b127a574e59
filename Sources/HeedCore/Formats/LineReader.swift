import Foundation

/// Reads a file descriptor line by line in fixed-size chunks, so memory stays flat whatever
/// the file's size. Lines longer than `maximumLineBytes` are reported as too long and skipped.
public struct LineReader {
    public static let maximumLineBytes = 16 << 20

    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    /// Byte offset in the file of `buffer[0]`.
    private var bufferOffset: Int64
    public private(set) var lineNumber: Int

    public enum Line {
        /// The bytes (without the newline or a trailing CR), the line's number and the offset just after it.
        case text(UnsafeBufferPointer<UInt8>, number: Int, nextOffset: Int64)
        case tooLong(number: Int, nextOffset: Int64)
    }

    /// Starts reading at `offset`, where line `firstLine` begins.
    public init(fd: Int32, offset: Int64 = 0, firstLine: Int = 1, chunkSize: Int = 1 << 20) {
        self.fd = fd
        self.buffer = [UInt8](repeating: 0, count: chunkSize)
        self.bufferOffset = offset
        self.lineNumber = firstLine - 1
    }

    /// Calls `body` with the next line; returns false at the end of the file.
    public mutating func next<R>(_ body: (Line) throws -> R) throws -> R? {
        var searchFrom = start
        var skippingLongLine = false
        while true {
            if let newline = findNewline(from: searchFrom) {
                lineNumber += 1
                let lineEnd = newline
                let next = bufferOffset + Int64(newline + 1)
                defer { start = newline + 1 }
                if skippingLongLine { return try body(.tooLong(number: lineNumber, nextOffset: next)) }
                var contentEnd = lineEnd
                if contentEnd > start && buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                return try buffer.withUnsafeBufferPointer { all in
                    try body(.text(UnsafeBufferPointer(rebasing: all[start..<contentEnd]), number: lineNumber, nextOffset: next))
                }
            }
            if eof {
                guard start < end || skippingLongLine else { return nil }
                lineNumber += 1
                let next = bufferOffset + Int64(end)
                defer { start = end }
                if skippingLongLine { return try body(.tooLong(number: lineNumber, nextOffset: next)) }
                return try buffer.withUnsafeBufferPointer { all in
                    try body(.text(UnsafeBufferPointer(rebasing: all[start..<end]), number: lineNumber, nextOffset: next))
                }
            }
            // No newline in what is buffered: move the partial line to the front and read more.
            searchFrom = end - start
            if start > 0 {
                buffer.withUnsafeMutableBufferPointer { b in
                    _ = memmove(b.baseAddress!, b.baseAddress! + start, end - start)
                }
                bufferOffset += Int64(start)
                end -= start
                start = 0
            }
            if end == buffer.count {
                if buffer.count >= Self.maximumLineBytes {
                    // Drop what we have of the line; keep reading until its end.
                    skippingLongLine = true
                    bufferOffset += Int64(end)
                    end = 0
                    searchFrom = 0
                } else {
                    buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
                }
            }
            let count = buffer.withUnsafeMutableBufferPointer { b in
                Foundation.read(fd, b.baseAddress! + end, b.count - end)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw HeedError("read failed: \(String(cString: strerror(errno)))", .unreadable)
            }
            if count == 0 { eof = true } else { end += count }
        }
    }

    private func findNewline(from: Int) -> Int? {
        guard from < end else { return nil }
        return buffer.withUnsafeBufferPointer { b -> Int? in
            guard let p = memchr(b.baseAddress! + from, 0x0A, end - from) else { return nil }
            return b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
        }
    }
}
