import Foundation
import HeedCore

/// Drives a program in a private tmux server: send keys, read the screen, wait for text.
///
/// A private socket and `-f /dev/null` keep tests away from anyone's tmux; waits poll the
/// pane with a deadline (never a fixed sleep) and show the screen when they fail.
public final class Tmux {
    public let socket: String
    private let folder: TemporaryFolder

    public static var isAvailable: Bool {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public init(folder: TemporaryFolder) {
        self.folder = folder
        socket = "heed-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    deinit { _ = try? tmux(["kill-server"]) }

    @discardableResult
    public func tmux(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let out = folder.file("tmux.\(UUID().uuidString.prefix(6)).out")
        let exit = try ChildProcess.spawn(["tmux", "-L", socket, "-f", "/dev/null"] + arguments, stdout: out, stderr: out + ".err").wait()
        let output = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: out)
        try? FileManager.default.removeItem(atPath: out + ".err")
        return (exit.status, output)
    }

    /// Starts `command` (a shell line the test writes itself) in a new session of the given size.
    public func start(_ command: String, width: Int = 100, height: Int = 30, environment: [String: String] = [:]) throws {
        var arguments = ["new-session", "-d", "-s", "t", "-x", "\(width)", "-y", "\(height)"]
        for (key, value) in environment.merging(["LANG": "C.UTF-8"], uniquingKeysWith: { a, _ in a }) {
            arguments += ["-e", "\(key)=\(value)"]
        }
        let result = try tmux(arguments + [command])
        guard result.status == 0 else { throw HeedError("tmux new-session failed: \(result.output)") }
    }

    public func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "t"] + keys) }

    /// Pastes `text` as a terminal does: bracketed when the program asked for it (line breaks as CR).
    public func paste(_ text: String) throws {
        try tmux(["set-buffer", "--", text])
        try tmux(["paste-buffer", "-p", "-t", "t"])
    }

    public func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", "t"]).output }

    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "t", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Waits until the screen satisfies `condition`; returns the screen, or throws showing it.
    @discardableResult
    public func waitFor(_ what: String, timeout: TimeInterval = 10, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            usleep(50_000)
        }
        throw HeedError("timed out waiting for \(what); the screen was:\n\(last)")
    }

    @discardableResult
    public func waitFor(text: String, timeout: TimeInterval = 10) throws -> String {
        try waitFor("\"\(text)\"", timeout: timeout) { $0.contains(text) }
    }
}
