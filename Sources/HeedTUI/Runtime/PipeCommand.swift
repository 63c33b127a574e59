import Foundation
import HeedCore

/// `|`: a conversation given on standard input to a command the operator typed, run without a
/// shell (its words as arguments), on the terminal as the shell had it.
enum PipeCommand {
    /// What the status line says afterwards.
    static func run(_ words: [String], input: Data) -> String {
        guard let program = words.first else { return "no command to pipe to" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = words
        let stdin = Pipe()
        process.standardInput = stdin
        // A command that stops reading early (head) must not stop heed.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        do {
            try process.run()
        } catch {
            return "cannot run \(program): \(error.localizedDescription)"
        }
        // Written beside the command, which may print before it has read everything.
        let written = DispatchGroup()
        DispatchQueue.global().async(group: written) {
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        written.wait()
        let status = process.terminationStatus
        // env says 127 when it finds no such program.
        return status == 0 ? "piped to \(program)" : status == 127 ? "no program \(program) (it was run without a shell)"
                                                                     : "\(program) exited with status \(status)"
    }
}
