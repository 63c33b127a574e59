/// A failure the user must read: a message that names what went wrong and where, and the
/// exit status a command ends with (sysexits.h values, so scripts can tell them apart).
public struct HeedError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32 = ExitStatus.software) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}

public enum ExitStatus {
    public static let ok: Int32 = 0
    /// An action that was true already ("nothing to change"): done in effect, nothing written.
    public static let nothingToChange: Int32 = 1
    public static let usage: Int32 = 64
    /// Some input records were rejected.
    public static let dataError: Int32 = 65
    /// An input file could not be read.
    public static let noInput: Int32 = 66
    public static let software: Int32 = 70
    public static let cantCreate: Int32 = 73
    /// Someone changed the conversation first (compare-and-set): look again and retry.
    public static let conflict: Int32 = 75
    /// Not allowed: an operator heed does not know, or a role that may not do it.
    public static let noPermission: Int32 = 77
    /// The config is invalid.
    public static let config: Int32 = 78
}
