import Foundation

/// The after-ingest hook from the config (notmuch's post-new, for mentions): a program run with
/// its argument list — never through a shell — getting the batch's new mentions as a JSON array
/// of heed's format on standard input, and `HEED_CACHE` in its environment so it can tag or
/// escalate through `heed`.
public struct IngestHook: Sendable {
    public var program: Program
    public var cachePath: String

    public init(program: Program, cachePath: String) {
        self.program = program
        self.cachePath = cachePath
    }

    /// Whether the program can be run at all (a path that is executable, or a name found on PATH),
    /// so a missing hook is reported once rather than costing every batch.
    public var programExists: Bool {
        if program.path.contains("/") { return FileManager.default.isExecutableFile(atPath: program.path) }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program.path)") }
    }

    /// Runs the hook; returns a warning to show when it failed (it never stops the import).
    public func run(_ mentions: [IncomingMention]) -> String? {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("heed-hook-\(getpid())-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: input) }
        let json = "[" + mentions.map(HeedJSONLines.encode).joined(separator: ",\n") + "]\n"
        guard FileManager.default.createFile(atPath: input, contents: Data(json.utf8), attributes: [.posixPermissions: 0o600]) else {
            return "hook \(program.path): cannot write its input"
        }
        var environment = ProcessInfo.processInfo.environment
        environment["HEED_CACHE"] = cachePath
        let output = input + ".out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        do {
            let child = try ChildProcess.spawn([program.path] + program.arguments, stdin: input, stdout: output, stderr: output,
                                               environment: environment)
            guard let exit = child.wait(timeout: Double(program.timeoutSeconds)) else {
                return "hook \(program.path) ran longer than \(program.timeoutSeconds) s and was stopped"
            }
            guard exit.status == 0 else {
                let said = (try? String(contentsOfFile: output, encoding: .utf8)).map { DisplayText(untrusted: String($0.suffix(300))).string } ?? ""
                return "hook \(program.path) exited with status \(exit.status)" + (said.isEmpty ? "" : ": \(said)")
            }
            return nil
        } catch {
            return "hook \(program.path): \(error)"
        }
    }
}
