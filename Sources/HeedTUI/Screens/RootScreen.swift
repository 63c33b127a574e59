import HeedCore

/// The whole screen: the header and tabs, the list (or the conversation open), then each
/// overlay over them in the order they were opened, and the status line at the bottom (unless
/// a panel being written or the reply preview has it).
public enum RootScreen {
    public static func render(_ state: AppState) -> Grid {
        var grid = Grid(width: state.width, height: state.height)
        guard !state.isTooSmall else {
            QueueScreen.renderTooSmall(state, into: &grid)
            return grid
        }
        Header.render(state, into: &grid)
        Header.renderTabs(state, y: 1, into: &grid)
        if let page = state.conversation {
            ConversationScreen.render(page, state: state, into: &grid)
        } else {
            QueueScreen.renderList(state, below: offered(state), into: &grid)
            QueueScreen.renderPreview(state, y: 2 + state.listHeight, into: &grid)
        }
        // A panel being written (an intro, a handover note) takes the place of the shift screens under it.
        let writing = state.prompt?.multiline ?? false
        var bottomTaken = false
        for overlay in state.overlays {
            switch overlay {
            case .help: HelpScreen.render(state, into: &grid)
            case .reports: ReportsScreen.render(state, into: &grid)
            case .shiftOffer, .handovers, .shiftPanel: if !writing { ShiftScreen.render(overlay, state: state, into: &grid) }
            case .replyPreview(let previews, let top):
                ReplyPreviewScreen.render(previews, top: top, keys: state.keyMap, into: &grid)
                bottomTaken = true
            case .prompt(let prompt) where prompt.multiline:
                ComposePanel.render(prompt, canned: state.cannedNames, into: &grid)
                bottomTaken = true
            case .prompt, .picks: break
            }
        }
        if !bottomTaken { StatusLine.render(state, into: &grid) }
        return grid
    }

    /// Rows of the list a shift's offer takes (it is drawn above the list, not over it).
    private static func offered(_ state: AppState) -> Int {
        guard !(state.prompt?.multiline ?? false) else { return 0 }
        for case .shiftOffer(let offer) in state.overlays { return ShiftScreen.offerHeight(offer, state: state, height: state.height) }
        return 0
    }
}
