/// Why an action was not done, inside HeedCore; each becomes a `HeedError` of its kind.
enum ActionError: Error {
    case noConversation(Int64)
    /// Someone changed it first: the message says who and when.
    case conflict(String)
    /// It cannot be done as asked: the message says why (and what would help).
    case refused(String, hint: HeedError.Hint? = nil)
    /// It is so already: nothing was written.
    case unchanged(String)

    var heedError: HeedError {
        switch self {
        case .noConversation(let id): HeedError("no conversation \(id)", .badData, hint: .listConversations)
        case .conflict(let message): HeedError(message, .conflict)
        case .refused(let message, let hint): HeedError(message, .refused, hint: hint)
        case .unchanged(let message): HeedError(message, .unchanged)
        }
    }
}
