import HeedCore

/// The `/` line being typed: its text, where the cursor is, and the fault of the last try.
public struct SearchPrompt: Sendable, Equatable {
    public var text: String
    /// In Characters from the start.
    public var cursor: Int
    public var error: QueryError?

    public init(text: String = "") {
        self.text = text
        cursor = text.count
    }

    /// Edits the line; returns false for a key that is not editing (Enter, Esc).
    mutating func edit(_ key: Key) -> Bool {
        var characters = Array(text)
        switch key {
        case .char(let c):
            characters.insert(c, at: cursor)
            cursor += 1
        case .backspace:
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .left: cursor = Swift.max(0, cursor - 1)
        case .right: cursor = Swift.min(characters.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = characters.count
        case .ctrl("u"):
            characters.removeFirst(cursor)
            cursor = 0
        case .ctrl("w"):
            // The word before the cursor, and the spaces after it.
            var start = cursor
            while start > 0 && characters[start - 1] == " " { start -= 1 }
            while start > 0 && characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        default: return false
        }
        text = String(characters)
        error = nil
        return true
    }
}
