import HeedCore

/// Shifts over the queue: the offer of one as the screen opens, the handovers to read when it
/// starts, and the Shift panel (`S`) with who is on.
enum ShiftScreen {
    static func render(_ overlay: Overlay, state: AppState, into grid: inout Grid) {
        let keys = state.keyMap
        var lines: [(String, Style)] = []
        switch overlay {
        case .handovers(let handovers):
            lines.append(("Handovers to read — \(keys.label(.acknowledge, in: .handovers)) acknowledges \(handovers.count == 1 ? "it" : "them all") (logged), "
                + "\(keys.label(.back, in: .handovers)): later", .header))
            for notice in handovers { lines += notice.lines.map { ($0, Style.normal) } + [("", .normal)] }
        case .shiftOffer(let offer):
            lines = [("Start your shift?", .header),
                     ("\(state.me ?? "You") — no shift running. Your intro, queued to the help accounts after the undo window:", .normal),
                     ("  " + offer.intro, .normal),
                     ("", .normal),
                     ("\(keys.label(.accept, in: .shiftOffer)): start (the intro is yours to edit first) · "
                        + "\(keys.label(.decline, in: .shiftOffer)): work without a shift", .dim)]
        case .shiftPanel:
            lines.append(("Shifts — who is on", .header))
            if state.roster.isEmpty { lines.append(("  nobody is on shift", .dim)) }
            for person in state.roster {
                let since = LocalTime.clock(person.since, in: state.timeZone)
                let until = person.until.map { " until " + LocalTime.clock($0, in: state.timeZone) } ?? ""
                let presence = person.active ? "active" : "away \(Age.short(milliseconds: state.now - person.lastActiveAt))"
                lines.append(("  \(person.operatorHandle) (\(person.name)) · \(presence) · since \(since)\(until)", person.active ? .normal : .dim))
                if let intro = person.intro { lines.append(("    " + intro, .dim)) }
            }
            lines.append(("", .normal))
            let (end, start, post, close) = (keys.label(.endShift, in: .shiftPanel), keys.label(.startShift, in: .shiftPanel),
                                             keys.label(.postRoster, in: .shiftPanel), keys.label(.back, in: .shiftPanel))
            switch state.onShift {
            case true?:
                lines.append(("You are on shift: \(end) ends it (a note for whoever comes next, then the handover) · \(post) posts the roster · "
                    + "\(close) closes", .normal))
            case false?: lines.append(("You are not on shift: \(start) starts one · \(post) posts the roster · \(close) closes", .normal))
            case nil: lines.append(("heed does not know who you are (HEED_OPERATOR, or your unix_user in the config) · \(close) closes", .normal))
            }
        default:
            return
        }
        for y in 2..<(grid.height - 1) { grid.clear(y: y) }
        for (index, line) in lines.prefix(grid.height - 3).enumerated() {
            grid.put(DisplayText(untrusted: " " + line.0), x: 0, y: 2 + index, limit: grid.width, style: line.1)
        }
    }

    /// The header's word on shifts: who is on (the away marked), or that you are not.
    static func headerLabel(_ state: AppState) -> String {
        let names = state.roster.map { $0.operatorHandle + ($0.active ? "" : "·away") }
        let mine = state.onShift == false ? "you: not on shift" : ""
        if names.isEmpty { return mine }
        return "on: " + names.joined(separator: " ") + (mine.isEmpty ? "" : " · " + mine)
    }
}
