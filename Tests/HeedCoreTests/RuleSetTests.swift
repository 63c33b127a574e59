import Foundation
import XCTest
@testable import HeedCore

/// Rule conditions one by one, and the word-list shortcut agreeing with the regex engine.
final class RuleSetTests: XCTestCase {
    func subject(_ text: String) -> RuleSubject {
        RuleSubject(text: text, channel: "x", authorHandle: "@Dana_K", authorID: "42", followers: 1_200, verified: false,
                    sentiment: -0.6, kind: .complaint, lang: "en", tags: ["billing"])
    }

    func matches(_ when: RuleConditions, _ text: String = "I want a refund") -> Bool {
        !RuleSet([Rule(name: "r", when: when, then: RuleActions(addPriority: 1))]).matching(subject(text)).isEmpty
    }

    func testEachConditionAndAllMustHold() {
        XCTAssertTrue(matches(RuleConditions(textContains: ["REFUND", "fraud"])))
        XCTAssertFalse(matches(RuleConditions(textContains: ["fraud"])))
        XCTAssertTrue(matches(RuleConditions(channels: ["mastodon", "x"])))
        XCTAssertFalse(matches(RuleConditions(channels: ["email"])))
        XCTAssertTrue(matches(RuleConditions(authors: ["dana_k"])), "handle without @, any case")
        XCTAssertTrue(matches(RuleConditions(authors: ["42"])), "or the source id")
        XCTAssertTrue(matches(RuleConditions(followersAtLeast: 1_200)))
        XCTAssertFalse(matches(RuleConditions(followersAtLeast: 1_201)))
        XCTAssertFalse(matches(RuleConditions(verified: true)))
        XCTAssertTrue(matches(RuleConditions(sentimentAtMost: -0.5)))
        XCTAssertFalse(matches(RuleConditions(sentimentAtMost: -0.7)))
        XCTAssertTrue(matches(RuleConditions(kinds: ["question", "complaint"])))
        XCTAssertTrue(matches(RuleConditions(languages: ["EN"])))
        XCTAssertTrue(matches(RuleConditions(hasTag: ["Billing"])))
        XCTAssertFalse(matches(RuleConditions(textContains: ["refund"], channels: ["email"])), "every condition must hold")
        // Text in any case, ASCII or not.
        XCTAssertTrue(matches(RuleConditions(textContains: ["refund"]), "I WANT A REFUND"))
        XCTAssertTrue(matches(RuleConditions(textContains: ["échec du paiement"]), "ÉCHEC DU PAIEMENT, carte refusée"))
        XCTAssertTrue(matches(RuleConditions(textContains: ["karte"]), "Meine KARTE wurde gesperrt – bitte helfen"))
        XCTAssertFalse(matches(RuleConditions(textContains: ["{refund}"]), "[REFUND]"), "only letters change case")
    }

    func testWordListPatternsMatchAsTheRegexEngineDoes() throws {
        let patterns = ["\\b(refund|chargeback|charged twice|double charged)\\b", "(?i)(dm me for|guaranteed returns|crypto giveaway)",
                        "\\bapp\\b", "refund", "(?:outage|down)"]
        let texts = ["I want a REFUND now", "refunded already", "chargebacks", "you charged twice!", "DM me for details",
                     "the app is down", "apps", "happy", "no outage here", "", "naïve refund", "refund_pending"]
        for pattern in patterns {
            let literal = try XCTUnwrap(LiteralAlternatives(pattern), pattern)
            let regex = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
            for text in texts {
                let expected = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                XCTAssertEqual(literal.matches(Array(text.lowercased().utf8)), expected, "\(pattern) on \"\(text)\"")
            }
        }
        XCTAssertNil(LiteralAlternatives("refunds?"), "a quantifier goes to the regex engine")
        XCTAssertNil(LiteralAlternatives("[0-9]{16}"))
        XCTAssertTrue(matches(RuleConditions(textMatches: "\\d{4} \\d{4}"), "card 1234 5678"), "and still matches there")
    }
}
