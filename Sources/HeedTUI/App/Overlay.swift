import HeedCore

/// Something over the list or the conversation. They stack: the top one takes the keys (in its
/// own `KeyContext`), and each is drawn over those below it.
public enum Overlay: Sendable, Equatable {
    case help
    /// After `;`: the next key's action is done to every pick.
    case picks
    /// A line or panel being written.
    case prompt(Prompt)
    /// A reply to several as each recipient would get it, before it is queued, and how far it is scrolled.
    case replyPreview([ReplyPreview], top: Int)
    /// Who is on shift; start or end yours.
    case shiftPanel
    /// A shift offered as the screen opens.
    case shiftOffer(ShiftOffer)
    /// Handovers to read and acknowledge as a shift starts, and how far they are scrolled.
    case handovers([HandoverNotice], top: Int)
    /// The headline measures of today and the last 7 days (`AppState.digest`).
    case reports

    var context: KeyContext {
        switch self {
        case .help: .help
        case .picks: .picks
        case .prompt: .prompt
        case .replyPreview: .replyPreview
        case .shiftPanel: .shiftPanel
        case .shiftOffer: .shiftOffer
        case .handovers: .handovers
        case .reports: .reports
        }
    }
}

/// Each overlay by what it holds: reading finds it anywhere in the stack; setting replaces it
/// where it is, pushes it when absent, and nil (or false, or empty) takes it off.
extension AppState {
    /// Where keys go now: the top overlay, else the conversation open, else the list.
    public var keyContext: KeyContext {
        overlays.last?.context ?? (conversation != nil ? .conversation : .queue)
    }

    public var prompt: Prompt? {
        get { overlays.lazy.compactMap { if case .prompt(let p) = $0 { p } else { nil } }.last }
        set { replace({ if case .prompt = $0 { true } else { false } }, with: newValue.map(Overlay.prompt)) }
    }

    public var replyPreview: [ReplyPreview]? {
        get { overlays.lazy.compactMap { if case .replyPreview(let p, _) = $0 { p } else { nil } }.last }
        set { replace({ if case .replyPreview = $0 { true } else { false } }, with: newValue.map { .replyPreview($0, top: 0) }) }
    }

    /// How far the reply preview is scrolled.
    public var previewTop: Int {
        get { overlays.lazy.compactMap { if case .replyPreview(_, let top) = $0 { top } else { nil } }.last ?? 0 }
        set {
            guard let previews = replyPreview else { return }
            replace({ if case .replyPreview = $0 { true } else { false } }, with: .replyPreview(previews, top: Swift.max(0, newValue)))
        }
    }

    public var shiftOffer: ShiftOffer? {
        get { overlays.lazy.compactMap { if case .shiftOffer(let o) = $0 { o } else { nil } }.last }
        set { replace({ if case .shiftOffer = $0 { true } else { false } }, with: newValue.map(Overlay.shiftOffer)) }
    }

    public var handovers: [HandoverNotice] {
        get { overlays.lazy.compactMap { if case .handovers(let h, _) = $0 { h } else { nil } }.last ?? [] }
        set { replace({ if case .handovers = $0 { true } else { false } }, with: newValue.isEmpty ? nil : .handovers(newValue, top: 0)) }
    }

    /// How far the handovers are scrolled.
    public var handoversTop: Int {
        get { overlays.lazy.compactMap { if case .handovers(_, let top) = $0 { top } else { nil } }.last ?? 0 }
        set {
            let notices = handovers
            guard !notices.isEmpty else { return }
            replace({ if case .handovers = $0 { true } else { false } }, with: .handovers(notices, top: Swift.max(0, newValue)))
        }
    }

    public var showingHelp: Bool {
        get { overlays.contains(.help) }
        set { replace({ $0 == .help }, with: newValue ? .help : nil) }
    }

    public var showingShifts: Bool {
        get { overlays.contains(.shiftPanel) }
        set { replace({ $0 == .shiftPanel }, with: newValue ? .shiftPanel : nil) }
    }

    public var showingReports: Bool {
        get { overlays.contains(.reports) }
        set { replace({ $0 == .reports }, with: newValue ? .reports : nil) }
    }

    /// After `;`, waiting for the action to do to every pick.
    public var applying: Bool {
        get { overlays.last == .picks }
        set { replace({ $0 == .picks }, with: newValue ? .picks : nil) }
    }

    private mutating func replace(_ matches: (Overlay) -> Bool, with overlay: Overlay?) {
        if let overlay, let index = overlays.lastIndex(where: matches) {
            overlays[index] = overlay
        } else if let overlay {
            overlays.append(overlay)
        } else {
            overlays.removeAll(where: matches)
        }
    }
}
