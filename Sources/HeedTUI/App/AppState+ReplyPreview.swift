import HeedCore

/// Keys on the preview of a reply to several.
extension AppState {
    /// The preview of a reply to several: scroll it, queue them all, or go back to the text.
    mutating func previewAction(_ action: Action) -> [Effect] {
        guard let previews = replyPreview else { return [] }
        let page = Swift.max(1, height - 4)
        switch action {
        case .send:
            replyPreview = nil
            guard case .bulkReply(let conversations) = prompt?.purpose else { return [] }
            prompt = nil
            return [.replyAll(previews, versions: conversations)]
        case .back: replyPreview = nil
        case .down: previewTop += 1
        case .up: previewTop -= 1
        case .pageDown: previewTop += page
        case .pageUp: previewTop -= page
        default: break
        }
        return []
    }
}
