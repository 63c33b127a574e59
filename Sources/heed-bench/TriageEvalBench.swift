import ArgumentParser
import Foundation
import HeedCore

/// How heed's reading of messages compares with what people labelled, beside VADER's lexicon
/// read by the same scorer: precision, recall and F1 per sentiment class, macro-F1, the recall
/// of negative messages, and whether a negative message is classed as needing a reply
/// (a complaint or a question).
struct TriageEvalBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage-eval",
        abstract: "Sentiment and needs-a-reply on labelled real messages, heed beside VADER's lexicon.")

    @OptionGroup var options: BenchOptions

    @Option(name: .customLong("set"), help: "A labelled CSV (the Apple or SXSW layout); repeat for several. Default: both under ../shared/fixtures/labelled.")
    var sets: [String] = []

    @Option(help: "VADER's lexicon file. Default: ../shared/fixtures/lexicons/vader/vader_lexicon.txt.")
    var vader: String?

    @Option(help: "Also print this many of the messages people labelled negative that heed did not read as negative.")
    var misses = 0

    func run() throws {
        let shared = (options.packageRoot ?? ".") + "/../shared/fixtures"
        let paths = sets.isEmpty ? ["Apple-Twitter-Sentiment-DFE.csv", "judge-1377884607_tweet_product_company.csv"].map { shared + "/labelled/" + $0 } : sets
        let vaderLexicon = try Lexicon.vader(path: vader ?? shared + "/lexicons/vader/vader_lexicon.txt")
        let readers: [(String, MessageAnalyzer)] = [("heed", MessageAnalyzer()), ("VADER", MessageAnalyzer(lexicon: vaderLexicon))]
        let classes = LabelledMessage.Sentiment.allCases.map(\.rawValue)
        for path in paths {
            let messages = try LabelledSet.read(path: path)
            let counts = classes.map { label in "\(messages.filter { $0.sentiment.rawValue == label }.count) \(label)" }
            print("\n\(URL(fileURLWithPath: path).lastPathComponent): \(messages.count) messages (\(counts.joined(separator: ", ")))")
            print("reader  class     support  precision  recall    F1")
            for (name, analyzer) in readers {
                let start = DispatchTime.now()
                let analyses = messages.map { analyzer.analyze($0.text) }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
                let sentiment = ClassScores(zip(messages, analyses).map { ($0.sentiment.rawValue, LabelledMessage.Sentiment(score: $1.sentiment).rawValue) }, labels: classes)
                for (label, s) in sentiment.scores {
                    print(name.padding(toLength: 8, withPad: " ", startingAt: 0) + label.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + String(format: "%7d  %9.2f  %6.2f  %6.2f", s.support, s.precision, s.recall, s.f1))
                }
                // Needs a reply: what people labelled negative, against what heed classes as a complaint or a question.
                let reply = ClassScores(zip(messages, analyses).map { ($0.sentiment == .negative ? "reply" : "no", [.complaint, .question].contains($1.kind) ? "reply" : "no") },
                                        labels: ["reply"])
                let r = reply.scores[0].score
                print(name.padding(toLength: 8, withPad: " ", startingAt: 0)
                    + String(format: "macro-F1 %.2f · negative recall %.2f · negative classed complaint or question %.0f%% (needs a reply: P %.2f R %.2f F1 %.2f) · %.0f messages/s",
                             sentiment.macroF1, sentiment.score("negative")?.recall ?? 0, r.recall * 100, r.precision, r.recall, r.f1,
                             Double(messages.count) / Swift.max(seconds, 1e-9)))
                if name == "heed" { printMisses(messages, analyses) }
            }
        }
    }

    /// Untrusted text: printed through `DisplayText` like anything else from the public.
    private func printMisses(_ messages: [LabelledMessage], _ analyses: [MessageAnalysis]) {
        let missed = zip(messages, analyses).filter { $0.sentiment == .negative && LabelledMessage.Sentiment(score: $1.sentiment) != .negative }
        for (message, analysis) in missed.prefix(misses) {
            print(String(format: "  %+.2f %@  ", analysis.sentiment, analysis.kind.rawValue) + DisplayText(untrusted: message.text).string)
        }
    }
}
