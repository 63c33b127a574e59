/// What a post of ours is: the outbox's `kind` column and the delivery adapters' `kind` field.
public enum PostKind: String, Sendable, Codable, CaseIterable {
    /// An answer to a customer, in their thread.
    case reply
    /// Someone's "who's online" post as their shift starts.
    case intro
    /// Their sign-off as it ends.
    case signoff
    /// Who is on the team now.
    case roster
    /// About an incident, to everyone.
    case broadcast
}
