import HeedCore

/// Keys while shifts are on the screen: the offer of one, the handovers to read, the panel.
extension AppState {
    /// The offer of a shift as the screen opens: Enter drafts the intro, Esc works without one.
    mutating func offerKey(_ key: Key) -> [Effect] {
        guard let offer = shiftOffer else { return [] }
        switch key {
        case .enter, .char("y"):
            shiftOffer = nil
            prompt = Prompt(.intro(until: offer.until), text: offer.intro)
        case .escape, .char("n"), .char("q"):
            shiftOffer = nil
            onShift = false
            status = "working without a shift: you show as not on shift (S starts one)"
        default: break
        }
        return []
    }

    /// Handovers shown at the start of a shift: Enter acknowledges them (logged).
    mutating func handoverKey(_ key: Key) -> [Effect] {
        switch key {
        case .enter, .char("y"):
            let ids = handovers.map(\.shiftID)
            handovers = []
            return [.acknowledge(ids)]
        case .escape:
            handovers = []
            status = "handovers not acknowledged: `heed shift ack` or the next start shows them again"
        default: break
        }
        return []
    }

    /// The Shift panel: start or end yours, post the roster, close.
    mutating func shiftPanelKey(_ key: Key) -> [Effect] {
        switch key {
        case .char("e") where onShift == true:
            prompt = Prompt(.handoverNote)
        case .char("s") where onShift != true:
            showingShifts = false
            return [.offerShift]
        case .char("p"):
            return [.postRoster]
        case .escape, .char("q"), .char("S"):
            showingShifts = false
        default: break
        }
        return []
    }
}
