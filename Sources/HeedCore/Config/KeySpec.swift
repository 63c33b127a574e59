/// The written form of a key in the config: `r`, `C-d`, `F5`, `Enter`, `PgDn`, ...
public enum KeySpec {
    public static let named = ["Enter", "Tab", "BackTab", "Space", "Esc", "Backspace", "Delete", "Up", "Down", "Left", "Right",
                               "PgUp", "PgDn", "Home", "End", "Insert"]

    public static func isValid(_ text: String) -> Bool {
        if text.count == 1, let scalar = text.unicodeScalars.first, scalar.value > 0x20, scalar.value != 0x7F { return true }
        if named.contains(text) { return true }
        if text.hasPrefix("C-"), text.count == 3, let c = text.last, c.isLetter, c.isASCII { return true }
        if text.hasPrefix("F"), let n = Int(text.dropFirst()), (1...12).contains(n) { return true }
        return false
    }
}
