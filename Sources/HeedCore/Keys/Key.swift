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

/// The written form of a key, one grammar for the config, help and the README: `r`, `C-d`,
/// `M-b`, `F5`, `Enter`, `PgDn`, `BackTab`, `Space`, …
public enum KeySpec {
    private static let named: [(String, Key)] = [
        ("Enter", .enter), ("Tab", .tab), ("BackTab", .backTab), ("Space", .char(" ")), ("Esc", .escape), ("Backspace", .backspace),
        ("Delete", .delete), ("Up", .up), ("Down", .down), ("Left", .left), ("Right", .right), ("PgUp", .pageUp), ("PgDn", .pageDown),
        ("Home", .home), ("End", .end),
    ]

    /// The key `text` names, or nil when it names none the screen can receive.
    public static func parse(_ text: String) -> Key? {
        if let (_, key) = named.first(where: { $0.0 == text }) { return key }
        if text.count == 3, let c = text.last, c.isASCII, c.isLetter || c.isNumber {
            if text.hasPrefix("C-") && c.isLetter { return .ctrl(Character(c.lowercased())) }
            if text.hasPrefix("M-") { return .alt(c) }
        }
        if text.hasPrefix("F"), text.count > 1, let n = Int(text.dropFirst()), (1...12).contains(n) { return .function(n) }
        if text.count == 1, let scalar = text.unicodeScalars.first, text.unicodeScalars.count == 1, scalar.value > 0x20, scalar.value != 0x7F {
            return .char(Character(scalar))
        }
        return nil
    }

    /// How `key` is written in the config (`parse` reads it back).
    public static func spec(_ key: Key) -> String {
        if let (name, _) = named.first(where: { $0.1 == key }) { return name }
        switch key {
        case .char(let c): return String(c)
        case .ctrl(let c): return "C-" + String(c)
        case .alt(let c): return "M-" + String(c)
        case .function(let n): return "F\(n)"
        default: return ""
        }
    }
}

extension Key {
    /// How help and hints write the key.
    public var label: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "C-" + String(c)
        case .alt(let c): "M-" + String(c)
        case .delete: "Del"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .backspace: "Backspace"
        case .function(let n): "F\(n)"
        case .resize: ""
        }
    }
}
