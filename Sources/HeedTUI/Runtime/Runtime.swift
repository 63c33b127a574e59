import HeedCore

/// The loop: read a key (or time out for a tick), handle it, run effects, render, present.
public final class Runtime {
    private let terminal: any Terminal
    private let clock: any Clock
    private let load: () throws -> (rows: [QueueRow], openCount: Int)
    /// Changes whenever any process wrote to the cache (SQLite's data_version), so polling is cheap.
    private let changeToken: () throws -> Int
    public private(set) var state: AppState

    public init(terminal: any Terminal, state: AppState, clock: any Clock,
                load: @escaping () throws -> (rows: [QueueRow], openCount: Int),
                changeToken: @escaping () throws -> Int) {
        self.terminal = terminal
        self.state = state
        self.clock = clock
        self.load = load
        self.changeToken = changeToken
    }

    /// Runs until quit; with `untilIdle`, also stops when no key is waiting (scripted tests).
    public func run(untilIdle: Bool = false) throws {
        let size = terminal.size
        _ = state.handle(.resized(width: size.width, height: size.height))
        try reload()
        var token = try changeToken()
        terminal.present(QueueScreen.render(state))
        while true {
            let event: Event
            if let key = terminal.readKey(timeoutMilliseconds: 1000) {
                if key == .resize {
                    let size = terminal.size
                    event = .resized(width: size.width, height: size.height)
                } else if key == .ctrl("c") {
                    return
                } else if key == .ctrl("z"), let curses = terminal as? CursesTerminal {
                    curses.suspend()
                    terminal.present(QueueScreen.render(state))
                    continue
                } else {
                    event = .key(key)
                }
            } else {
                if untilIdle { return }
                event = .tick(now: clock.now())
                let latest = try changeToken()
                if latest != token {
                    token = latest
                    try reload()
                }
            }
            for effect in state.handle(event) {
                switch effect {
                case .quit: return
                case .reload: try reload()
                }
            }
            terminal.present(QueueScreen.render(state))
        }
    }

    private func reload() throws {
        let (rows, count) = try load()
        _ = state.handle(.loaded(rows: rows, openCount: count))
        _ = state.handle(.tick(now: clock.now()))
    }
}
