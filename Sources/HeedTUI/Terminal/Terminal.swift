import HeedCore

/// What the runtime needs of a terminal; `CursesTerminal` is the real one, `GridTerminal` its twin.
public protocol Terminal: AnyObject {
    var size: (width: Int, height: Int) { get }
    /// The next key, or nil when none came within the timeout.
    func readKey(timeoutMilliseconds: Int) -> Key?
    func present(_ grid: Grid)
    func stop()
    /// Gives the terminal back as the shell had it while `body` runs (an editor), then redraws.
    func withoutScreen<T>(_ body: () throws -> T) rethrows -> T
    /// Stops the process as Ctrl-Z does in a shell, the terminal given back until it resumes.
    func suspend()
    /// Inside `withoutScreen`: says `message` and waits for Enter, so that what a command
    /// printed can be read before the screen comes back.
    func waitForEnter(_ message: String)
}
