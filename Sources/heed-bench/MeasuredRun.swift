import ArgumentParser
import Foundation
import HeedCore

/// Runs a program and writes its peak memory, running time and bytes written to the disk to a file. Linux charges a
/// program started by a process that has grown with that process's peak (a vfork child is
/// measured with the memory it shared until exec), and the benchmarks grow while they build
/// their caches: what they measure is started through this small, new process instead.
struct MeasuredRun: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "measured-run", shouldDisplay: false)

    @Option var into: String
    @Option var stdout: String
    @Option var stderr: String
    @Argument(parsing: .captureForPassthrough) var command: [String]

    func run() throws {
        let start = DispatchTime.now()
        let exit = try ChildProcess.spawn(command, stdout: stdout, stderr: stderr).wait()
        try "\(exit.maxResidentBytes) \(milliseconds(since: start)) \(exit.writtenBytes)".write(toFile: into, atomically: true, encoding: .utf8)
        throw ExitCode(exit.status)
    }
}

extension BenchOptions {
    /// This benchmark's own binary.
    var benchBinary: String { URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path }

    /// `arguments` run to the end through `measured-run`: their own exit, peak memory, bytes
    /// written and milliseconds from start to exit.
    func measured(_ arguments: [String], stdout: String, stderr: String) throws -> (exit: ChildProcess.Exit, milliseconds: Double) {
        let figures = "\(dir)/measured-run.txt"
        try? FileManager.default.removeItem(atPath: figures)
        var exit = try ChildProcess.spawn([benchBinary, "measured-run", "--into", figures, "--stdout", stdout, "--stderr", stderr] + arguments,
                                          stderr: "\(dir)/measured-run.err").wait()
        let parts = ((try? String(contentsOfFile: figures, encoding: .utf8)) ?? "").split(separator: " ")
        guard parts.count == 3, let peak = Int(parts[0]), let time = Double(parts[1]), let written = Int(parts[2]) else {
            throw ValidationError("could not run \(arguments[0]); see \(dir)/measured-run.err")
        }
        (exit.maxResidentBytes, exit.writtenBytes) = (peak, written)
        return (exit, time)
    }
}
