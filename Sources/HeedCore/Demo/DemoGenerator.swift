/// Writes a believable stream of mentions for the demo and the benchmarks: complaints,
/// questions, praise and ideas on every channel, threads with our replies and the customers'
/// follow-ups, regulars and VIPs, a burst of "app down" complaints, spam campaigns, other
/// languages, emoji and CJK. The same seed and clock give the same stream.
public struct DemoGenerator: Sequence, IteratorProtocol {
    public let size: Int
    private let now: Int64
    private var rng: SeededRandom
    private var produced = 0
    private var pending: [IncomingMention] = []
    private var pendingIndex = 0
    private var serial = 0
    private let ourHandles: [String: String]
    private let operators: [Operator]
    private var regulars: [Persona] = []
    private var outageLeft: Int

    struct Persona {
        var channel: String
        var author: IncomingAuthor
        var firstName: String
    }

    static let channelWeights: [(String, Int)] = [("x", 34), ("facebook", 12), ("reddit", 10), ("mastodon", 8), ("bluesky", 8),
                                                  ("email", 7), ("forum", 6), ("youtube", 5), ("blog", 5), ("linkedin", 4),
                                                  ("trustpilot", 1)]

    public init(size: Int, seed: UInt64, now: Int64, config: Config) {
        self.size = size
        self.now = now
        self.rng = SeededRandom(seed: seed)
        self.ourHandles = config.accounts.compactMapValues(\.first)
        self.operators = config.operators
        self.outageLeft = Swift.min(size / 4, Swift.max(30, size / 60))
        let channels = Set(config.channels)
        for index in 0..<Swift.max(1, Swift.min(60, size / 30)) {
            var persona = makePersona(channel: pickChannel(allowed: channels))
            if index < 6 {
                // The VIPs: big audiences, verified, people a bank must not keep waiting.
                persona.author.followers = 50_000 + rng.int(0...900_000)
                persona.author.verified = true
            }
            regulars.append(persona)
        }
    }

    public mutating func next() -> IncomingMention? {
        guard produced < size else { return nil }
        if pendingIndex == pending.count {
            pending = nextScenario()
            pendingIndex = 0
        }
        produced += 1
        pendingIndex += 1
        return pending[pendingIndex - 1]
    }

    // MARK: Scenarios

    private mutating func nextScenario() -> [IncomingMention] {
        let remaining = size - produced
        if outageLeft > 0, rng.chance(Double(outageLeft) / Double(Swift.max(remaining, 1)) * 1.5) {
            outageLeft -= 1
            return [outageMention()]
        }
        let roll = rng.int(0...99)
        let persona = rng.chance(0.12) && !regulars.isEmpty ? rng.pick(regulars) : makePersona(channel: pickChannel())
        let start = now - recentOffset()
        switch roll {
        case 0..<30: return thread(persona, opening: fill(rng.pick(DemoCorpus.complaints)), at: start, answerChance: 0.45)
        case 30..<55: return thread(persona, opening: fill(rng.pick(DemoCorpus.questions)), at: start, answerChance: 0.55)
        case 55..<66: return thread(persona, opening: fill(rng.pick(DemoCorpus.praise)), at: start, answerChance: 0.3)
        case 66..<74: return thread(persona, opening: fill(rng.pick(DemoCorpus.ideas)), at: start, answerChance: 0.3)
        case 74..<80: return spamCampaign(at: start)
        case 80..<88:
            let (lang, text) = rng.pick(DemoCorpus.foreign)
            return thread(persona, opening: text, at: start, answerChance: 0.3, lang: lang)
        default: return thread(persona, opening: fill(rng.pick(DemoCorpus.indirect)), at: start, answerChance: 0.15)
        }
    }

    /// Up to three days ago, most of it recent, as a live queue looks.
    private mutating func recentOffset() -> Int64 {
        let u = Double(rng.next() >> 11) / Double(1 << 53)
        return 90_000 + Int64(u * u * 72 * 3_600_000)
    }

