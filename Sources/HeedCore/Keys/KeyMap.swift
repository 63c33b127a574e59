/// The one table of keys: in each context, each action's keys and what it does there. The screen
/// looks a key up in its context, then (for the list, a conversation and the picks' menu) in the
/// global keys; `?`, the hints and the README's key table are made from it; the config's `keys`
/// rebinds an action by name (`"snooze": "z"`), and the key it takes leaves any other action.
public struct KeyMap: Sendable, Equatable {
    public struct Binding: Sendable, Equatable {
        public var context: KeyContext
        public var action: Action
        public var keys: [Key]
        /// What it does here.
        public var help: String

        init(_ context: KeyContext, _ action: Action, _ keys: [Key], _ help: String? = nil) {
            (self.context, self.action, self.keys, self.help) = (context, action, keys, help ?? action.info.help)
        }
    }

    public private(set) var bindings: [Binding]

    public static let defaults: [Binding] = {
        let digits = (1...9).map { Key.char(Character(String($0))) }
        return [
            Binding(.global, .help, [.char("?")]),
            Binding(.global, .reload, [.ctrl("l")]),
            Binding(.global, .search, [.char("/")], "search (closes a conversation first)"),
            Binding(.global, .nextView, [.tab]),
            Binding(.global, .previousView, [.backTab]),
            Binding(.global, .view, digits),
            Binding(.global, .reply, [.char("r")]),
            Binding(.global, .tag, [.char("t")]),
            Binding(.global, .note, [.char("n")]),
            Binding(.global, .assign, [.char("a")]),
            Binding(.global, .escalate, [.char("e")]),
            Binding(.global, .snooze, [.char("s")]),
            Binding(.global, .resolve, [.char("c")]),
            Binding(.global, .spam, [.char("!")]),
            Binding(.global, .next, [.char("N")]),
            Binding(.global, .undo, [.char("u")]),
            Binding(.global, .redo, [.ctrl("r")]),
            Binding(.global, .pipe, [.char("|")]),
            Binding(.global, .shifts, [.char("S")]),
            Binding(.global, .reports, [.char("%")]),

            Binding(.queue, .down, [.char("j"), .down]),
            Binding(.queue, .up, [.char("k"), .up]),
            Binding(.queue, .first, [.char("g"), .home]),
            Binding(.queue, .last, [.char("G"), .end]),
            Binding(.queue, .pageDown, [.pageDown]),
            Binding(.queue, .pageUp, [.pageUp]),
            Binding(.queue, .halfPageDown, [.ctrl("d")]),
            Binding(.queue, .halfPageUp, [.ctrl("u")]),
            Binding(.queue, .open, [.enter, .right, .char("l")]),
            Binding(.queue, .back, [.escape, .left, .char("h")]),
            Binding(.queue, .select, [.char("x"), .char(" ")]),
            Binding(.queue, .selectAll, [.char("*")]),
            Binding(.queue, .apply, [.char(";")]),
            Binding(.queue, .quit, [.char("q")]),

            Binding(.conversation, .down, [.char("j"), .down], "scroll down a line"),
            Binding(.conversation, .up, [.char("k"), .up], "scroll up a line"),
            Binding(.conversation, .first, [.char("g"), .home], "the top of the thread"),
            Binding(.conversation, .last, [.char("G"), .end], "its end"),
            Binding(.conversation, .pageDown, [.pageDown]),
            Binding(.conversation, .pageUp, [.pageUp]),
            Binding(.conversation, .halfPageDown, [.ctrl("d")]),
            Binding(.conversation, .halfPageUp, [.ctrl("u")]),
            Binding(.conversation, .back, [.escape, .left, .char("h"), .char("q")], "back to the list"),

            Binding(.picks, .cancel, [.escape], "keep the picks, do nothing"),

            Binding(.help, .back, [.escape, .char("q"), .char("?")], "close the help"),

            Binding(.prompt, .submit, [.enter]),
            Binding(.prompt, .cancel, [.escape, .ctrl("c"), .ctrl("g")]),
            Binding(.prompt, .complete, [.tab]),
            Binding(.prompt, .editor, [.ctrl("x")]),

            Binding(.shiftOffer, .accept, [.enter, .char("y")]),
            Binding(.shiftOffer, .decline, [.escape, .char("n"), .char("q")]),

            Binding(.handovers, .acknowledge, [.enter, .char("y")]),
            Binding(.handovers, .back, [.escape], "later (they are shown again)"),
            Binding(.handovers, .down, [.char("j"), .down], "scroll down"),
            Binding(.handovers, .up, [.char("k"), .up], "scroll up"),
            Binding(.handovers, .pageDown, [.pageDown, .char(" ")]),
            Binding(.handovers, .pageUp, [.pageUp]),
            Binding(.handovers, .first, [.char("g"), .home], "their start"),
            Binding(.handovers, .last, [.char("G"), .end], "their end"),

            Binding(.shiftPanel, .endShift, [.char("e")]),
            Binding(.shiftPanel, .startShift, [.char("s")]),
            Binding(.shiftPanel, .postRoster, [.char("p")]),
            Binding(.shiftPanel, .back, [.escape, .char("q"), .char("S")], "close the panel"),

            Binding(.reports, .reload, [.char("r"), .ctrl("l")], "count again now"),
            Binding(.reports, .back, [.escape, .char("q"), .char("%")], "close the reports"),

            Binding(.replyPreview, .send, [.enter, .char("y")]),
            Binding(.replyPreview, .back, [.escape, .char("q"), .ctrl("g")], "back to the text"),
            Binding(.replyPreview, .down, [.char("j"), .down], "scroll down"),
            Binding(.replyPreview, .up, [.char("k"), .up], "scroll up"),
            Binding(.replyPreview, .pageDown, [.pageDown, .char(" ")]),
            Binding(.replyPreview, .pageUp, [.pageUp]),
        ]
    }()

