import HeedCore

/// Keys while shifts are on the screen: the offer of one, the handovers to read, the panel.
extension AppState {
    /// The offer of a shift as the screen opens: accept drafts the intro, decline works without one.
    mutating func offerAction(_ action: Action) -> [Effect] {
        guard let offer = shiftOffer else { return [] }
        switch action {
        case .accept:
            shiftOffer = nil
            prompt = Prompt(.intro(until: offer.until), text: offer.intro)
        case .decline:
            shiftOffer = nil
            onShift = false
            status = "working without a shift: you show as not on shift (\(keyMap.label(.shifts, in: .queue)) starts one)"
        default: break
        }
        return []
    }

    /// Handovers shown at the start of a shift: read (scrolled), acknowledged (logged), or left for later.
    mutating func handoverAction(_ action: Action) -> [Effect] {
        let room = ShiftScreen.handoverRoom(height: height)
        let end = Swift.max(0, ShiftScreen.handoverLines(handovers, width: width).count - room)
        func scroll(to top: Int) { handoversTop = Swift.min(end, Swift.max(0, top)) }
        switch action {
        case .down: scroll(to: handoversTop + 1)
        case .up: scroll(to: handoversTop - 1)
        case .pageDown: scroll(to: handoversTop + Swift.max(1, room - 1))
        case .pageUp: scroll(to: handoversTop - Swift.max(1, room - 1))
        case .first: scroll(to: 0)
        case .last: scroll(to: end)
        case .acknowledge:
            let ids = handovers.map(\.shiftID)
            handovers = []
            return [.acknowledge(ids)]
        case .back:
            handovers = []
            status = "handovers not acknowledged: `heed shift ack` or the next start shows them again"
        default: break
        }
        return []
    }

    /// The Shift panel: start or end yours, post the roster, close.
    mutating func shiftPanelAction(_ action: Action) -> [Effect] {
        switch action {
        case .endShift:
            guard onShift == true else {
                status = "you are not on shift"
                return []
            }
            prompt = Prompt(.handoverNote)
        case .startShift:
            guard onShift != true else {
                status = "you are on shift already"
                return []
            }
            showingShifts = false
            return [.offerShift]
        case .postRoster:
            return [.postRoster]
        case .back:
            showingShifts = false
        default: break
        }
        return []
    }
}
