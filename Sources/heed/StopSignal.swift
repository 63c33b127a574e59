import Foundation

/// SIGINT and SIGTERM as a request to stop at the next safe point, for long-running commands.
enum StopSignal {
    static func install() {
        for signal in [SIGINT, SIGTERM] {
            Foundation.signal(signal) { _ in stopRequested = 1 }
        }
    }

    static func requested() -> Bool { stopRequested != 0 }
}

nonisolated(unsafe) private var stopRequested: sig_atomic_t = 0
