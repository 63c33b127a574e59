/// Why an action was not done; each becomes a `HeedError` with its exit status.
enum ActionError: Error {
    case noConversation(Int64)
    /// Someone changed it first: the message says who and when.
    case conflict(String)
    /// It cannot be done as asked: the message says why.
    case refused(String)
    /// It is so already: nothing was written.
    case unchanged(String)

    var heedError: HeedError {
        switch self {
        case .noConversation(let id): HeedError("no conversation \(id) (see `heed queue` for the numbers)", exitCode: ExitStatus.dataError)
        case .conflict(let message): HeedError(message, exitCode: ExitStatus.conflict)
        case .refused(let message): HeedError(message, exitCode: ExitStatus.usage)
        case .unchanged(let message): HeedError(message, exitCode: ExitStatus.nothingToChange)
        }
    }
}
