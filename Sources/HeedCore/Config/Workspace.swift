import Foundation

/// Which config and which cache a command uses, resolved the same way by every command.
public struct Workspace: Sendable {
    public var config: Config
    /// The config file read, or nil when none exists and the defaults apply.
    public var configPath: String?
    public var cachePath: String
    /// Where the config came from, as the cache's binding names it: the file's absolute path,
    /// `example` or `defaults`.
    public var configSource: String
    /// Who runs this process and whether they may act for others (see `Identity`).
    public var identity: Identity
    /// Whether this process's uid may change a config file (`Identity.mayChange`); tests stand
    /// in for another user with it.
    var mayChange: @Sendable (String) -> Bool = Identity.mayChange

    /// Config: `--config`, else `HEED_CONFIG`, else `$XDG_CONFIG_HOME/heed/config.json` when it exists.
    /// Cache: `--cache`, else `HEED_CACHE`, else the config's `cache`, else `$XDG_DATA_HOME/heed/cache.sqlite`.
    /// A broken config fails here, before any cache is touched.
    public static func resolve(configFlag: String?, cacheFlag: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Workspace {
        let (config, configPath) = try loadConfig(flag: configFlag, environment: environment)
        let cachePath: String
        if let flag = cacheFlag, !flag.isEmpty {
            cachePath = flag
        } else if let env = environment["HEED_CACHE"], !env.isEmpty {
            cachePath = env
        } else if let configured = config.cache {
            let expanded = expandHome(configured, environment: environment)
            if expanded.hasPrefix("/") || configPath == nil {
                cachePath = expanded
            } else {
                // A relative path in a config file is relative to that file, not to wherever heed runs.
                cachePath = URL(fileURLWithPath: configPath!).deletingLastPathComponent().appendingPathComponent(expanded).path
            }
        } else {
            cachePath = xdg("XDG_DATA_HOME", fallback: ".local/share", environment: environment) + "/heed/cache.sqlite"
        }
        // No config file of one's own: the cache's own config, as it is bound, when it can be read.
        let bound = configPath == nil ? ConfigBinding.peek(path: cachePath) : nil
        if let bound {
            switch bound.source {
            case ConfigBinding.example:
                return Workspace(config: try ExampleConfig.load(), configPath: nil, cachePath: cachePath, configSource: ConfigBinding.example,
                                 identity: .process(mayChangeConfig: true))
            case ConfigBinding.defaults:
                break
            case let path where FileManager.default.isReadableFile(atPath: path):
                let (config, _) = try loadConfig(flag: path, environment: environment)
                return Workspace(config: config, configPath: path, cachePath: cachePath, configSource: path,
                                 identity: .process(mayChangeConfig: Identity.mayChange(path)))
            default:
                break
            }
        }
        let source = configPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? ConfigBinding.defaults
        // Without a config file of one's own, roles and logins are the bound config's.
        let authority = bound?.source ?? source
        let mayChange = Identity.mayChange(authority)
        let identity = Identity.process(mayChangeConfig: mayChange, boundConfig: authority != source && !mayChange ? authority : nil)
        return Workspace(config: config, configPath: configPath, cachePath: cachePath, configSource: source, identity: identity)
    }

    public static func loadConfig(flag: String?, environment: [String: String]) throws -> (Config, String?) {
        let explicit = [flag, environment["HEED_CONFIG"]].compactMap { $0 }.first { !$0.isEmpty }
        let path: String
        if let explicit {
            path = explicit
        } else {
            path = defaultConfigPath(environment: environment)
            if !FileManager.default.fileExists(atPath: path) { return (Config(), nil) }
        }
        switch ConfigLoader.load(path: path) {
        case .success(let config): return (config, path)
        case .failure(let error): throw HeedError(error.description, .config)
        }
    }

    /// Where the config is looked for when neither `--config` nor `HEED_CONFIG` says.
    public static func defaultConfigPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        xdg("XDG_CONFIG_HOME", fallback: ".config", environment: environment) + "/heed/config.json"
    }

    /// `$NAME` when set and absolute (as the XDG spec requires), else `~/fallback`.
    static func xdg(_ name: String, fallback: String, environment: [String: String]) -> String {
        if let value = environment[name], value.hasPrefix("/") { return value }
        return home(environment) + "/" + fallback
    }

    static func home(_ environment: [String: String]) -> String {
        environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }

    /// `~` and `$HOME` (or `${HOME}`) at the start of a path of the config, as a shell would read them.
    static func expandHome(_ path: String, environment: [String: String]) -> String {
        for prefix in ["~", "$HOME", "${HOME}"] where path == prefix || path.hasPrefix(prefix + "/") {
            return home(environment) + path.dropFirst(prefix.count)
        }
        return path
    }

    /// `expandHome` with this process's environment.
    static func expandingHome(_ path: String) -> String {
        expandHome(path, environment: ProcessInfo.processInfo.environment)
    }

    /// Who is running heed, for what the log records of work that is nobody's action (a config
    /// bound, a backup taken): their operator handle, else their login name.
    public func person(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        currentOperator(environment: environment) ?? identity.unixUser
    }

    /// The operator at this terminal (see `Config.actingOperator`).
    public func currentOperator(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        config.currentOperator(environment: environment, identity: identity)
    }

    /// The operator an action is done as: `--as` (`named`), `HEED_OPERATOR` or their own.
    public func actingOperator(named: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Operator {
        try config.actingOperator(named: named, environment: environment, identity: identity)
    }

    /// Refuses work on the team's cache as a whole (binding it to another config, replacing it by
    /// a backup) to anyone but a lead or whoever may change the config it is bound to.
    public func administer(_ what: String) throws {
        guard !config.mayActForOthers(identity) else { return }
        let bound = identity.boundConfig ?? configSource
        throw HeedError("\(identity.login) may not \(what): that is for leads and whoever may change the config \(ConfigBinding.describe(bound))",
                        .notPermitted)
    }

    /// Refuses a config of one's own on a cache bound to a config file this user cannot change:
    /// roles and logins are that file's, and a copy of it in which they are a lead (same scoring,
    /// so the binding lets it in) would let an agent act as anyone or bind the cache anew. Checked
    /// where the cache is opened anyway, so that it costs no read of its own.
    public func refuseOwnCopy(of bound: ConfigBinding?) throws {
        guard let bound, bound.source != configSource, bound.source != ConfigBinding.example, bound.source != ConfigBinding.defaults,
              identity.boundConfig == nil, FileManager.default.fileExists(atPath: bound.source), !mayChange(bound.source) else { return }
        throw HeedError("the cache \(cachePath) is bound to the config \(bound.source), which you cannot change, and heed takes who you are "
            + "and what you may do from it, not from \(ConfigBinding.describe(configSource)): use --config \(bound.source)", .notPermitted)
    }

    /// Opens (creating or upgrading) the cache this workspace names.
    /// A cache no config scores yet is bound to this one; one bound to a config that scores
    /// differently is refused (see `ConfigBinding`).
    public func openCache(readers: Int? = nil,
                          environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AppDatabase {
        let database = try AppDatabase.open(path: cachePath, readers: readers)
        do {
            try refuseOwnCopy(of: ConfigBinding.settle(database, config: config, source: configSource, by: person(environment: environment),
                                                       now: SystemClock().now()))
        } catch {
            try? database.close()
            throw error
        }
        return database
    }
}
