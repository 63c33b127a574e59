import Foundation
import HeedCore

/// A fresh folder under the system's temporary directory, removed when the test is done with it.
public final class TemporaryFolder {
    public let path: String

    public init(_ label: String = "heed") {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes text to a file in the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let target = file(name)
        _ = FileManager.default.createFile(atPath: target, contents: Data(text.utf8))
        return target
    }

    /// `mentions` as a file of heed's JSON Lines format, one a line.
    @discardableResult
    public func write(_ name: String, mentions: some Sequence<IncomingMention>) -> String {
        write(name, mentions.map(HeedJSONLines.encode).joined(separator: "\n") + "\n")
    }

    public func read(_ name: String) -> String {
        (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? ""
    }
}
