import Foundation

/// Reads and parses a file on a thread of its own, ahead of the writer, so that JSON parsing
/// (a sixth of an import) runs on the second core while SQLite works on the first. It hands
/// over small chunks and at most a few wait, so memory does not grow with the file.
final class ParsedChunks: @unchecked Sendable {
    /// One input line, parsed, with where the next line starts (the import position after it).
    enum Item: Sendable {
        case mention(IncomingMention)
        case rejected(Rejection, raw: [UInt8]?)
        case blank
    }

    /// Lines handed over at a time; the writer commits several chunks per transaction.
    static let chunkSize = 1_000

    struct Chunk: Sendable {
        var items: [Item] = []
        /// Where the line after this chunk starts, and the number of its last line.
        var nextOffset: Int64 = 0
        var lastLine = 0
        var isLast = false
    }

    private let condition = NSCondition()
    private var ready: [Chunk] = []
    private var failure: (any Error)?
    private var cancelled = false
    private static let capacity = 4

    /// Starts reading `fd` from `offset` (line `firstLine`). The reader works on a duplicate of
    /// the descriptor and closes it when done, so the caller may close `fd` at any time without
    /// the reader touching a descriptor number that has since been reused.
    init(fd: Int32, offset: Int64, firstLine: Int, isKnownChannel: @escaping @Sendable (String) -> Bool) {
        let own = dup(fd)
        let thread = Thread { [self] in
            defer { if own >= 0 { close(own) } }
            guard own >= 0 else {
                fail(HeedError("cannot read: \(String(cString: strerror(errno)))", exitCode: ExitStatus.noInput))
                return
            }
            var reader = LineReader(fd: own, offset: offset, firstLine: firstLine)
            var chunk = Chunk(nextOffset: offset, lastLine: firstLine - 1)
            do {
                while true {
                    let read: Void? = try reader.next { line -> Void in
                        switch line {
                        case .tooLong(let number, let next):
                            chunk.items.append(.rejected(Rejection(line: number, field: nil,
                                                                   reason: "line longer than \(LineReader.maximumLineBytes) bytes"), raw: nil))
                            (chunk.nextOffset, chunk.lastLine) = (next, number)
                        case .text(let bytes, let number, let next):
                            (chunk.nextOffset, chunk.lastLine) = (next, number)
                            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                                chunk.items.append(.blank)
                                return
                            }
                            switch HeedJSONLines.parse(line: bytes, number: number, isKnownChannel: isKnownChannel) {
                            case .success(let mention): chunk.items.append(.mention(mention))
                            case .failure(let rejection): chunk.items.append(.rejected(rejection, raw: Array(bytes)))
                            }
                        }
                    }
                    if read == nil {
                        chunk.isLast = true
                        guard push(chunk) else { return }
                        return
                    }
                    if chunk.items.count >= Self.chunkSize {
                        guard push(chunk) else { return }
                        chunk = Chunk(nextOffset: chunk.nextOffset, lastLine: chunk.lastLine)
                    }
                }
            } catch {
                fail(error)
            }
        }
        thread.name = "heed-ingest-reader"
        thread.start()
    }

    /// The next chunk, waiting for the reader; throws what the reader hit.
    func next() throws -> Chunk {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && failure == nil { condition.wait() }
        if ready.isEmpty, let failure { throw failure }
        let chunk = ready.removeFirst()
        condition.broadcast()
        return chunk
    }

    /// Stops the reader (the writer failed); it ends at its next chunk.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func push(_ chunk: Chunk) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= Self.capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        ready.append(chunk)
        condition.broadcast()
        return true
    }

    private func fail(_ error: any Error) {
        condition.lock()
        failure = error
        condition.broadcast()
        condition.unlock()
    }
}
