/// A key press, decoded from the terminal.
public enum Key: Sendable, Equatable, Hashable {
    case char(Character)
    case ctrl(Character)
    /// Alt (Meta) with a key: ESC then the key at once.
    case alt(Character)
    case up, down, left, right, pageUp, pageDown, home, end, enter, escape, tab, backTab, backspace, delete
    case function(Int)
    case resize
}
