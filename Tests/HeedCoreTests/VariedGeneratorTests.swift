import XCTest
@testable import HeedCore

/// The benchmarks' varied corpus: as repetitive as real posts about a brand, no more.
final class VariedGeneratorTests: XCTestCase {
    let now = RFC3339.milliseconds(from: "2026-11-23T12:00:00Z")!

    func testTheSameSeedGivesTheSameStream() {
        let first = Array(VariedGenerator(size: 500, seed: 3, now: now))
        XCTAssertEqual(first.map(\.text), Array(VariedGenerator(size: 500, seed: 3, now: now)).map(\.text))
        XCTAssertNotEqual(first.map(\.text), Array(VariedGenerator(size: 500, seed: 4, now: now)).map(\.text))
        XCTAssertEqual(first.count, 500)
        XCTAssertEqual(Set(first.map(\.sourceID)).count, 500)
        XCTAssertEqual(first.map(\.createdAt), first.map(\.createdAt).sorted(), "in time order")
        XCTAssertTrue(first.allSatisfy { $0.createdAt <= now && $0.createdAt >= now - 30 * 86_400_000 })
    }

    func testItRepeatsAsRealPostsDoMostTextsSaidOnce() {
        let texts = VariedGenerator(size: 20_000, seed: 7, now: now).map(\.text)
        let measure = Repetition.measure(texts)
        // The labelled sets of real tweets about brands: 18.0% and 26.3% said before.
        XCTAssertTrue((0.12...0.25).contains(measure.repeatedShare), "\(measure)")
        XCTAssertLessThan(measure.topTenShare, 0.03, "no handful of texts dominates: \(measure)")
        XCTAssertGreaterThan(texts.filter { $0.hasPrefix("RT @") }.count, 2_000, "reposts")
        let foreign = ["funciona", "cobraron", "entrar", "bloqueada", "refusée", "plante", "prélevé", "abgelehnt", "stürzt", "ausstehend",
                       "recusado", "abre", "Cobraram"]
        let inOtherLanguages = texts.filter { text in foreign.contains { text.contains($0) } }.count
        XCTAssertTrue((1_500...3_500).contains(inOtherLanguages), "about one post in eight in Spanish, French, German or Portuguese: \(inOtherLanguages)")
    }

    func testRepetitionSetsAsideWhatARepostAndAnAddressAdd() {
        XCTAssertEqual(Repetition.normalized("RT @sam_1: My card, DECLINED at Tesco!! https://t.co/abc"), "my card declined at tesco")
        XCTAssertEqual(Repetition.normalized("@NorthwindHelp my card declined at Tesco"), "my card declined at tesco")
        XCTAssertEqual(Repetition.normalized("#fail £12.99 😡"), "#fail 1299")
        let measure = Repetition.measure(["a b", "A b!", "c", "RT @x: a b", "d"])
        XCTAssertEqual(measure, Repetition.Measure(posts: 5, repeated: 2, distinct: 3, topTen: 5))
        XCTAssertEqual(measure.repeatedShare, 0.4)
    }
}
