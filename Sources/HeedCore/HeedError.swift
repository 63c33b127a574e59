/// A failure the user must read: a message that names what went wrong and where, and what kind
/// of failure it is. HeedCore says nothing of how it is shown: the command line maps the kind to
/// an exit status and the hint to the command that helps; the screen shows the message.
public struct HeedError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The request cannot be done as asked (a bad value, a refusal with its reason).
        case refused
        /// It is so already: nothing was written.
        case unchanged
        /// Someone changed it first (compare-and-set), or holds it: look again and retry.
        case conflict
        /// The input's content is wrong (a record, a cache that is not one, no such conversation).
        case badData
        /// An input could not be read at all.
        case unreadable
        /// Something could not be created or written.
        case cannotWrite
        /// Not allowed: an unknown person, or a role that may not do it.
        case notPermitted
        /// The config is invalid.
        case config
        /// heed itself went wrong.
        case failed
        /// The disk (or the cache's size limit) is full: nothing of the failed step was written.
        case diskFull
        /// Another process kept the cache's write lock past the busy timeout: nothing was written; try again.
        case busy
    }

    /// What would help next, for a surface that has it (the command line names its command).
    public enum Hint: Sendable, Equatable {
        case listConversations, listIncidents, listEscalations, listOutbox, listShifts
        case startShift, endShift
        /// Name the input's format.
        case nameFormat
        /// Point at another cache file.
        case otherCache
        /// Say who you are: the config's operators, or acting for one.
        case identify
        /// Check the config after changing it.
        case checkConfig
        /// Use the config the cache is bound to (a path, `example` or `defaults`), or apply yours to it.
        case useConfig(bound: String, mine: String)
    }

    public var kind: Kind
    public var message: String
    public var hint: Hint?

    public init(_ message: String, _ kind: Kind = .failed, hint: Hint? = nil) {
        self.message = message
        self.kind = kind
        self.hint = hint
    }

    public var description: String { message }
}
