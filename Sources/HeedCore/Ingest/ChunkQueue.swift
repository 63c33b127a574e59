import Foundation

/// The bounded queue between a thread that makes chunks ahead and the one that reads them
/// (a file's parser and the writer; the demo's generator and its import). At most `capacity`
/// chunks wait, so memory does not grow with what is made; a reader that lets go stops the maker
/// at its next chunk.
final class ChunkQueue<Chunk>: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Chunk] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The maker's: waits while the queue is full; false once the reader let go.
    func push(_ chunk: Chunk) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        ready.append(chunk)
        condition.broadcast()
        return true
    }

    /// The maker's: nothing more comes.
    func finish() {
        ended { finished = true }
    }

    /// The maker's: it stopped on `error`, which the reader gets after the chunks made before it.
    func fail(_ error: any Error) {
        ended { failure = error }
    }

    /// The reader's: the next chunk, waiting for the maker; nil once all are read.
    func next() throws -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished && failure == nil { condition.wait() }
        if ready.isEmpty {
            if let failure { throw failure }
            return nil
        }
        let next = ready.removeFirst()
        condition.broadcast()
        return next
    }

    /// The reader's: it lets go; the maker stops at its next chunk.
    func cancel() {
        ended { cancelled = true }
    }

    private func ended(_ change: () -> Void) {
        condition.lock()
        change()
        condition.broadcast()
        condition.unlock()
    }
}
