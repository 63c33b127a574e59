import ArgumentParser
import Foundation
import HeedCore

/// How often each benchmark corpus repeats itself, beside real posts about brands: the demo's,
/// the varied one, and the labelled sets of real tweets in the shared fixtures.
struct CorpusBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "The repetition rate of the demo's and the varied corpus, beside real tweets' (the labelled sets in the fixtures).")

    @Option(help: "Mentions generated of each corpus.")
    var count = 200_000

    @Option(help: "Folder of the labelled real tweets (CSV with a text column).")
    var real = "../shared/fixtures/labelled"

    func run() throws {
        let config = try ExampleConfig.load()
        report("demo", Repetition.measure(DemoGenerator(size: count, seed: 7, now: benchNow, config: config).lazy.map(\.text)))
        report("varied", Repetition.measure(VariedGenerator(size: count, seed: 7, now: benchNow).lazy.map(\.text)))
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: real)) ?? []).filter { $0.hasSuffix(".csv") }.sorted()
        if files.isEmpty { print("no labelled CSV in \(real): the real rates are not measured") }
        for file in files {
            let rows = try SimpleCSV.rows(path: real + "/" + file)
            guard let header = rows.first, let column = header.firstIndex(where: { ["text", "tweet_text"].contains($0) }) else { continue }
            report("real: " + file, Repetition.measure(rows.dropFirst().compactMap { column < $0.count ? $0[column] : nil }))
        }
    }

    private func report(_ name: String, _ m: Repetition.Measure) {
        print("\(name): \(m.posts) posts, \(m.distinct) distinct texts, said before \(format(m.repeatedShare * 100))%, "
            + "the ten most said \(format(m.topTenShare * 100))% of all")
    }
}

/// Just enough CSV for the labelled sets: quoted fields with doubled quotes and line breaks;
/// Latin-1 where the file is not UTF-8.
enum SimpleCSV {
    static func rows(path: String) throws -> [[String]] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) ?? ""
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var characters = text.makeIterator()
        while let c = characters.next() {
            if quoted {
                if c == "\"" {
                    guard let after = characters.next() else { quoted = false; break }
                    if after == "\"" { field.append("\"") } else {
                        quoted = false
                        if after == "," { row.append(field); field = "" } else if after == "\n" || after == "\r\n" { row.append(field); rows.append(row); (row, field) = ([], "") } else { field.append(after) }
                    }
                } else { field.append(c) }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" || c == "\r\n" {
                row.append(field); rows.append(row); (row, field) = ([], "")
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
