/// One thing wrong with a config file, located by line and JSON path.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// Like `operators[1].role`; empty for the whole document.
    public var path: String
    public var message: String

    public var description: String {
        path.isEmpty ? "\(file):\(line): \(message)" : "\(file):\(line): \(path): \(message)"
    }
}

/// A config that cannot be used; its description lists every problem, one a line.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
