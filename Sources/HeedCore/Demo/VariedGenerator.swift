import Foundation

/// Mentions that read like real traffic for the benchmarks, where the demo's few hundred texts
/// repeated over a million would make copy detection and rules do far more than real traffic
/// asks: sentences built from templates with many slots (what, what went wrong, money, time,
/// place, feeling), typos, several languages, and repetition at a real rate — reposts of a
/// recent post and a few campaigns, most texts said once. Always X, each post its own thread
/// unless it answers one; the same seed gives the same stream.
public struct VariedGenerator: Sequence, IteratorProtocol {
    public let size: Int
    private let now: Int64
    private var rng: SeededRandom
    private var produced = 0
    /// Recent texts a repost may copy.
    private var recent: [String] = []
    private var campaigns: [String] = []

    /// Shares of the stream: reposts of a recent post, and posts of a campaign.
    static let repostShare = 0.14, campaignShare = 0.02

    public init(size: Int, seed: UInt64, now: Int64) {
        (self.size, self.now, rng) = (size, now, SeededRandom(seed: seed))
        for _ in 0..<8 { campaigns.append(sentence(language: "en")) }
    }

    public mutating func next() -> IncomingMention? {
        guard produced < size else { return nil }
        produced += 1
        let id = String(1_000_000_000 + produced)
        let text: String
        if !recent.isEmpty, rng.chance(Self.repostShare) {
            text = "RT @" + handle(rng.int(0...99_999)) + ": " + rng.pick(recent)
        } else if rng.chance(Self.campaignShare) {
            text = rng.pick(campaigns) + " " + rng.pick(["#NorthwindFail", "#banking", "#fintech", "#ad", ""])
        } else {
            text = typed(sentence(language: rng.chance(0.12) ? rng.pick(["es", "fr", "de", "pt"]) : "en"))
            if recent.count < 500 { recent.append(text) } else { recent[rng.int(0...499)] = text }
        }
        let author = rng.int(0...Swift.max(1, size / 3))
        // Spread over the last 30 days, in order.
        let time = now - 30 * 86_400_000 + Int64(produced) * (30 * 86_400_000 / Int64(Swift.max(1, size)))
        return IncomingMention(channel: "x", sourceID: id, text: text.trimmingCharacters(in: .whitespaces), createdAt: time,
                               author: IncomingAuthor(id: "v\(author)", handle: handle(author), followers: rng.followers()),
                               url: "https://x.com/i/status/" + id, threadID: id, lang: nil,
                               metrics: Metrics(likes: rng.int(0...30), reposts: rng.int(0...5), replies: rng.int(0...3)))
    }

    private func handle(_ number: Int) -> String {
        ["sam", "ana", "li", "tom", "noor", "kai", "yuki", "rosa", "dev", "mo"][number % 10] + "_" + String(number, radix: 36)
    }

    // MARK: Sentences

    private static let things = ["card", "debit card", "credit card", "app", "online banking", "transfer", "direct debit", "standing order",
                                 "mortgage", "loan", "savings account", "ISA", "overdraft", "statement", "PIN", "contactless", "login",
                                 "branch", "cash machine", "Apple Pay", "Google Pay", "international payment", "refund", "chargeback"]
    private static let troubles = ["was declined", "stopped working", "keeps crashing", "is down again", "charged me twice", "hasn't arrived",
                                   "got blocked", "shows the wrong balance", "won't let me log in", "took {money} without asking",
                                   "is still pending after {days} days", "was cancelled for no reason", "asks for a code I never get",
                                   "froze at checkout", "has a fee I never agreed to", "failed at {place}"]
    private static let feelings = ["so frustrating", "absolutely ridiculous", "really not happy", "please help", "any ideas?",
                                   "third time this week", "on hold for {minutes} minutes", "not impressed", "come on", "sort it out",
                                   "thanks in advance", "anyone else?", "need this fixed today", "great service otherwise", "😡", "🙄", "😤"]
    private static let places = ["Tesco", "the airport", "Lidl", "a petrol station", "Amazon", "the chemist", "Sainsbury's", "a café in Leeds",
                                 "the train station", "Boots", "an ATM in Madrid", "IKEA", "the cinema", "Pret"]
    private static let praise = ["Just want to say the {thing} team were brilliant today", "Love the new {thing} feature",
                                 "Quick shout-out: my {thing} issue was sorted in {minutes} minutes", "Honestly the best bank for {thing}"]
    private static let ideas = ["Would be great if the {thing} let me {wish}", "Any plans to let us {wish}?", "Feature request: {wish} in the {thing}"]
    private static let wishes = ["split bills", "freeze my card for a day", "see pending payments", "export to CSV", "round up into savings",
                                 "set a spending limit", "pay friends by phone number", "choose my PIN"]
    private static let foreign: [String: [String]] = [
        "es": ["Mi {thing} no funciona desde ayer", "Me cobraron {money} dos veces", "La app no me deja entrar, ¿alguna solución?",
               "Tarjeta bloqueada en {place}, sin dinero"],
        "fr": ["Ma carte a été refusée chez {place}", "L'appli plante encore, c'est pénible", "On m'a prélevé {money} sans raison"],
        "de": ["Meine Karte wurde bei {place} abgelehnt", "Die App stürzt schon wieder ab", "Überweisung seit {days} Tagen ausstehend"],
        "pt": ["Meu cartão foi recusado no {place}", "O aplicativo não abre desde ontem", "Cobraram {money} duas vezes"],
    ]

