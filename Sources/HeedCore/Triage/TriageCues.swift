import Foundation

/// Cue phrases for the kind of a message and the default urgency keywords
/// (`Resources/triage-cues.tsv`, built into heed).
public struct TriageCues: Sendable {
    /// Words that open a question.
    var questionStarts: Set<String> = []
    var idea = PhraseSet()
    var spam = PhraseSet()
    var complaint = PhraseSet()
    var praise = PhraseSet()
    /// Urgency category (money, access, safety, outage, legal) → its keywords.
    public var urgency: [String: [String]] = [:]

    public static let urgencyCategories = ["money", "access", "safety", "outage", "legal"]

    public static let builtIn: TriageCues = {
        var cues = TriageCues()
        let text = String(decoding: PackageResources.triage_cues_tsv, as: UTF8.self)
        for (index, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t").map(String.init)
            precondition(fields.count == 2, "triage-cues.tsv line \(index + 1): expected KIND<tab>TERM")
            switch fields[0] {
            case "question": cues.questionStarts.insert(fields[1])
            case "idea": cues.idea.insert(fields[1])
            case "spam": cues.spam.insert(fields[1])
            case "complaint": cues.complaint.insert(fields[1])
            case "praise": cues.praise.insert(fields[1])
            case let category where urgencyCategories.contains(category): cues.urgency[category, default: []].append(fields[1])
            default: preconditionFailure("triage-cues.tsv line \(index + 1): unknown kind \(fields[0])")
            }
        }
        return cues
    }()
}

/// Phrases matched as whole words against a message's words.
public struct PhraseSet: Sendable {
    /// By first word: the phrases' words.
    private var byFirst: [String: [[String]]] = [:]

    public init(_ phrases: [String] = []) {
        for phrase in phrases { insert(phrase) }
    }

    mutating func insert(_ phrase: String) {
        let words = PhraseSet.words(of: phrase)
        guard let first = words.first else { return }
        byFirst[first, default: []].append(words)
        byFirst[first]!.sort { $0.count > $1.count }
    }

    /// The phrases found in `words`, each once, in the order they occur; a phrase inside a
    /// longer one found ("giveaway" in "crypto giveaway") is not counted again.
    func matches(in words: [String]) -> [String] {
        var found: [String] = []
        var coveredUntil = 0
        for index in words.indices {
            guard let candidates = byFirst[words[index]] else { continue }
            for phrase in candidates where index + phrase.count <= words.count && index + phrase.count > coveredUntil {
                if phrase.indices.allSatisfy({ words[index + $0] == phrase[$0] }) {
                    let text = phrase.joined(separator: " ")
                    if !found.contains(text) { found.append(text) }
                    coveredUntil = index + phrase.count
                    break
                }
            }
        }
        return found
    }

    /// A phrase's words as the tokenizer cuts a message: lower case, letters, digits and apostrophes.
    static func words(of phrase: String) -> [String] {
        SentimentTokens(phrase, lexicon: Lexicon()).words
    }
}
