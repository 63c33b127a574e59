import Foundation

/// A sequence whose elements are made on a thread of its own, ahead of the one reading them, so
/// that making them (the demo's generator, a tenth of building the demo) runs on the second core
/// while SQLite works on the first. Chunks are handed over and at most a few wait, so memory does
/// not grow with the sequence. Reading it once is all it allows: it is its own iterator.
///
/// When the reader lets go of it early (an import that failed), the maker stops at its next chunk.
public final class MadeAhead<Element: Sendable>: Sequence, IteratorProtocol {
    /// What the maker and the reader share; the maker holds only this, so letting go of the
    /// sequence ends it.
    private final class Handover: @unchecked Sendable {
        let condition = NSCondition()
        var ready: [[Element]] = []
        var finished = false
        var cancelled = false
    }

    private let handover = Handover()
    private var chunk: [Element] = []
    private var index = 0
    public let underestimatedCount: Int

    /// Starts making `base`'s elements, `chunkSize` at a time, at most `capacity` chunks ahead.
    /// `base` is read only on the maker's thread from here on.
    public init<Base: Sequence<Element>>(_ base: Base, chunkSize: Int = 256, capacity: Int = 8) {
        underestimatedCount = base.underestimatedCount
        let handover = handover
        // Type-erased: the thread may then hold it without knowing `Base`.
        let maker = Handed(AnyIterator(base.makeIterator()))
        let thread = Thread {
            // Taken out of the box: it goes when the thread ends, not when the thread object does.
            let iterator = maker.take()
            var finished = false
            while !finished {
                var chunk: [Element] = []
                chunk.reserveCapacity(chunkSize)
                while chunk.count < chunkSize, let element = iterator.next() { chunk.append(element) }
                finished = chunk.count < chunkSize
                handover.condition.lock()
                while handover.ready.count >= capacity && !handover.cancelled { handover.condition.wait() }
                if handover.cancelled {
                    handover.condition.unlock()
                    return
                }
                if !chunk.isEmpty { handover.ready.append(chunk) }
                handover.finished = finished
                handover.condition.broadcast()
                handover.condition.unlock()
            }
        }
        thread.name = "heed-made-ahead"
        thread.start()
    }

    deinit {
        handover.condition.lock()
        handover.cancelled = true
        handover.condition.broadcast()
        handover.condition.unlock()
    }

    public func next() -> Element? {
        while index == chunk.count {
            handover.condition.lock()
            while handover.ready.isEmpty && !handover.finished { handover.condition.wait() }
            guard !handover.ready.isEmpty else {
                handover.condition.unlock()
                return nil
            }
            chunk = handover.ready.removeFirst()
            index = 0
            handover.condition.broadcast()
            handover.condition.unlock()
        }
        defer { index += 1 }
        return chunk[index]
    }
}

/// Hands a value that is not `Sendable` to a thread that becomes its only user.
private final class Handed<Value>: @unchecked Sendable {
    private var value: Value?

    init(_ value: Value) { self.value = value }

    func take() -> Value {
        defer { value = nil }
        return value!
    }
}