    private static let openers = ["", "", "", "Hi, ", "Hey ", "Morning, ", "Ugh. ", "So ", "Not again: ", "Quick one: ", "Help! ", "Honestly, "]
    /// What makes a post its own: a reference, an amount, a time, a day.
    private static let details = ["(ref {ref})", "since {time}", "at {place} at {time}", "— {money}", "order {ref}", "on the {day}th",
                                  "for the {nth} time", "card ending {last4}", "{money} at {place}", "after {minutes} minutes on hold"]

    private mutating func sentence(language: String) -> String {
        var text: String
        if let lines = Self.foreign[language] {
            text = fill(rng.pick(lines))
        } else {
            switch rng.int(0...9) {
            case 0: text = fill(rng.pick(Self.praise)) + (rng.chance(0.5) ? " " + rng.pick(["🙌", "👏", "thank you!", ""]) : "")
            case 1: text = fill(rng.pick(Self.ideas))
            default:
                let opener = rng.pick(Self.openers)
                text = fill(opener + (opener.isEmpty ? "My" : "my") + " {thing} " + rng.pick(Self.troubles))
                if rng.chance(0.6) { text += rng.pick([", ", ". ", " — ", "!! "]) + fill(rng.pick(Self.feelings)) }
            }
        }
        if rng.chance(0.95) { text += " " + fill(rng.pick(Self.details)) }
        return rng.chance(0.5) ? "@NorthwindHelp " + text : text
    }

    private mutating func fill(_ template: String) -> String {
        var text = template
        while let open = text.range(of: "{"), let close = text.range(of: "}", range: open.upperBound..<text.endIndex) {
            let slot = String(text[open.upperBound..<close.lowerBound])
            let value: String
            switch slot {
            case "thing": value = rng.pick(Self.things)
            case "money": value = "£" + String(rng.int(1...2_000)) + (rng.chance(0.5) ? "." + String(format: "%02d", rng.int(0...99)) : "")
            case "days": value = String(rng.int(2...14))
            case "minutes": value = String(rng.int(5...120))
            case "place": value = rng.pick(Self.places)
            case "wish": value = rng.pick(Self.wishes)
            case "ref": value = String(rng.int(100_000...999_999))
            case "time": value = String(rng.int(6...23)) + ":" + String(format: "%02d", rng.int(0...59))
            case "day": value = String(rng.int(1...28))
            case "nth": value = rng.pick(["second", "third", "fourth", "fifth", "sixth"])
            case "last4": value = String(format: "%04d", rng.int(0...9999))
            default: value = slot
            }
            text.replaceSubrange(open.lowerBound..<close.upperBound, with: value)
        }
        return text
    }

    /// A typo or two in one post in five: a letter dropped, doubled or two swapped.
    private mutating func typed(_ text: String) -> String {
        guard rng.chance(0.2) else { return text }
        var letters = Array(text)
        for _ in 0..<rng.int(1...2) where letters.count > 4 {
            let at = rng.int(1...(letters.count - 3))
            guard letters[at].isLetter, letters[at + 1].isLetter else { continue }
            switch rng.int(0...2) {
            case 0: letters.remove(at: at)
            case 1: letters.insert(letters[at], at: at)
            default: letters.swapAt(at, at + 1)
            }
        }
        return String(letters)
    }
}
