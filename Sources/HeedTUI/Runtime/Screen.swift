import Foundation
import HeedCore

/// Opens the screen on a workspace's cache and runs it until the operator quits.
public enum Screen {
    public static func open(workspace: Workspace) throws {
        let database = try workspace.openCache()
        try open(database: database, config: workspace.config, identity: workspace.identity)
    }

    public static func open(database: AppDatabase, config: Config, identity: Identity,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let clock = SystemClock()
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal()
        } catch let error as CursesTerminal.CursesError {
            throw HeedError(error.description, .refused)
        }
        defer { terminal.stop() }
        let size = terminal.size
        let me = config.currentOperator(environment: environment, identity: identity)
        let acting = Result { ScreenData.Acting(service: ActionService(database: database, config: config, clock: clock),
                                                actor: try config.actingOperator(named: nil, environment: environment, identity: identity)) }
            .mapError { $0 as? HeedError ?? HeedError("\($0)") }
        let runtime = try Runtime(terminal: terminal,
                                  state: AppState(config: config, me: me, width: size.width, height: size.height, now: clock.now()),
                                  clock: clock, data: ScreenData(database: database, me: me, acting: acting, config: config, clock: clock))
        // The benchmark's measure of start-up: process start to the first full screen.
        if environment["HEED_EXIT_AFTER_FIRST_SCREEN"] == "1" { return try runtime.start() }
        try runtime.run()
    }
}

extension AppState {
    /// The state a session starts in: the config's brand, keys, views and time zone.
    public init(config: Config, me: String?, width: Int, height: Int, now: Int64) {
        self.init(brand: config.brand, width: width, height: height, now: now)
        keyMap = KeyMap(overrides: config.keys)
        cannedNames = config.cannedReplies.map(\.name)
        teamNames = config.teams.map(\.name)
        operatorHandles = config.operators.map(\.handle)
        macros = config.macros.compactMap { macro in
            macro.key.flatMap(KeySpec.parse).map { MacroKey(name: macro.name, key: $0, steps: macro.steps) }
        }
        views = QueueView.all(saved: config.views)
        self.me = me
        timeZone = TimeZone(identifier: config.timeZone(for: me)) ?? timeZone
    }
}
