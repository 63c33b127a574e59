import HeedCore

/// Everything the screen shows, as a plain value.
public struct AppState: Sendable, Equatable {
    public var brand: String
    public var viewName = "Triage"
    public var rows: [QueueRow] = []
    public var openCount = 0
    public var selected = 0
    /// The first row shown in the list.
    public var top = 0
    public var width: Int
    public var height: Int
    /// Unix milliseconds: the clock shown, and what ages are measured from.
    public var now: Int64
    public var status: String?
    /// The key table (`?` shows it over the queue while `showingHelp`).
    public var keyMap = KeyMap()
    public var showingHelp = false

    public init(brand: String, width: Int, height: Int, now: Int64) {
        self.brand = brand
        self.width = width
        self.height = height
        self.now = now
    }

    public var selectedRow: QueueRow? { rows.indices.contains(selected) ? rows[selected] : nil }
}

/// Something that happened: a key, new data, the clock.
public enum Event: Sendable, Equatable {
    case key(Key)
    case resized(width: Int, height: Int)
    case loaded(rows: [QueueRow], openCount: Int)
    case tick(now: Int64)
}

/// Something the runtime must do after an event: state changes are pure, effects are values.
public enum Effect: Sendable, Equatable {
    case quit
    case reload
}
