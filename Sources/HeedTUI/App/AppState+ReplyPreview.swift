import HeedCore

/// Keys on the preview of a reply to several.
extension AppState {
    /// The preview of a reply to several: scroll it, queue them all, or go back to the text.
    mutating func previewAction(_ action: Action) -> [Effect] {
        guard let previews = replyPreview else { return [] }
        let room = ReplyPreviewScreen.room(height: height)
        let end = Swift.max(0, ReplyPreviewScreen.lines(previews, width: ReplyPreviewScreen.textWidth(width)).count - room)
        func scroll(to top: Int) { previewTop = Swift.min(end, Swift.max(0, top)) }
        switch action {
        case .send:
            replyPreview = nil
            guard case .bulkReply(let conversations) = prompt?.purpose else { return [] }
            prompt = nil
            return [.replyAll(previews, versions: conversations)]
        case .back: replyPreview = nil
        case .down: scroll(to: previewTop + 1)
        case .up: scroll(to: previewTop - 1)
        case .pageDown: scroll(to: previewTop + Swift.max(1, room - 1))
        case .pageUp: scroll(to: previewTop - Swift.max(1, room - 1))
        default: break
        }
        return []
    }
}
