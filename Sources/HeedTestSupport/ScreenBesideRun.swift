import Foundation
import HeedCore

/// `heed run` of a config and cache, and the screen on them in tmux (120×40, as `sam`), its
/// shift offer declined: where the connected end-to-end tests begin.
public struct ScreenBesideRun {
    public let tmux: Tmux
    public let cache: String
    public let config: String
    private let folder: TemporaryFolder
    public private(set) var run: ChildProcess

    public init(folder: TemporaryFolder, config: String, cache: String) throws {
        (self.folder, self.config, self.cache) = (folder, config, cache)
        run = try Self.startRun(folder: folder, config: config, cache: cache)
        tmux = Tmux(folder: folder)
        try tmux.start("'\(Paths.heedBinary)' --cache '\(cache)' --config '\(config)'; sleep 30", width: 120, height: 40,
                       environment: ["HOME": folder.path, "TERM": "tmux-256color", "HEED_OPERATOR": "sam"])
        try tmux.waitFor(text: "Start your shift?")
        try tmux.send("Escape")
        // Esc and the next key at once read as Alt and that key: wait for the Esc to be taken.
        try tmux.waitFor(text: "working without a shift")
    }

    /// Replies to the conversation open on the screen with `text`.
    public func reply(_ text: String) throws {
        try tmux.send("r")
        try tmux.waitFor(text: "reply to #")
        try tmux.send("-l", text)
        try tmux.send("Enter")
    }

    /// Waits until `condition` holds (something `heed run` does in its own time), at most until `deadline`.
    public static func wait(before deadline: Date, until condition: () throws -> Bool) rethrows {
        while try !condition() && Date() < deadline { usleep(50_000) }
    }

    /// `heed run` again, as after it was killed.
    public mutating func restartRun() throws {
        run = try Self.startRun(folder: folder, config: config, cache: cache)
    }

    /// What `heed run` has written so far.
    public var log: String { folder.read("run.log") }

    private static func startRun(folder: TemporaryFolder, config: String, cache: String) throws -> ChildProcess {
        try ChildProcess.spawn([Paths.heedBinary, "run", "--cache", cache, "--config", config], stdout: folder.file("run.log"), stderr: folder.file("run.log"),
                               environment: ["HOME": folder.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
    }
}
