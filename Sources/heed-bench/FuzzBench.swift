import ArgumentParser
import Foundation
import HeedCore

struct FuzzBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Feed corrupted variants of every real payload of a format through heed's reading path.",
        discussion: "A failure names the payload, seed and variant; the same --seed replays it.")

    @OptionGroup var options: BenchOptions

    @Argument(help: "The format (as `heed ingest --formats` lists them), or all.")
    var format: String

    @Option(help: "Variants per payload.")
    var iterations = 100_000

    @Option(help: "The first seed (each payload takes the next).")
    var seed: UInt64 = 1

    func run() throws {
        try FileManager.default.createDirectory(atPath: options.dir, withIntermediateDirectories: true)
        guard let root = options.packageRoot else { throw ValidationError("cannot find the package this benchmark was built from") }
        let folders = [root + "/../shared/fixtures", root + "/Tests/HeedCoreTests/Fixtures"]
        var payloads: [(String, String)] = []
        for folder in folders {
            for file in FileManager.default.enumerator(atPath: folder)?.compactMap({ $0 as? String }).sorted() ?? [] {
                let path = folder + "/" + file
                guard !file.hasSuffix(".md"), !file.contains("LICENSE"), !file.contains("lexicons"),
                      let found = try? ImportReader.read(path: path).format else { continue }
                if format == "all" || found == format { payloads.append((path, found)) }
            }
        }
        guard !payloads.isEmpty else { throw ValidationError("no payload of format \(format) under \(folders.joined(separator: " or "))") }
        for (index, (path, name)) in payloads.enumerated() {
            let start = DispatchTime.now()
            let run = FuzzRun(iterations: iterations, seed: seed + UInt64(index), scratch: options.dir + "/fuzz-variant")
            let totals = try run.run(payload: path)
            print("\(name) \(URL(fileURLWithPath: path).lastPathComponent) (seed \(seed + UInt64(index))): \(iterations) variants in "
                + "\(heed_bench.format(milliseconds(since: start) / 1000, 1)) s — \(totals.mentions) mentions, \(totals.rejections) rejections, "
                + "\(totals.refused) files refused, no crash")
        }
    }
}