    /// A team at work has answered what came in hours ago: a thread older than this was
    /// answered, its follow-ups too, so that what waits (and is late) is mostly recent.
    static let answeredAfter: Int64 = 2 * 3_600_000

    private mutating func thread(_ persona: Persona, opening: String, at start: Int64, answerChance: Double,
                                 lang: String = "en") -> [IncomingMention] {
        let root = mention(persona, text: opening, at: start, lang: lang, parent: nil)
        var messages = [root]
        var time = start
        var last = root
        var turns = 0
        let old = now - start > Self.answeredAfter
        while turns < 3, old || rng.chance(turns == 0 ? answerChance : 0.5) {
            time += Int64(rng.int(3...90)) * 60_000
            guard time < now, let reply = ourReply(to: persona, after: last, root: root, at: time) else { break }
            last = reply
            messages.append(last)
            time += Int64(rng.int(5...180)) * 60_000
            guard time < now, rng.chance(0.6) else { break }
            last = mention(persona, text: rng.pick(DemoCorpus.followUps), at: time, lang: lang, parent: last, root: root)
            messages.append(last)
            turns += 1
            // An old thread's follow-up was answered within the hour, unless it is still recent.
            if old && (turns == 3 || !rng.chance(0.5)), now - time > Self.answeredAfter / 3 {
                time += Int64(rng.int(5...55)) * 60_000
                guard time < now, let reply = ourReply(to: persona, after: last, root: root, at: time) else { break }
                last = reply
                messages.append(last)
                break
            }
        }
        return messages
    }

    /// One of our canned answers to `persona`, signed by one of the team, from our account on the channel.
    private mutating func ourReply(to persona: Persona, after parent: IncomingMention, root: IncomingMention, at time: Int64) -> IncomingMention? {
        guard let ours = ourPersona(root.channel) else { return nil }
        let op = operators.isEmpty ? "NW" : String(rng.pick(operators).signature.dropFirst())
        var reply = rng.pick(DemoCorpus.ourReplies)
        reply = Bytes.replacing("{first_name}", in: reply) { persona.firstName } ?? reply
        reply = Bytes.replacing("^{sig}", in: reply) { "^" + op } ?? reply
        return mention(ours, text: reply, at: time, lang: "en", parent: parent, root: root)
    }

    private mutating func outageMention() -> IncomingMention {
        let persona = makePersona(channel: rng.chance(0.6) ? "x" : pickChannel())
        // It began a quarter of an hour ago: the first complaints are close to their targets.
        let at = now - 20 * 60_000 + Int64(rng.int(0...900_000))
        return mention(persona, text: fill(rng.pick(DemoCorpus.outage)), at: Swift.min(at, now), lang: "en", parent: nil)
    }

    /// The same promotion pasted by a handful of throwaway accounts within minutes.
    private mutating func spamCampaign(at start: Int64) -> [IncomingMention] {
        let text = rng.pick(DemoCorpus.spam)
        return (0..<rng.int(2...5)).map { index in
            var bot = makePersona(channel: "x")
            bot.author.followers = rng.int(0...12)
            return mention(bot, text: text, at: start - Int64(index) * 45_000, lang: "en", parent: nil)
        }
    }

    private mutating func fill(_ template: String) -> String {
        var text = template
        for (slot, words) in [("{product}", DemoCorpus.products), ("{amount}", DemoCorpus.amounts), ("{time}", DemoCorpus.times),
                              ("{feature}", DemoCorpus.features)] {
            // Picked only for a slot the template has, so that the same seed makes the same demo.
            text = Bytes.replacing(slot, in: text) { rng.pick(words) } ?? text
        }
        text = Bytes.replacing("{brand_handle}", in: text) { ourHandles["x"] ?? "Northwind" } ?? text
        if text.first?.isLetter == true, rng.chance(0.5) { text = text.prefix(1).uppercased() + text.dropFirst() }
        return text
    }

    // MARK: People and posts

    private mutating func pickChannel(allowed: Set<String>? = nil) -> String {
        let total = Self.channelWeights.reduce(0) { $0 + $1.1 }
        var roll = rng.int(0...(total - 1))
        for (channel, weight) in Self.channelWeights {
            if roll < weight { return allowed.map { $0.contains(channel) ? channel : "x" } ?? channel }
            roll -= weight
        }
        return "x"
    }

