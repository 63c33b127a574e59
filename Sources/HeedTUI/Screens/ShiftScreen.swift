import HeedCore

/// Shifts over the queue: the offer of one as the screen opens, the handovers to read when it
/// starts, and the Shift panel (`S`) with who is on.
enum ShiftScreen {
    static func render(_ state: AppState, into grid: inout Grid) {
        var lines: [(String, Style)] = []
        if !state.handovers.isEmpty {
            lines.append(("Handovers to read — Enter acknowledges \(state.handovers.count == 1 ? "it" : "them all") (logged), Esc: later", .header))
            for notice in state.handovers { lines += notice.lines.map { ($0, Style.normal) } + [("", .normal)] }
        } else if let offer = state.shiftOffer {
            lines = [("Start your shift?", .header),
                     ("\(state.me ?? "You") — no shift running. Your intro, queued to the help accounts after the undo window:", .normal),
                     ("  " + offer.intro, .normal),
                     ("", .normal),
                     ("Enter: start (the intro is yours to edit first) · Esc: work without a shift", .dim)]
        } else if state.showingShifts {
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
            switch state.onShift {
            case true?: lines.append(("You are on shift: e ends it (a note for whoever comes next, then the handover) · p posts the roster · Esc closes", .normal))
            case false?: lines.append(("You are not on shift: s starts one · p posts the roster · Esc closes", .normal))
            case nil: lines.append(("heed does not know who you are (HEED_OPERATOR, or your unix_user in the config) · Esc closes", .normal))
            }
        } else {
            return
        }
        for y in 2..<(grid.height - 1) { grid.clear(y: y) }
        for (index, line) in lines.prefix(grid.height - 3).enumerated() {
            grid.put(DisplayText(untrusted: " " + line.0), x: 0, y: 2 + index, limit: grid.width, style: line.1)
        }
    }

    static func isShown(_ state: AppState) -> Bool {
        !state.handovers.isEmpty || state.shiftOffer != nil || state.showingShifts
    }

    /// The header's word on shifts: who is on (the away marked), or that you are not.
    static func headerLabel(_ state: AppState) -> String {
        let names = state.roster.map { $0.operatorHandle + ($0.active ? "" : "·away") }
        let mine = state.onShift == false ? "you: not on shift" : ""
        if names.isEmpty { return mine }
        return "on: " + names.joined(separator: " ") + (mine.isEmpty ? "" : " · " + mine)
    }
}
