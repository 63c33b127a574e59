import Foundation

/// A sequence whose elements are made on a thread of its own, ahead of the one reading them, so
/// that making them (the demo's generator, about a sixth of building the demo) runs on the second core
/// while SQLite works on the first. Chunks are handed over and at most a few wait, so memory does
/// not grow with the sequence. Reading it once is all it allows: it is its own iterator.
///
/// When the reader lets go of it early (an import that failed), the maker stops at its next chunk.
public final class MadeAhead<Element: Sendable>: Sequence, IteratorProtocol {
    /// The maker holds only this, so letting go of the sequence ends it.
    private let chunks: ChunkQueue<[Element]>
    private var chunk: [Element] = []
    private var index = 0
    public let underestimatedCount: Int

    /// Starts making `base`'s elements, `chunkSize` at a time, at most `capacity` chunks ahead.
    /// `base` is read only on the maker's thread from here on.
    public init<Base: Sequence<Element>>(_ base: Base, chunkSize: Int = 256, capacity: Int = 8) {
        underestimatedCount = base.underestimatedCount
        let chunks = ChunkQueue<[Element]>(capacity: capacity)
        self.chunks = chunks
        // Type-erased: the thread may then hold it without knowing `Base`.
        let maker = Handed(AnyIterator(base.makeIterator()))
        let thread = Thread {
            // Taken out of the box: it goes when the thread ends, not when the thread object does.
            let iterator = maker.take()
            while true {
                var chunk: [Element] = []
                chunk.reserveCapacity(chunkSize)
                while chunk.count < chunkSize, let element = iterator.next() { chunk.append(element) }
                guard chunk.isEmpty || chunks.push(chunk) else { return }
                if chunk.count < chunkSize { break }
            }
            chunks.finish()
        }
        thread.name = "heed-made-ahead"
        thread.start()
    }

    deinit {
        chunks.cancel()
    }

    public func next() -> Element? {
        while index == chunk.count {
            // Nothing the maker does throws.
            guard let made = try? chunks.next() else { return nil }
            chunk = made
            index = 0
        }
        defer { index += 1 }
        return chunk[index]
    }
}
