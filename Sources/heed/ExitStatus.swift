import HeedCore

/// The exit statuses of heed's commands (sysexits.h values, so scripts can tell them apart).
enum ExitStatus {
    static let ok: Int32 = 0
    /// An action that was true already ("nothing to change"): done in effect, nothing written.
    static let nothingToChange: Int32 = 1
    /// `heed status`: the service does not run (as LSB init scripts say it).
    static let notRunning: Int32 = 3
    static let usage: Int32 = 64
    /// Some input records were rejected.
    static let dataError: Int32 = 65
    /// An input file could not be read.
    static let noInput: Int32 = 66
    static let software: Int32 = 70
    static let cantCreate: Int32 = 73
    /// The disk is full (EX_IOERR).
    static let ioError: Int32 = 74
    /// Someone changed the conversation first (compare-and-set), or kept the cache busy: look
    /// again and retry (EX_TEMPFAIL).
    static let conflict: Int32 = 75
    /// Not allowed: an operator heed does not know, or a role that may not do it.
    static let noPermission: Int32 = 77
    /// The config is invalid.
    static let config: Int32 = 78

    static func of(_ kind: HeedError.Kind) -> Int32 {
        switch kind {
        case .refused: usage
        case .unchanged: nothingToChange
        case .conflict: conflict
        case .badData: dataError
        case .unreadable: noInput
        case .cannotWrite: cantCreate
        case .notPermitted: noPermission
        case .config: config
        case .failed: software
        case .diskFull: ioError
        case .busy: conflict
        }
    }
}

extension HeedError {
    /// How the command line ends for it.
    var exitCode: Int32 { ExitStatus.of(kind) }

    /// The message with what to run next, as the command line says it.
    var commandLineMessage: String {
        guard let hint else { return message }
        return switch hint {
        case .listConversations: message + " (see `heed queue` for the numbers)"
        case .listIncidents: message + " (see `heed incident list --all` for the numbers)"
        case .listEscalations: message + " (see `heed escalation list --all`)"
        case .listOutbox: message + " (see `heed outbox list`)"
        case .listShifts: message + " (`heed shift log` lists them)"
        case .startShift: message + " (`heed shift start` begins one)"
        case .endShift: message + ": `heed shift end` first"
        case .nameFormat: message + "; name the format with --format (`heed ingest --formats` lists them)"
        case .otherCache: message + "; point --cache at another file"
        case .identify: message + ": add yourself to the config's \"operators\" with your \"unix_user\" (a lead may act for you with --as HANDLE)"
        case .checkConfig: message + " and check it with `heed config check`"
        case .useConfig(let bound, let mine):
            message + ". Use " + (bound == ConfigBinding.example ? "--config config.example.json (the demo's)"
                                  : bound == ConfigBinding.defaults ? "no config file" : "--config \(bound)")
                + (mine.hasPrefix("/") ? ", or make yours the cache's with `heed config apply \(mine)` (re-scores every open conversation)" : "")
        }
    }
}
