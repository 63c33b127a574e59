import HeedCore

/// A terminal in memory: keys come from a script, what is presented is kept for assertions.
public final class GridTerminal: Terminal {
    public var size: (width: Int, height: Int)
    public private(set) var presented: Grid?
    public private(set) var stopped = false
    /// How many times the runtime suspended it (Ctrl-Z).
    public private(set) var suspensions = 0
    private var keys: [Key]

    public init(width: Int, height: Int, keys: [Key] = []) {
        size = (width, height)
        self.keys = keys
    }

    public func type(_ more: [Key]) { keys.append(contentsOf: more) }

    public func readKey(timeoutMilliseconds: Int) -> Key? { keys.isEmpty ? nil : keys.removeFirst() }

    public func present(_ grid: Grid) { presented = grid }

    public func stop() { stopped = true }

    public func withoutScreen<T>(_ body: () throws -> T) rethrows -> T { try body() }

    public func suspend() { suspensions += 1 }

    /// What it was asked to wait on, in order.
    public private(set) var waits: [String] = []

    public func waitForEnter(_ message: String) { waits.append(message) }
}
