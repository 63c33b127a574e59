/// One recipient's reply of a reply to several, as it would go out.
public struct ReplyPreview: Sendable, Equatable {
    public var conversationID: Int64
    public var handle: String
    public var channel: String
    public var text: String
    /// Why it cannot go as it is (too long for its channel), or nil.
    public var problem: String?

    public init(conversationID: Int64, handle: String, channel: String, text: String, problem: String? = nil) {
        (self.conversationID, self.handle, self.channel, self.text, self.problem) = (conversationID, handle, channel, text, problem)
    }
}
