import HeedCore

/// What a key does on the screen. The raw values are the names the config's `keys` uses
/// (`KeyActions.names`).
public enum Action: String, Sendable, CaseIterable {
    case down, up, first, last
    case pageDown = "page_down", pageUp = "page_up", halfPageDown = "half_page_down", halfPageUp = "half_page_up"
    case open, back, quit, help, search, reload
    case nextView = "next_view", previousView = "previous_view", view
    case reply, tag, note, assign, escalate, snooze, resolve, spam, next, undo, redo, select, apply
    case selectAll = "select_all", shifts
}

/// The one table of keys: each action, its keys and its help. `?` shows it; the config's `keys`
/// rebinds an action ("snooze": "z"), and the key it takes leaves any other action.
public struct KeyMap: Sendable, Equatable {
    public struct Binding: Sendable, Equatable {
        public var action: Action
        public var keys: [Key]
        public var help: String
    }

    public private(set) var bindings: [Binding]

    public static let defaults: [Binding] = [
        Binding(action: .down, keys: [.char("j"), .down], help: "next conversation"),
        Binding(action: .up, keys: [.char("k"), .up], help: "previous conversation"),
        Binding(action: .first, keys: [.char("g"), .home], help: "first"),
        Binding(action: .last, keys: [.char("G"), .end], help: "last"),
        Binding(action: .pageDown, keys: [.pageDown], help: "a page down"),
        Binding(action: .pageUp, keys: [.pageUp], help: "a page up"),
        Binding(action: .halfPageDown, keys: [.ctrl("d")], help: "half a page down"),
        Binding(action: .halfPageUp, keys: [.ctrl("u")], help: "half a page up"),
        Binding(action: .open, keys: [.enter, .right], help: "open the conversation"),
        Binding(action: .back, keys: [.escape, .left], help: "back (close it, or end the search)"),
        Binding(action: .nextView, keys: [.tab], help: "next view"),
        Binding(action: .previousView, keys: [.backTab], help: "previous view"),
        Binding(action: .view, keys: (1...9).map { .char(Character(String($0))) }, help: "view by its number"),
        Binding(action: .search, keys: [.char("/")], help: "search"),
        Binding(action: .reload, keys: [.ctrl("l")], help: "reload and redraw"),
        Binding(action: .help, keys: [.char("?")], help: "these keys"),
        Binding(action: .quit, keys: [.char("q")], help: "quit (in a conversation: back)"),
        Binding(action: .reply, keys: [.char("r")], help: "reply"),
        Binding(action: .tag, keys: [.char("t")], help: "tag"),
        Binding(action: .note, keys: [.char("n")], help: "internal note"),
        Binding(action: .assign, keys: [.char("a")], help: "assign"),
        Binding(action: .escalate, keys: [.char("e")], help: "escalate"),
        Binding(action: .snooze, keys: [.char("s")], help: "snooze"),
        Binding(action: .resolve, keys: [.char("c")], help: "resolve (close)"),
        Binding(action: .spam, keys: [.char("!")], help: "spam"),
        Binding(action: .next, keys: [.char("N")], help: "claim the most urgent"),
        Binding(action: .undo, keys: [.char("u")], help: "undo your latest action"),
        Binding(action: .redo, keys: [.ctrl("r")], help: "redo what you undid"),
        Binding(action: .select, keys: [.char("x"), .char(" ")], help: "select"),
        Binding(action: .selectAll, keys: [.char("*")], help: "select all the view or search finds"),
        Binding(action: .apply, keys: [.char(";")], help: "apply to the selection"),
        Binding(action: .shifts, keys: [.char("S")], help: "shifts: who is on, start or end yours"),
    ]

    /// The defaults with the config's `keys` (action name → key) applied.
    public init(overrides: [String: String] = [:]) {
        bindings = Self.defaults
        for (name, spec) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let action = Action(rawValue: name), let key = Key(spec: spec) else { continue }
            for index in bindings.indices { bindings[index].keys.removeAll { $0 == key } }
            if let index = bindings.firstIndex(where: { $0.action == action }) {
                // The new key replaces the character keys; arrows and the like stay.
                bindings[index].keys.removeAll { if case .char = $0 { return true } else { return false } }
                bindings[index].keys.insert(key, at: 0)
            }
        }
    }

    public func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// One line a binding: its keys, then its help.
    public var helpLines: [(keys: String, help: String)] {
        bindings.filter { !$0.keys.isEmpty }.map { ($0.keys.map(\.label).joined(separator: " "), $0.help) }
    }
}

extension Key {
    /// A key as the config writes it (`KeySpec`); nil for one the screen cannot receive.
    init?(spec: String) {
        switch spec {
        case "Enter": self = .enter
        case "Tab": self = .tab
        case "BackTab": self = .backTab
        case "Space": self = .char(" ")
        case "Esc": self = .escape
        case "Backspace": self = .backspace
        case "Delete": self = .delete
        case "Up": self = .up
        case "Down": self = .down
        case "Left": self = .left
        case "Right": self = .right
        case "PgUp": self = .pageUp
        case "PgDn": self = .pageDown
        case "Home": self = .home
        case "End": self = .end
        default:
            if spec.hasPrefix("C-"), spec.count == 3, let c = spec.last {
                self = .ctrl(Character(c.lowercased()))
            } else if spec.hasPrefix("F"), let n = Int(spec.dropFirst()), (1...12).contains(n) {
                self = .function(n)
            } else if spec.count == 1, let c = spec.first {
                self = .char(c)
            } else {
                return nil
            }
        }
    }

    /// How help writes the key.
    var label: String {
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
