import HeedCore

/// Editing keys, as readline and most editors have them. A reply may hold several lines
/// (Alt-Enter or Ctrl-J breaks one; a bracketed paste keeps its own); other prompts are one
/// line, where a line break becomes a space.
extension Prompt {
    /// Edits the text; false for a key that is not editing (Enter, Esc, Tab).
    mutating func edit(_ key: Key) -> Bool {
        var characters = Array(text)
        switch key {
        case .char(let c):
            let c: Character = c.isNewline ? (multiline ? "\n" : " ") : c
            characters.insert(c, at: cursor)
            cursor += 1
        case .backspace:
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < characters.count else { return key == .delete }
            characters.remove(at: cursor)
        case .left, .ctrl("b"): cursor = Swift.max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = Swift.min(characters.count, cursor + 1)
        case .home, .ctrl("a"): cursor = Self.lineStart(characters, cursor)
        case .end, .ctrl("e"): cursor = Self.lineEnd(characters, cursor)
        case .up, .down:
            guard multiline, let moved = Self.verticalMove(characters, cursor, down: key == .down) else { return multiline }
            cursor = moved
        case .alt("b"): cursor = Self.wordStart(characters, cursor)
        case .alt("f"): cursor = Self.wordEnd(characters, cursor)
        case .ctrl("u"):
            let start = Self.lineStart(characters, cursor)
            characters.removeSubrange(start..<cursor)
            cursor = start
        case .ctrl("k"):
            characters.removeSubrange(cursor..<Self.lineEnd(characters, cursor))
        case .ctrl("w"):
            // As the shell has it: back to the space before (a query term, a URL, at once).
            var start = cursor
            while start > 0 && characters[start - 1].isWhitespace { start -= 1 }
            while start > 0 && !characters[start - 1].isWhitespace { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        case .alt("\u{7f}"), .alt("\u{8}"):
            let start = Self.wordStart(characters, cursor)
            characters.removeSubrange(start..<cursor)
            cursor = start
        case .alt("d"):
            characters.removeSubrange(cursor..<Self.wordEnd(characters, cursor))
        default: return false
        }
        text = String(characters)
        error = nil
        warned = false
        return true
    }

    /// Only a reply is written over several lines.
    var multiline: Bool {
        switch purpose {
        case .reply, .bulkReply, .intro, .handoverNote: return true
        default: return false
        }
    }

    static func lineStart(_ characters: [Character], _ cursor: Int) -> Int {
        var index = cursor
        while index > 0 && characters[index - 1] != "\n" { index -= 1 }
        return index
    }

    static func lineEnd(_ characters: [Character], _ cursor: Int) -> Int {
        var index = cursor
        while index < characters.count && characters[index] != "\n" { index += 1 }
        return index
    }

    /// The start of the word before the cursor (past the spaces just before it).
    static func wordStart(_ characters: [Character], _ cursor: Int) -> Int {
        var index = cursor
        while index > 0 && !isWord(characters[index - 1]) { index -= 1 }
        while index > 0 && isWord(characters[index - 1]) { index -= 1 }
        return index
    }

    /// The end of the word after the cursor.
    static func wordEnd(_ characters: [Character], _ cursor: Int) -> Int {
        var index = cursor
        while index < characters.count && !isWord(characters[index]) { index += 1 }
        while index < characters.count && isWord(characters[index]) { index += 1 }
        return index
    }

    private static func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "'" }

    /// The same column on the line above or below (its end when shorter); nil at the first or last line.
    static func verticalMove(_ characters: [Character], _ cursor: Int, down: Bool) -> Int? {
        let start = lineStart(characters, cursor)
        let column = cursor - start
        if down {
            let end = lineEnd(characters, cursor)
            guard end < characters.count else { return nil }
            return Swift.min(end + 1 + column, lineEnd(characters, end + 1))
        }
        guard start > 0 else { return nil }
        let previousStart = lineStart(characters, start - 1)
        return Swift.min(previousStart + column, start - 1)
    }
}
