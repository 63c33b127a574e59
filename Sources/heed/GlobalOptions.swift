import ArgumentParser
import Foundation
import HeedCore

/// Options every command takes: which cache and which config.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The cache file (else HEED_CACHE, the config's \"cache\", or $XDG_DATA_HOME/heed/cache.sqlite).", valueName: "path"))
    var cache: String?

    @Option(name: .long, help: ArgumentHelp("The config file (else HEED_CONFIG or $XDG_CONFIG_HOME/heed/config.json).", valueName: "path"))
    var config: String?

    func workspace() throws -> Workspace {
        try Workspace.resolve(configFlag: config, cacheFlag: cache)
    }
}

/// Runs a command body, turning heed's errors into a message on standard error and an exit status.
func guarded(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as HeedError {
        printError(error.commandLineMessage)
        throw ExitCode(error.exitCode)
    }
}

/// `guarded` for a command whose body is async: run on Swift's threads while the main thread waits
/// (the command line stays synchronous, as the screen's curses loop wants the main thread).
func guardedAsync(_ body: @escaping @Sendable () async throws -> Void) throws {
    try guarded { try waitFor(body) }
}

/// Every error heed prints may echo what someone typed or sent (a file name, a query, an `--as`
/// value, a customer's words): neutralised here, once, whatever the message.
func printError(_ message: String) {
    FileHandle.standardError.write(Data(("heed: " + DisplayText(untrusted: message, keepNewlines: true).string + "\n").utf8))
}

/// Writes a value as pretty JSON to standard output.
func printJSON<T: Encodable>(_ value: T) throws {
    print(try JSONWriter.pretty(value))
}

/// The width lines are cut to: `--width` when given, else the terminal's on standard output,
/// else `COLUMNS` when set; nil — whole lines — when standard output is a pipe or a file.
func outputWidth(_ flag: Int? = nil) -> Int? {
    if let flag { return max(40, flag) }
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
    return nil
}
