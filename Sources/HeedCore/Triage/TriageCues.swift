import Foundation

/// Cue phrases for the kind of a message and the default urgency keywords
/// (`Resources/triage-cues.tsv`, built into heed).
public struct TriageCues: Sendable {
    /// Words that open a question.
    var questionStarts: [String] = []
    var idea: [String] = []
    var spam: [String] = []
    /// Spam on its own: follow-bait, bought followers, investment pitches.
    var spamAlone: [String] = []
    var complaint: [String] = []
    var praise: [String] = []
    /// Words too common to name an incident.
    var common: Set<String> = []
    /// Urgency category (money, access, safety, outage, legal) → its keywords.
    public var urgency: [String: [String]] = [:]

    public static let urgencyCategories = ["money", "access", "safety", "outage", "legal", "fraud", "vulnerable", "deadline", "repeated"]

    public static let builtIn: TriageCues = {
        var cues = TriageCues()
        // Split as bytes: splitting the text by Characters took a millisecond of every start.
        let lines = PackageResources.triage_cues_tsv.split(separator: UInt8(ascii: "\n"))
        for (index, line) in lines.enumerated() where line.first != UInt8(ascii: "#") {
            let fields = line.split(separator: UInt8(ascii: "\t")).map { String(decoding: $0, as: UTF8.self) }
            precondition(fields.count == 2, "triage-cues.tsv line \(index + 1): expected KIND<tab>TERM")
            switch fields[0] {
            case "question": cues.questionStarts.append(fields[1])
            case "idea": cues.idea.append(fields[1])
            case "spam": cues.spam.append(fields[1])
            case "spam-alone": cues.spamAlone.append(fields[1])
            case "complaint": cues.complaint.append(fields[1])
            case "praise": cues.praise.append(fields[1])
            case "common": cues.common.insert(fields[1])
            case let category where urgencyCategories.contains(category): cues.urgency[category, default: []].append(fields[1])
            default: preconditionFailure("triage-cues.tsv line \(index + 1): unknown kind \(fields[0])")
            }
        }
        return cues
    }()
}
