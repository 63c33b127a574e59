import XCTest
@testable import HeedCore

/// The scorer's rules one by one: each row's message against another that differs only in the
/// rule's trigger.
final class SentimentTests: XCTestCase {
    let scorer = SentimentScorer()

    func testPolarityOfPlainMessages() {
        let table: [(String, ClosedRange<Double>)] = [
            ("the app is terrible", -1 ... -0.3),
            ("great service today", 0.3...1),
            ("what time do you open on saturday", -0.05...0.05),
            ("", 0...0),
            ("still waiting for my refund", -1 ... -0.3),
            ("my card was charged twice", -1 ... -0.3),
            ("thanks so much for sorting it", 0.3...1),
        ]
        for (text, range) in table {
            XCTAssertTrue(range.contains(scorer.score(text)), "\(text): \(scorer.score(text))")
        }
    }

    func testNegationTurnsTheNextWordsAround() {
        XCTAssertLessThan(scorer.score("not happy with the service"), 0)
        XCTAssertGreaterThan(scorer.score("happy with the service"), 0)
        XCTAssertGreaterThan(scorer.score("no problem at all"), 0, "a negated problem is good news")
        // Beyond three words, or past the end of a clause, the negation no longer reaches.
        XCTAssertGreaterThan(scorer.score("not that I mind, great service"), 0)
    }

    func testIntensifiersAndDampenersScaleTheNextSentimentWord() {
        let plain = scorer.score("the app is bad")
        XCTAssertLessThan(scorer.score("the app is very bad"), plain)
        XCTAssertGreaterThan(scorer.score("the app is a bit bad"), plain)
        XCTAssertGreaterThan(scorer.score("the app is very good"), scorer.score("the app is good"))
    }

    func testWhatFollowsButWeighsMore() {
        XCTAssertLessThan(scorer.score("the staff were lovely but the fees are outrageous"), 0)
        XCTAssertGreaterThan(scorer.score("the fees are outrageous but the staff were lovely"), 0)
    }

    func testCapitalsAndExclamationsAddEmphasis() {
        XCTAssertLessThan(scorer.score("this is TERRIBLE"), scorer.score("this is terrible"))
        XCTAssertLessThan(scorer.score("this is terrible!!!"), scorer.score("this is terrible"))
        XCTAssertGreaterThan(scorer.score("thank you!!"), scorer.score("thank you"))
        // A message all in capitals singles no word out.
        XCTAssertEqual(scorer.score("THIS IS TERRIBLE"), scorer.score("this is terrible"), accuracy: 1e-9)
    }

    func testEmojiAndEmoticonsCount() {
        XCTAssertLessThan(scorer.score("app down again 😡"), scorer.score("app down again"))
        XCTAssertGreaterThan(scorer.score("sorted 👍"), 0)
        XCTAssertGreaterThan(scorer.score("got it :) "), 0)
        XCTAssertLessThan(scorer.score("still no card :("), scorer.score("still no card"))
        XCTAssertGreaterThan(scorer.score("love it ❤️"), scorer.score("love it"), "a variation selector does not hide the heart")
        // A link's colon-slash is not a frown.
        XCTAssertEqual(scorer.score("see https://example.com/help"), 0)
    }

    func testPhrasesScoreAsOne() {
        XCTAssertLessThan(scorer.score("thanks for nothing"), 0, "thanks for nothing is not thanks")
        XCTAssertGreaterThan(scorer.score("can't fault the help"), 0)
        XCTAssertLessThan(scorer.score("it isn't working"), 0)
    }

    func testScoresStayWithinBounds() {
        let extreme = String(repeating: "terrible awful worst ", count: 200)
        XCTAssertGreaterThanOrEqual(scorer.score(extreme), -1)
        XCTAssertLessThanOrEqual(scorer.score(String(repeating: "love 😍 ", count: 500)), 1)
    }

    func testTheBuiltInLexiconIsWellFormedAndABadOneIsRefusedWithItsLine() {
        XCTAssertGreaterThan(Lexicon.builtIn.words.count, 150)
        XCTAssertTrue(Lexicon.builtIn.phrases.contains { $0.words == ["charged", "twice"] })
        switch Lexicon.parse("# comment\nword\tgood\t2\nword\tbad\n") {
        case .success: XCTFail("a line without a value was accepted")
        case .failure(let problem): XCTAssertEqual(problem.description, "line 3: expected KIND<tab>TERM<tab>NUMBER")
        }
        switch Lexicon.parse("adverb\tvery\t0.3\n") {
        case .success: XCTFail("an unknown kind was accepted")
        case .failure(let problem): XCTAssertEqual(problem.description, "line 1: unknown kind \"adverb\"")
        }
    }
}

/// Kinds, each with the cue that decided it.
final class KindTests: XCTestCase {
    func testKindsAndTheirReasons() {
        let analyzer = MessageAnalyzer()
        let table: [(String, MentionKind, String)] = [
            ("How do I order a new card online?", .question, "asks (?)"),
            ("how do I change my PIN", .question, "opens with \"how\""),
            ("my card was charged twice", .complaint, "negative"),
            ("the app isn't working since the update", .complaint, "negative"),
            ("Brilliant service in the branch today", .praise, "positive"),
            ("It would be great if the app had dark mode", .idea, "\"it would be great if\""),
            ("Feature request: export to CSV", .idea, "\"feature request\""),
            ("Crypto giveaway! DM me for guaranteed returns", .spam, "\"crypto giveaway\", \"dm me\", \"guaranteed returns\""),
            ("free followers at bit.ly/x", .spam, "\"free followers\", a link"),
            ("WIN FREE CRYPTO now!!! click bit.ly/free-crypto-win dm for promo", .spam, "\"free crypto\", a link"),
            ("free bitcoin for the first 100 to reply", .spam, "\"free bitcoin\""),
            ("New card arrived today", .other, "no cue"),
        ]
        for (text, kind, reason) in table {
            let result = analyzer.analyze(text)
            XCTAssertEqual(result.kind, kind, text)
            XCTAssertEqual(result.kindReason, reason, text)
        }
    }

    func testUrgencyKeywordsByCategoryAndFromTheConfig() {
        let builtIn = MessageAnalyzer().analyze("I was scammed and now I'm locked out, refund please")
        XCTAssertEqual(Set(builtIn.urgency.map(\.category)), ["safety", "access", "money"])
        XCTAssertTrue(builtIn.urgency.contains(UrgencyHit(category: "access", term: "locked out")))
        let custom = MessageAnalyzer(keywords: ["mortgage": ["remortgage", "completion date"]]).analyze("our completion date is tomorrow")
        XCTAssertEqual(custom.urgency, [UrgencyHit(category: "mortgage", term: "completion date")])
        XCTAssertEqual(MessageAnalyzer().analyze("the refunded amount").urgency, [], "whole words only")
    }
}
