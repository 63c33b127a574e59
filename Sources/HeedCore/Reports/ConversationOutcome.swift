import Foundation

/// What one conversation opened in the period counts for, worked out once whatever the rows.
struct ConversationOutcome {
    var answered = false
    var onTheirChannel = false
    var firstResponse: Int64?
    var twoWay = false
    var closedWithThanks = false
    /// The customer's sentiment before and after our first answer, when both are scored.
    var mood: (before: Double, after: Double)?
    var unanswered: ConversationStatus?
    var resolution: Int64?
    /// The SLA target and the urgency it is for, how long the customer waited against it, and
    /// whether an answer ended the wait.
    var sla: (target: ReportTally.SLAKey, waited: Int64, answered: Bool)?
    var repeated = false
    var detractor = false
    var turned = false
    /// Received, tagged, passed to a team, closed with an answer — for an idea.
    var idea: (tagged: Bool, passed: Bool, closed: Bool)?

    init(_ conversation: ReportFacts.Conversation, first: Int64, answer: ReportFacts.Answer?, clock: SLAClock, now: Int64, repeated: Bool) {
        let customer = conversation.customer
        if let answer {
            answered = true
            onTheirChannel = !conversation.answerMovesAway(from: first)
            firstResponse = clock.elapsed(from: first, to: answer.at)
            twoWay = customer.contains { $0.at > answer.at }
            if let last = customer.last, last.at > answer.at, last.kind == .praise, conversation.status == .resolved { closedWithThanks = true }
            if let before = customer.last(where: { $0.at <= answer.at && $0.sentiment != nil })?.sentiment,
               let after = customer.first(where: { $0.at > answer.at && $0.sentiment != nil })?.sentiment {
                mood = (before, after)
            }
        } else {
            unanswered = conversation.status
        }
        resolution = conversation.resolvedAt.map { clock.elapsed(from: first, to: $0) }
        // Spam, and what was resolved without a word (nothing asked for one), have no SLA.
        if let target = conversation.slaMinutes, conversation.status != .spam, answered || conversation.status != .resolved {
            sla = (.init(urgency: conversation.urgency, minutes: target), clock.elapsed(from: first, to: answer?.at ?? now), answered)
        }
        self.repeated = repeated
        if let negative = customer.firstIndex(where: { ($0.sentiment ?? 0) <= -MessageAnalyzer.polarityThreshold }) {
            detractor = true
            turned = customer[negative...].contains { ($0.sentiment ?? 0) >= MessageAnalyzer.polarityThreshold }
        }
        if conversation.kind == .idea {
            idea = (conversation.tagged, conversation.escalated, answered && conversation.status == .resolved)
        }
    }

}

/// Whether an answer asks the customer to go elsewhere: a direct or private message, e-mail, a
/// call, a branch. It reads every answer of a large cache, so it works on the bytes in place,
/// folding ASCII case as it compares.
enum MovingAway {
    static func asks(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { asks($0) }
    }

    static func asks(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count > 1 else { return false }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { lower in
            for at in bytes.indices { let b = bytes[at]; lower[at] = b >= 65 && b <= 90 ? b + 32 : b }
            let base = UnsafeRawPointer(lower.baseAddress!), count = lower.count
            /// Where `needle` first occurs at or after `from`: memchr for its first byte, memcmp for the rest.
            func find(_ needle: [UInt8], from: Int) -> Int? {
                var at = from
                while at + needle.count <= count {
                    guard let hit = memchr(base + at, Int32(needle[0]), count - at - needle.count + 1) else { return nil }
                    let found = base.distance(to: UnsafeRawPointer(hit))
                    if needle.withUnsafeBytes({ memcmp(base + found, $0.baseAddress!, needle.count) }) == 0 { return found }
                    at = found + 1
                }
                return nil
            }
            func isWord(_ at: Int) -> Bool {
                guard at >= 0 && at < count else { return false }
                let b = lower[at]
                return b >= 97 && b <= 122 || b >= 48 && b <= 57 || b >= 128 || b == 45
            }
            // "dm", "dms", "pm" as words
            for pair in words {
                var from = 0
                while let at = find(pair, from: from) {
                    let end = pair[0] == 100 && at + 2 < count && lower[at + 2] == 115 ? at + 3 : at + 2
                    if !isWord(at - 1) && !isWord(end) { return true }
                    from = at + 1
                }
            }
            return phrases.contains { find($0, from: 0) != nil }
        }
    }

    static let words: [[UInt8]] = [Array("dm".utf8), Array("pm".utf8)]
    static let phrases: [[UInt8]] = ["direct message", "private message", "message us privately", "inbox us", "email us", "e-mail us",
                                     "call us", "phone us", "give us a call", "ring us", "contact us at", "visit a branch",
                                     "pop into a branch"].map { Array($0.utf8) }
}

extension ReportTally {
    mutating func count(_ outcome: ConversationOutcome) {
        measures.heard.opened += 1
        if outcome.answered {
            measures.heard.answered += 1
            if outcome.onTheirChannel { measures.heard.answeredOnTheirChannel += 1 }
            if outcome.twoWay { measures.dialogue.twoWay += 1 }
            if outcome.closedWithThanks { measures.dialogue.closedWithThanks += 1 }
        }
        switch outcome.unanswered {
        case .spam?: measures.heard.unansweredSpam += 1
        case .resolved?: measures.heard.unansweredResolved += 1
        case nil: break
        default: measures.heard.unansweredOpen += 1
        }
        if let time = outcome.firstResponse { firstResponses.append(time) }
        if let time = outcome.resolution { resolutions.append(time) }
        if let mood = outcome.mood {
            measures.mood.measured += 1
            moodBefore += mood.before
            moodAfter += mood.after
        }
        if let sla = outcome.sla {
            // In place: a copy of the entry would copy its list of breaches every time.
            self.sla[sla.target, default: (0, 0, [])].conversations += 1
            let limit = Int64(sla.target.minutes) * 60_000
            if sla.waited > limit {
                self.sla[sla.target]!.late.append(sla.waited - limit)
            } else if sla.answered {
                self.sla[sla.target]!.met += 1
            }
        }
        if outcome.repeated { measures.dialogue.repeatWithin7Days += 1 }
        if outcome.detractor { measures.mood.detractors += 1 }
        if outcome.turned { measures.mood.turned += 1 }
        if let idea = outcome.idea {
            measures.ideas.received += 1
            if idea.tagged { measures.ideas.tagged += 1 }
            if idea.passed { measures.ideas.passedToTeam += 1 }
            if idea.closed { measures.ideas.closedWithAnswer += 1 }
        }
    }
}
