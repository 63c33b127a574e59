import HeedCore

/// Keys on the preview of a reply to several.
extension AppState {
    /// The preview of a reply to several: scroll it, queue them all, or go back to the text.
    mutating func previewKey(_ key: Key) -> [Effect] {
        guard let previews = replyPreview else { return [] }
        switch key {
        case .enter, .char("y"):
            replyPreview = nil
            guard case .bulkReply(let conversations) = prompt?.purpose else { return [] }
            prompt = nil
            return [.replyAll(previews, versions: conversations)]
        case .escape, .char("q"), .ctrl("g"):
            replyPreview = nil
        case .char("j"), .down: previewTop += 1
        case .char("k"), .up: previewTop = Swift.max(0, previewTop - 1)
        case .pageDown, .char(" "): previewTop += Swift.max(1, height - 4)
        case .pageUp: previewTop = Swift.max(0, previewTop - Swift.max(1, height - 4))
        default: break
        }
        return []
    }
}
