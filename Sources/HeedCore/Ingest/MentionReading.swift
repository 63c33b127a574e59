/// What triage and incident detection take from a message's text, worked out before the message
/// is stored, on the thread that reads or makes the mentions: the second core, while SQLite works
/// on the first (the text's analysis and a complaint's terms were about a twentieth of an import's
/// writer: docs/performance.md).
struct MentionReading: Sendable {
    /// The text's analysis, as storing it would make it (of the text without NULs).
    var analysis: MessageAnalysis
    /// Incident detection's terms, for a message its analysis makes a complaint.
    var complaintTerms: IncidentTerms?
}

/// Makes `MentionReading`s with an import's keywords; safe to use from any thread.
struct MentionReader: Sendable {
    private let analyzer: MessageAnalyzer

    init(config: Config) {
        analyzer = MessageAnalyzer.shared(keywords: config.triage.keywords)
    }

    /// Every mention is read, ours too: whose it is is known only as it is stored.
    func read(_ mention: IncomingMention) -> MentionReading {
        let text = mention.withoutNUL().text
        let analysis = analyzer.analyze(text)
        return MentionReading(analysis: analysis, complaintTerms: IncidentDetector.isComplaint(analysis) ? IncidentDetector.terms(of: text) : nil)
    }
}
