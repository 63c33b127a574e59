/// What the runtime needs of a terminal; `CursesTerminal` is the real one, `GridTerminal` its twin.
public protocol Terminal: AnyObject {
    var size: (width: Int, height: Int) { get }
    /// The next key, or nil when none came within the timeout.
    func readKey(timeoutMilliseconds: Int) -> Key?
    func present(_ grid: Grid)
    func stop()
}