    private mutating func makePersona(channel: String) -> Persona {
        let first = rng.pick(DemoCorpus.firstNames)
        let last = rng.pick(DemoCorpus.lastNames)
        let word = rng.pick(DemoCorpus.handleWords)
        let number = rng.int(1...999)
        serial += 1
        let handle: String
        switch channel {
        case "mastodon": handle = "\(first.lowercased())@\(rng.pick(DemoCorpus.mastodonHosts))"
        case "bluesky": handle = "\(first.lowercased())\(last.lowercased().prefix(1)).bsky.social"
        case "reddit": handle = "\(word)\(number)"
        case "facebook": handle = "\(first.lowercased()).\(last.lowercased()).\(number)"
        case "youtube": handle = "\(first)\(last)"
        case "linkedin": handle = "\(first.lowercased())-\(last.lowercased())-\(String(number, radix: 16))"
        case "email": handle = "\(first.lowercased()).\(last.lowercased())@example.com"
        case "blog", "forum", "trustpilot": handle = "\(first.lowercased())\(last.prefix(1).lowercased())\(number)"
        default: handle = rng.chance(0.5) ? "\(first.lowercased())_\(last.prefix(1).lowercased())" : "\(word)_\(first.lowercased())\(number)"
        }
        let author = IncomingAuthor(id: "\(channel)-u\(serial)", handle: handle, name: "\(first) \(last)",
                                    followers: rng.followers(), verified: false)
        return Persona(channel: channel, author: author, firstName: first)
    }

    private func ourPersona(_ channel: String) -> Persona? {
        guard let handle = ourHandles[channel] else { return nil }
        return Persona(channel: channel, author: IncomingAuthor(id: "\(channel)-ours", handle: handle, name: handle,
                                                                followers: 48_000, verified: true),
                       firstName: handle)
    }

    private mutating func mention(_ persona: Persona, text: String, at time: Int64, lang: String,
                                  parent: IncomingMention?, root: IncomingMention? = nil) -> IncomingMention {
        serial += 1
        let channel = persona.channel
        let id = sourceID(channel: channel, serial: serial)
        var m = IncomingMention(channel: channel, sourceID: id, text: text, createdAt: time, author: persona.author,
                                url: url(channel: channel, handle: persona.author.handle, id: id), inReplyTo: parent?.sourceID,
                                lang: lang, metrics: Metrics(likes: rng.int(0...40), reposts: rng.int(0...8), replies: rng.int(0...3)))
        if channel == "x" { m.threadID = (root ?? parent)?.sourceID ?? id }
        return m
    }

    private func sourceID(channel: String, serial: Int) -> String {
        switch channel {
        case "x": return String(1_860_000_000_000_000_000 + UInt64(serial) * 7919)
        case "mastodon": return String(113_500_000_000_000_000 + UInt64(serial) * 131)
        case "bluesky": return "at://did:plc:nw\(serial % 997)/app.bsky.feed.post/3l\(String(serial, radix: 32))"
        case "reddit": return "t1_\(String(serial + 46_656, radix: 36))"
        case "email": return "<\(serial).\(String(serial &* 2_654_435_761 % 1_000_000, radix: 16))@mail.example.com>"
        default: return "\(channel)-\(serial)"
        }
    }

    private func url(channel: String, handle: String, id: String) -> String? {
        switch channel {
        case "x": return "https://x.com/\(handle)/status/\(id)"
        case "mastodon":
            let parts = handle.split(separator: "@")
            return parts.count == 2 ? "https://\(parts[1])/@\(parts[0])/\(id)" : nil
        case "reddit": return "https://www.reddit.com/r/UKPersonalFinance/comments/\(id.dropFirst(3))/"
        case "blog": return "https://blog.northwind.example/2026/11/new-fees-explained/#comment-\(id)"
        case "forum": return "https://community.northwind.example/p/\(id)"
        default: return nil
        }
    }
}

import Foundation
