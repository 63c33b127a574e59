import Foundation
import XCTest
@testable import HeedCore

final class MadeAheadTests: XCTestCase {
    func testEveryElementArrivesOnceInOrder() {
        for count in [0, 1, 7, 8, 9, 64, 1_000] {
            let made = MadeAhead(0..<count, chunkSize: 8, capacity: 2)
            XCTAssertEqual(made.underestimatedCount, count)
            XCTAssertEqual(Array(made), Array(0..<count), "\(count) elements")
            XCTAssertNil(made.next(), "still finished when asked again")
        }
    }

    func testTheDemoIsTheSameMadeAhead() throws {
        let config = try ExampleConfig.load()
        let alone = DemoGenerator(size: 3_000, seed: 5, now: 1_764_000_000_000, config: config).map(\.sourceID)
        let ahead = MadeAhead(DemoGenerator(size: 3_000, seed: 5, now: 1_764_000_000_000, config: config)).map(\.sourceID)
        XCTAssertEqual(ahead.count, 3_000)
        XCTAssertEqual(ahead, alone)
    }

    /// A reader that lets go early (an import that failed) stops the maker, which would
    /// otherwise go on making an endless sequence, and lets go of what it made from.
    func testLettingGoStopsTheMaker() {
        let released = DispatchSemaphore(value: 0)
        let counter = Counter()
        var made: MadeAhead<Int>? = MadeAhead(Endless(counter: counter, released: released), chunkSize: 4, capacity: 2)
        XCTAssertEqual(made?.next(), 0)
        XCTAssertEqual(made?.next(), 1)
        made = nil
        XCTAssertEqual(released.wait(timeout: .now() + 10), .success, "the maker let go of its iterator")
        XCTAssertLessThanOrEqual(counter.value, 4 * 4, "at most the chunks that fit, one taken and one being made")
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func next() -> Int { lock.withLock { defer { count += 1 }; return count } }
    }

    private struct Endless: Sequence {
        let counter: Counter
        let released: DispatchSemaphore
        func makeIterator() -> Iterator { Iterator(counter: counter, released: released) }

        final class Iterator: IteratorProtocol {
            let counter: Counter
            let released: DispatchSemaphore
            init(counter: Counter, released: DispatchSemaphore) { (self.counter, self.released) = (counter, released) }
            deinit { released.signal() }
            func next() -> Int? { counter.next() }
        }
    }
}
