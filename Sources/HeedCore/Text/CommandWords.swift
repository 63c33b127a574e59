/// A command line the operator typed, split into a program and its arguments the way a shell
/// splits words — spaces separate, 'single' and "double" quotes and a backslash keep them — and
/// nothing else: no variables, globs, pipes or redirections, since no shell runs it.
public enum CommandWords {
    public static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var quoteStart = 0
        var escaped = false
        for (index, character) in line.enumerated() {
            if escaped {
                word.append(character)
                escaped = false
                continue
            }
            if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    word.append(character)
                }
                continue
            }
            switch character {
            case " ", "\t":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "'", "\"":
                quote = character
                quoteStart = index
                inWord = true
            case "\\":
                escaped = true
                inWord = true
            default:
                word.append(character)
                inWord = true
            }
        }
        if quote != nil { throw QueryError(position: quoteStart, message: "this quote is not closed") }
        if escaped { throw QueryError(position: line.count - 1, message: "a backslash at the end escapes nothing") }
        if inWord { words.append(word) }
        return words
    }
}
