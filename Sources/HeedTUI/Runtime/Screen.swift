import HeedCore

/// Opens the screen on a workspace's cache and runs it until the operator quits.
public enum Screen {
    /// How many queue rows the screen loads (the list scrolls within them).
    static let pageSize = 500

    public static func open(workspace: Workspace) throws {
        let database = try workspace.openCache(memoryMapped: true)
        try open(database: database, config: workspace.config)
    }

    public static func open(database: AppDatabase, config: Config) throws {
        let clock = SystemClock()
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal()
        } catch let error as CursesTerminal.CursesError {
            throw HeedError(error.description, exitCode: ExitStatus.usage)
        }
        defer { terminal.stop() }
        let size = terminal.size
        var state = AppState(brand: config.brand, width: size.width, height: size.height, now: clock.now())
        state.keyMap = KeyMap(overrides: config.keys)
        let runtime = Runtime(
            terminal: terminal,
            state: state,
            clock: clock,
            load: { try database.writer.read { db in (try Queue.open(db, limit: pageSize), try Queue.countOpen(db)) } },
            changeToken: try database.changeWatcher())
        try runtime.run()
    }
}
