/// Where a conversation stands in the team's work.
public enum ConversationStatus: String, Sendable, Codable, CaseIterable {
    /// The customer spoke last and nobody has answered: it is in the queue.
    case open
    /// We answered; waiting on the customer.
    case waiting
    case snoozed
    case resolved
    case spam

    /// The status after an import added mentions to the conversation.
    ///
    /// Our reply (seen as our own account's post) moves an open conversation to waiting; a new
    /// customer message after our last reply reopens a waiting or resolved one, and wakes a
    /// conversation snoozed "until the customer writes again". Spam stays spam: noise must not
    /// climb back into the queue by writing more of it.
    public static func afterIngest(current: ConversationStatus, lastCustomerAt: Int64?, lastOursAt: Int64?,
                                   newCustomerMessage: Bool, snoozeUntilReply: Bool) -> ConversationStatus {
        if current == .spam { return .spam }
        let customerSpokeLast: Bool
        switch (lastCustomerAt, lastOursAt) {
        case (nil, _): customerSpokeLast = false
        case (_?, nil): customerSpokeLast = true
        case (let customer?, let ours?): customerSpokeLast = customer > ours
        }
        if customerSpokeLast {
            switch current {
            case .open: return .open
            case .waiting, .resolved: return newCustomerMessage ? .open : current
            case .snoozed: return newCustomerMessage && snoozeUntilReply ? .open : .snoozed
            case .spam: return .spam
            }
        }
        return current == .open ? .waiting : current
    }
}
