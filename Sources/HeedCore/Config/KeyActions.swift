/// The names of the screen's actions, as the config's `keys` names them ("snooze": "z"). The
/// screen binds each to its keys (`KeyMap` in HeedTUI); the config may only rebind these.
public enum KeyActions {
    public static let names = [
        "down", "up", "first", "last", "page_down", "page_up", "half_page_down", "half_page_up", "open", "back", "quit", "help",
        "search", "reload", "next_view", "previous_view",
        "reply", "tag", "note", "assign", "escalate", "snooze", "resolve", "spam", "next", "undo", "redo", "select", "select_all", "apply", "shifts",
    ]
}
