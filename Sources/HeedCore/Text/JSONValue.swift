/// A parsed JSON value that remembers the line it started on.
///
/// heed parses JSON itself (rather than through JSONSerialization) so that a config problem
/// can name its line, ids too large for a Double stay exact, and hostile input (deep nesting,
/// invalid UTF-8) is refused with a message instead of a crash.
public struct JSONNode: Sendable, Equatable {
    public var value: JSONValue
    public var line: Int

    public init(_ value: JSONValue, line: Int = 0) {
        self.value = value
        self.line = line
    }

    /// The member called `key`, when this is an object that has it.
    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    public var string: String? {
        if case .string(let s) = value { return s }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let b) = value { return b }
        return nil
    }

    /// The value as an integer, when it is a number written without fraction or exponent.
    public var int: Int? {
        if case .number(let raw) = value { return Int(raw) }
        return nil
    }

    public var double: Double? {
        if case .number(let raw) = value { return Double(raw) }
        return nil
    }

    public var isNull: Bool { value == .null }
}

public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONNode
}

public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number as written, so that 64-bit ids survive exactly.
    case number(String)
    case string(String)
    case array([JSONNode])
    case object([JSONMember])

    /// The name used in messages: "string", "number", "object", ...
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var reason: String
    public var description: String { "line \(line), column \(column): \(reason)" }
}
