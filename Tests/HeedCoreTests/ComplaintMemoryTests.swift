import XCTest
@testable import HeedCore

/// What an import remembers of the complaints around its batches, and which stretches of time
/// it still has to read.
final class ComplaintMemoryTests: XCTestCase {
    let terms = IncidentTerms("app down", common: [])

    func testOnlyWhatWasNotReadIsReadAgain() {
        var memory = ComplaintMemory()
        XCTAssertEqual(memory.uncovered(100, 200), [100...200])
        memory.cover(100...200)
        XCTAssertEqual(memory.uncovered(150, 180), [])
        XCTAssertEqual(memory.uncovered(50, 250), [50...99, 201...250])
        memory.cover(300...400)
        XCTAssertEqual(memory.uncovered(150, 350), [201...299])
        memory.cover(201...299)
        XCTAssertEqual(memory.uncovered(0, 500), [0...99, 401...500], "touching stretches are one")
    }

    func testAChangedMessageIsReadAgainWithWhateverSharesItsTime() {
        var memory = ComplaintMemory()
        memory.cover(0...1_000)
        memory.add(1, .init(at: 400, conversation: 10, terms: terms))
        memory.add(2, .init(at: 500, conversation: 11, terms: terms))
        memory.forget(1, at: 400)
        XCTAssertNil(memory.terms(of: 1))
        XCTAssertEqual(memory.uncovered(0, 1_000), [400...400])
        // A message that was no complaint until it changed is read again too.
        memory.forget(99, at: 700)
        XCTAssertEqual(memory.uncovered(0, 1_000), [400...400, 700...700])
        XCTAssertEqual(memory.ids(from: 0, to: 1_000).map(\.id), [2])
    }

    func testEntriesComeInTimeOrderWithinTheirStretch() {
        var memory = ComplaintMemory()
        for (id, at) in [(5, 300), (3, 100), (4, 300), (1, 900), (2, 200)] {
            memory.add(Int64(id), .init(at: Int64(at), conversation: 1, terms: terms))
        }
        XCTAssertEqual(memory.ids(from: 150, to: 300).map(\.id), [2, 4, 5])
        XCTAssertEqual(memory.ids(from: 0, to: .max).map(\.id), [3, 2, 4, 5, 1])
    }

    func testPastTheLimitOnlyTheLatestStay() {
        var memory = ComplaintMemory()
        memory.cover(0...10_000)
        for id in 0..<10 { memory.add(Int64(id), .init(at: Int64(id) * 1_000, conversation: 1, terms: terms)) }
        memory.trim(limit: 20, keepFrom: 5_000)
        XCTAssertEqual(memory.count, 10, "under the limit nothing goes")
        memory.trim(limit: 8, keepFrom: 5_000)
        XCTAssertEqual(memory.ids(from: 0, to: .max).map(\.id), [5, 6, 7, 8, 9])
        XCTAssertEqual(memory.uncovered(0, 10_000), [0...4_999], "what went is read again when needed")
        memory.trim(limit: 2, keepFrom: 7_000, keepingLater: true)
        XCTAssertEqual(memory.ids(from: 0, to: .max).map(\.id), [7, 8, 9], "a pass still needs the later ones")
        memory.inIncident = [1]
        memory.trim(limit: 2, keepFrom: 5_000)
        XCTAssertEqual(memory.count, 0)
        XCTAssertEqual(memory.uncovered(0, 10_000), [0...10_000])
        XCTAssertEqual(memory.inIncident, [])
    }
}
