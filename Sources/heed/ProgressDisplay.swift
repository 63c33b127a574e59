import ArgumentParser
import Dispatch
import Foundation
import HeedCore

/// Shows a long import's progress on standard error: a line redrawn four times a second and
/// cleared at the end when standard error is a terminal, JSON lines once a second for scripts
/// (`--progress json`), nothing otherwise.
final class ProgressDisplay: @unchecked Sendable {
    enum Mode: String, CaseIterable, ExpressibleByArgument {
        case line, json, off
    }

    let progress: IngestProgress
    private let mode: Mode
    private let lock = NSLock()
    private var timer: DispatchSourceTimer?
    private var shown = false
    private var finished = false

    /// `asked` is `--progress`; `quiet` silences the line (not JSON asked for by name).
    static func mode(asked: Mode?, quiet: Bool) -> Mode {
        if let asked { return quiet && asked == .line ? .off : asked }
        return !quiet && isatty(STDERR_FILENO) == 1 ? .line : .off
    }

    init(_ progress: IngestProgress, mode: Mode) {
        self.progress = progress
        self.mode = mode
        guard mode != .off else { return }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "heed.progress"))
        let every: DispatchTimeInterval = mode == .line ? .milliseconds(250) : .seconds(1)
        timer.schedule(deadline: .now() + every, repeating: every)
        timer.setEventHandler { [weak self] in self?.draw() }
        timer.resume()
        self.timer = timer
    }

    private func draw() {
        lock.withLock {
            guard !finished else { return }
            let snapshot = progress.snapshot()
            switch mode {
            case .line:
                let width = max(20, Self.terminalWidth())
                write("\r" + snapshot.line(width: width - 1) + "\u{1B}[K")
                shown = true
            case .json: write(snapshot.json + "\n")
            case .off: break
            }
        }
    }

    /// Prints something else (a rejection, a file's summary) without tearing the line.
    func around(_ body: () -> Void) {
        lock.withLock {
            clear()
            body()
            fflush(nil)
        }
    }

    /// Stops (once); the line is cleared, and JSON ends with the final figures.
    func finish() {
        timer?.cancel()
        lock.withLock {
            guard !finished else { return }
            finished = true
            clear()
            if mode == .json { write(progress.snapshot().json + "\n") }
        }
    }

    private func clear() {
        guard shown else { return }
        write("\r\u{1B}[K")
        shown = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    private static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 { return Int(size.ws_col) }
        return Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
    }
}

/// `--progress` and `--quiet`, for the commands that take long.
struct ProgressOptions: ParsableArguments {
    @Option(help: "Progress on standard error: line (redrawn; the default on a terminal), json (a line a second, for scripts) or off.")
    var progress: ProgressDisplay.Mode?

    @Flag(help: "No progress line.")
    var quiet = false

    func display(_ progress: IngestProgress) -> ProgressDisplay {
        ProgressDisplay(progress, mode: ProgressDisplay.mode(asked: self.progress, quiet: quiet))
    }
}
