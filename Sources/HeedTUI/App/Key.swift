/// A key press, decoded from the terminal.
public enum Key: Sendable, Equatable, Hashable {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end, enter, escape, tab, backTab, backspace
    case function(Int)
    case resize
}