    /// The defaults with the config's `keys` (action name → key) applied.
    public init(overrides: [String: String] = [:]) {
        bindings = Self.defaults
        for (name, spec) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let action = Action(rawValue: name), let key = KeySpec.parse(spec) else { continue }
            for index in bindings.indices where bindings[index].action == action {
                let context = bindings[index].context
                for other in bindings.indices where Self.shareKeys(context, bindings[other].context) {
                    bindings[other].keys.removeAll { $0 == key }
                }
                // The new key replaces the character keys; arrows and the like stay.
                bindings[index].keys.removeAll { if case .char = $0 { return true } else { return false } }
                bindings[index].keys.insert(key, at: 0)
            }
        }
    }

    /// Whether a key in one context could be read in the other (one of them falls back to it).
    private static func shareKeys(_ a: KeyContext, _ b: KeyContext) -> Bool {
        a == b || (a == .global && b.fallsBack) || (b == .global && a.fallsBack)
    }

    /// What `key` does in `context` (then in the global keys, where the context falls back).
    public func action(for key: Key, in context: KeyContext) -> Action? {
        if let found = bindings.first(where: { $0.context == context && $0.keys.contains(key) }) { return found.action }
        guard context.fallsBack else { return nil }
        return bindings.first { $0.context == .global && $0.keys.contains(key) }?.action
    }

    /// The keys that do `action` in `context` (or globally, where it falls back).
    public func keys(for action: Action, in context: KeyContext) -> [Key] {
        if let own = bindings.first(where: { $0.context == context && $0.action == action }) { return own.keys }
        guard context.fallsBack else { return [] }
        return bindings.first { $0.context == .global && $0.action == action }?.keys ?? []
    }

    /// The first key for `action` in `context`, as hints write it ("" when it has none).
    public func label(_ action: Action, in context: KeyContext) -> String {
        keys(for: action, in: context).first?.label ?? ""
    }

    /// One line a binding of `context` (and, where it falls back, the global ones after): its
    /// keys, then what it does. An action left without a key is left out.
    public func helpLines(_ context: KeyContext) -> [(keys: String, help: String)] {
        let own = bindings.filter { $0.context == context }
        let global = context.fallsBack ? bindings.filter { $0.context == .global && !own.map(\.action).contains($0.action) } : []
        return (own + global).filter { !$0.keys.isEmpty }.map { ($0.keys.map(\.label).joined(separator: " "), $0.help) }
    }
}

extension KeyMap {
    /// What is wrong with the config's keys taken together: two actions given one key, or an
    /// action's, a macro's or a view's key taken by another. Each message names both.
    public static func conflicts(overrides: [String: String], macros: [(name: String, key: Key)], views: [(name: String, key: Key)]) -> [String] {
        var problems: [String] = []
        var given: [Key: String] = [:]
        for (name, spec) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let key = KeySpec.parse(spec), Action(rawValue: name) != nil else { continue }
            if let first = given[key] { problems.append("\(spec) is given to both \(first) and \(name)") } else { given[key] = name }
        }
        let map = KeyMap(overrides: overrides)
        var taken: [Key: String] = [:]
        for context in [KeyContext.global, .queue, .conversation] {
            for binding in map.bindings where binding.context == context {
                for key in binding.keys where taken[key] == nil { taken[key] = "the action \(binding.action.rawValue)" }
            }
        }
        for (what, key) in macros.map({ ("macro \($0.name)", $0.key) }) + views.map({ ("view \($0.name)", $0.key) }) {
            if let holder = taken[key] { problems.append("\(KeySpec.spec(key)) is both \(what)'s key and \(holder)'s") } else { taken[key] = what }
        }
        return problems
    }

    /// The README's key table: for each context, its keys, the action's name and what it does.
    public func markdown() -> String {
        var out = ""
        for context in KeyContext.allCases {
            let lines = bindings.filter { $0.context == context && !$0.keys.isEmpty }
            guard !lines.isEmpty else { continue }
            out += "\(context.title):\n\n| key | action | what it does |\n|---|---|---|\n"
            for binding in lines {
                // A `|` would end the table's cell, even in code: GitHub's tables want it escaped.
                let keys = binding.keys.map { key -> String in
                    let spec = KeySpec.spec(key)
                    return "`" + (spec == " " ? "Space" : spec.replacingOccurrences(of: "|", with: "\\|")) + "`"
                }.joined(separator: " ")
                out += "| \(keys) | `\(binding.action.rawValue)` | \(binding.help) |\n"
            }
            out += "\n"
        }
        return out
    }
}
