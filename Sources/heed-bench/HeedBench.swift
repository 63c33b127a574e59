import ArgumentParser
import Foundation
import GRDB
import HeedCore

@main
struct HeedBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heed-bench",
        abstract: "Benchmarks that print heed's figures. Build with -c release: swift run -c release heed-bench …",
        subcommands: [IngestBench.self, QueueBench.self, TriageBench.self, TriageEvalBench.self, ScreenBench.self, ActionsBench.self, ActionsWorker.self, FuzzBench.self, ConnectorsBench.self, HostileBench.self, RetentionBench.self, ReportBench.self, CorpusBench.self, MeasuredRun.self])
}

/// Where the benchmarks keep their generated files and caches.
struct BenchOptions: ParsableArguments {
    @Option(help: "Folder for generated data and caches.")
    var dir = "bench-data"

    /// The `heed` built beside this benchmark: it is measured as a user runs it, from process start.
    var heedBinary: String {
        URL(fileURLWithPath: benchBinary).deletingLastPathComponent().appendingPathComponent("heed").path
    }

    /// The package this benchmark was built from: the first folder above the binary with a Package.swift.
    var packageRoot: String? {
        var folder = URL(fileURLWithPath: heedBinary).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.path + "/Package.swift") { return folder.path }
            folder.deleteLastPathComponent()
        }
        return nil
    }

    /// Makes the data folder and brings the release `heed` up to date (`swift run heed-bench`
    /// builds only the benchmark itself).
    func prepare() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if let packageRoot {
            let build = try ChildProcess.spawn(["swift", "build", "-c", "release", "--product", "heed", "--package-path", packageRoot],
                                               stdout: "\(dir)/build.log", stderr: "\(dir)/build.err").wait()
            guard build.status == 0 else { throw ValidationError("building heed failed; see \(dir)/build.err") }
        }
        guard FileManager.default.isExecutableFile(atPath: heedBinary) else {
            throw ValidationError("no heed binary at \(heedBinary): run `swift build -c release` first")
        }
    }

    /// The config every benchmark runs heed with: the example's, written beside the data.
    var configFile: String { "\(dir)/config.json" }

    /// Writes `configFile` and returns its path.
    @discardableResult
    func writeConfig() throws -> String {
        try benchConfigText().write(toFile: configFile, atomically: true, encoding: .utf8)
        return configFile
    }

    func removeCache(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// The example config without its after-ingest hook: the benchmarks measure importing, and the
/// example's hook names a program this machine does not have.
func benchConfigText() -> String {
    guard let root = try? JSONParser.parse(ExampleConfig.text), case .object(let members) = root.value else { return ExampleConfig.text }
    return JSONWriter.string(JSONNode(.object(members.filter { $0.key != "hooks" })))
}

/// The fixed clock the generated data is relative to, so every run ingests the same bytes.
let benchNow = RFC3339.milliseconds(from: "2026-11-23T12:00:00Z")!

func milliseconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
}

func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
