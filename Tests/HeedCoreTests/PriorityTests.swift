import HeedTestSupport
import XCTest
@testable import HeedCore

/// The priority model: each signal's points, and the properties the queue's order relies on.
final class PriorityTests: XCTestCase {
    let settings = TriageSettings()
    let analyzer = MessageAnalyzer()

    func signals(_ text: String, channel: String = "x") -> TriageSignals {
        TriageSignals(analysis: analyzer.analyze(text), channel: channel)
    }

    func points(_ s: TriageSignals) -> Double { PriorityModel.staticPart(s, settings: settings).points }

    func testEachSignalAddsItsWeightWithItsReason() {
        let w = settings.weights
        let plain = signals("New card arrived in the post")
        let base = points(plain)
        XCTAssertEqual(base, w.base)
        let table: [(String, (inout TriageSignals) -> Void, Double, String)] = [
            ("verified", { $0.verified = true }, w.verified, "verified"),
            ("vip", { $0.contactTags = ["vip"] }, w.vip, "VIP"),
            ("advocate", { $0.contactTags = ["advocate"] }, w.advocate, "advocate"),
            ("detractor", { $0.contactTags = ["detractor"] }, w.detractor, "detractor"),
            ("repeat", { $0.recentConversations = 2 }, 2 * w.repeatContact, "3rd contact in 24h"),
            ("first contact", { $0.firstContact = true }, w.firstContact, "first contact"),
            ("direct", { $0.direct = true }, w.direct, "addressed to us"),
            ("followers", { $0.followers = 18_400 }, 12.78, "18k followers"),
        ]
        for (name, change, expected, text) in table {
            var s = plain
            change(&s)
            let part = PriorityModel.staticPart(s, settings: settings)
            XCTAssertEqual(part.points - base, expected, accuracy: 0.01, name)
            XCTAssertTrue(part.reasons.contains { $0.text == text }, "\(name): \(part.reasons.map(\.text))")
        }
        var weighted = settings
        weighted.channelWeights = ["email": -5]
        XCTAssertEqual(PriorityModel.staticPart(signals("New card arrived in the post", channel: "email"), settings: weighted).points, base - 5)
    }

    func testTextSignalsReadAsTheIssueShowsThem() {
        let part = PriorityModel.staticPart(signals("I've been charged twice and nobody answers, this is terrible"), settings: settings)
        let texts = part.reasons.map(\.text)
        XCTAssertTrue(texts.contains { $0.hasPrefix("negative −0.") }, "\(texts)")
        XCTAssertTrue(texts.contains("keyword: charged twice"), "\(texts)")
        XCTAssertTrue(texts.contains("complaint: negative"), "\(texts)")
        XCTAssertEqual(part.reasons.reduce(0) { $0 + $1.points }, part.points, accuracy: 1e-9, "the reasons add up")
    }

    func testRulesAddPointsAndFloors() {
        var s = signals("New card arrived in the post")
        s.rules = [Rule(name: "vip-list", when: RuleConditions(), then: RuleActions(addPriority: 15)),
                   Rule(name: "fraud", when: RuleConditions(), then: RuleActions(priorityFloor: 80))]
        let part = PriorityModel.staticPart(s, settings: settings)
        XCTAssertEqual(part.points, settings.weights.base + 15)
        XCTAssertEqual(part.floor, 80)
        XCTAssertEqual(part.reasons.filter { $0.signal == "rule" }.map(\.text), ["rule: vip-list", "rule: fraud"])
        XCTAssertEqual(PriorityModel.priority(staticPoints: part.points, waitingPoints: 0, floor: part.floor), 80)
        XCTAssertEqual(PriorityModel.priority(staticPoints: 95, waitingPoints: 0, floor: 80), 95, "a floor never lowers")
    }

    func testPriorityStaysWithinBoundsAndWaitingGrowsToTheBreach() {
        XCTAssertEqual(PriorityModel.priority(staticPoints: 300, waitingPoints: 0, floor: nil), 100)
        XCTAssertEqual(PriorityModel.priority(staticPoints: -40, waitingPoints: 0, floor: nil), 0)
        let w = settings.weights
        XCTAssertEqual(PriorityModel.waitingPoints(used: 0, breached: false, weights: w), 0)
        XCTAssertEqual(PriorityModel.waitingPoints(used: 0.5, breached: false, weights: w), (w.waiting / 2).rounded())
        XCTAssertEqual(PriorityModel.waitingPoints(used: 3, breached: true, weights: w), w.waiting + w.breached)
    }

    // MARK: Properties, over seeded random messages and signals

    static let words = ["my", "card", "app", "the", "is", "was", "not", "very", "great", "terrible", "thanks", "still", "waiting",
                        "why", "help", "please", "again", "but", "love", "slow", "branch", "today", "!", "?", "😡", "🙂"]

    /// A random message and signals around it.
    func randomSignals(_ rng: inout SeededRandom) -> (text: String, signals: TriageSignals) {
        let text = (0..<rng.int(1...14)).map { _ in Self.words[rng.int(0...(Self.words.count - 1))] }.joined(separator: " ")
        var s = signals(text)
        s.followers = rng.int(0...2_000_000)
        s.verified = rng.int(0...1) == 1
        s.recentConversations = rng.int(0...4)
        s.direct = rng.int(0...1) == 1
        if rng.int(0...4) == 0 { s.contactTags = ["vip"] }
        return (text, s)
    }

    func priority(_ s: TriageSignals, waiting: Double = 0) -> Int {
        let part = PriorityModel.staticPart(s, settings: settings)
        return PriorityModel.priority(staticPoints: part.points, waitingPoints: waiting, floor: part.floor)
    }

    func testAddingAnUrgencyKeywordNeverLowersPriority() {
        var rng = SeededRandom(seed: 11)
        let keywords = TriageCues.builtIn.urgency.flatMap { category, terms in terms.map { UrgencyHit(category: category, term: $0) } }
        for _ in 0..<3_000 {
            let (text, s) = randomSignals(&rng)
            let hit = keywords[rng.int(0...(keywords.count - 1))]
            // The signal alone, everything else equal…
            var withHit = s
            withHit.analysis.urgency.append(hit)
            XCTAssertGreaterThanOrEqual(priority(withHit), priority(s), "adding \(hit) to \"\(text)\"")
            // …and the message with the keyword written in its own sentence: it may change the
            // sentiment and the kind too, never downwards. (Inside a sentence "not" may turn a
            // keyword around: "I was not charged twice" is good news.)
            var written = s
            written.analysis = analyzer.analyze(text + ". " + hit.term)
            XCTAssertGreaterThanOrEqual(priority(written), priority(s), "adding \"\(hit.term)\" to \"\(text)\"")
        }
    }

    func testMoreFollowersNeverLowerPriority() {
        var rng = SeededRandom(seed: 12)
        for _ in 0..<3_000 {
            var s = randomSignals(&rng).signals
            let before = priority(s)
            s.followers += rng.int(1...5_000_000)
            XCTAssertGreaterThanOrEqual(priority(s), before)
        }
    }

    func testTheSameSignalsAlwaysGiveTheSamePriorityAndReasons() {
        var rng = SeededRandom(seed: 13)
        for _ in 0..<500 {
            let s = randomSignals(&rng).signals
            XCTAssertEqual(PriorityModel.staticPart(s, settings: settings), PriorityModel.staticPart(s, settings: settings))
            XCTAssertEqual(analyzer.analyze(s.analysis.kindReason), analyzer.analyze(s.analysis.kindReason))
        }
    }
}
