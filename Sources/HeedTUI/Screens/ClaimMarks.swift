import HeedCore

/// The other operators' claims on a conversation, as marks: writing a reply to it (✎) or viewing it (◉).
struct ClaimMarks: Equatable {
    var replying: [String]
    var viewing: [String]

    static let replyingMark = "✎"
    static let viewingMark = "◉"

    /// One mark for the row's margin: someone replying outweighs someone looking.
    var mark: String? { !replying.isEmpty ? Self.replyingMark : (viewing.isEmpty ? nil : Self.viewingMark) }

    /// `✎priya ◉sam`, for the assignee column.
    var names: [String] { replying.map { Self.replyingMark + $0 } + viewing.map { Self.viewingMark + $0 } }

    /// `✎ priya replying · ◉ sam viewing`, or nil when nobody else is there.
    var label: String? {
        var parts: [String] = []
        if !replying.isEmpty { parts.append("\(Self.replyingMark) \(replying.joined(separator: ", ")) replying") }
        if !viewing.isEmpty { parts.append("\(Self.viewingMark) \(viewing.joined(separator: ", ")) viewing") }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }
}

extension AppState {
    func claimMarks(at id: Int64) -> ClaimMarks {
        ClaimMarks(replying: claims.replying[id] ?? [], viewing: claims.viewing[id] ?? [])
    }
}
