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
            let term = fields[1]
            for kind in fields[0].split(separator: ",") {
                switch kind {
                case "question": cues.questionStarts.append(term)
                case "idea": cues.idea.append(term)
                case "spam": cues.spam.append(term)
                case "spam-alone": cues.spamAlone.append(term)
                case "complaint": cues.complaint.append(term)
                case "praise": cues.praise.append(term)
                case "common": cues.common.insert(term)
                case let category where urgencyCategories.contains(String(category)): cues.urgency[String(category), default: []].append(term)
                default: preconditionFailure("triage-cues.tsv line \(index + 1): unknown kind \(kind)")
                }
            }
        }
        return cues
    }()
}
