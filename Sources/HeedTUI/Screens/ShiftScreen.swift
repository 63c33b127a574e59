import HeedCore

/// Shifts over the queue: the offer of one as the screen opens, the handovers to read when it
/// starts, and the Shift panel (`S`) with who is on.
enum ShiftScreen {
    static func render(_ overlay: Overlay, state: AppState, into grid: inout Grid) {
        let keys = state.keyMap
        var lines: [(String, Style)] = []
        switch overlay {
        case .handovers(let handovers, let top):
            renderHandovers(handovers, top: top, keys: keys, into: &grid)
            return
        case .shiftOffer(let offer):
            // Above the list, which `RootScreen` draws below it: the queue stays in sight, its
            // most urgent rows first.
            lines = offerLines(offer, state: state, width: grid.width)
            for (index, line) in lines.prefix(grid.height - 4).enumerated() {
                grid.clear(y: 2 + index)
                grid.put(DisplayText(untrusted: " " + line.0), x: 0, y: 2 + index, limit: grid.width, style: line.1)
            }
            let rule = 2 + offerHeight(lines: lines.count, height: grid.height) - 1
            grid.clear(y: rule)
            grid.put(DisplayText(String(repeating: "─", count: grid.width)), x: 0, y: rule, style: .dim)
            return
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
            case nil: lines.append(("heed does not know who you are (your unix_user in the config's operators) · \(close) closes", .normal))
            }
        default:
            return
        }
        for y in 2..<(grid.height - 1) { grid.clear(y: y) }
        for (index, line) in lines.prefix(grid.height - 3).enumerated() {
            grid.put(DisplayText(untrusted: " " + line.0), x: 0, y: 2 + index, limit: grid.width, style: line.1)
        }
    }

    /// The offer's lines: what it is, the intro as it will be posted, the keys.
    private static func offerLines(_ offer: ShiftOffer, state: AppState, width: Int) -> [(String, Style)] {
        let keys = state.keyMap
        func wrapped(_ text: String, indent: String = "", _ style: Style) -> [(String, Style)] {
            QueueScreen.wrap(text, width: Swift.max(1, width - 2 - indent.count)).map { (indent + $0, style) }
        }
        var lines: [(String, Style)] = [("Start your shift?", .header)]
        lines += wrapped("\(state.me ?? "You") — no shift running. Your intro, queued to the help accounts after the undo window:", .normal)
        lines += wrapped(offer.intro, indent: "  ", .normal)
        if !offer.signature.isEmpty && offer.intro.contains(offer.signature) {
            lines += wrapped("(\(offer.signature) is your signature, from the config)", indent: "  ", .dim)
        }
        lines += wrapped("\(keys.label(.accept, in: .shiftOffer)): start (the intro is yours to edit first) · "
                         + "\(keys.label(.decline, in: .shiftOffer)): work without a shift", .dim)
        return lines
    }

    /// Rows the offer takes at the top of the list, its rule included.
    static func offerHeight(_ offer: ShiftOffer, state: AppState, height: Int) -> Int {
        offerHeight(lines: offerLines(offer, state: state, width: state.width).count, height: height)
    }

    private static func offerHeight(lines: Int, height: Int) -> Int { Swift.min(height - 3, lines + 1) }

    /// Rows for the handovers' text: all but the header lines, their title and the status line.
    static func handoverRoom(height: Int) -> Int { Swift.max(1, height - 4) }

    /// The handovers as screen lines at `width`: each line wrapped, its continuation indented
    /// under its text, and a gap between handovers.
    static func handoverLines(_ handovers: [HandoverNotice], width: Int) -> [String] {
        var lines: [String] = []
        for notice in handovers {
            for line in notice.lines {
                let indent = line.prefix { $0 == " " }.count
                let hanging = indent + (line.dropFirst(indent).hasPrefix("note: ") ? 6 : 2)
                let rows = QueueScreen.wrap(String(line.dropFirst(indent)), width: Swift.max(1, width - 1 - hanging))
                for (index, row) in rows.enumerated() {
                    lines.append(String(repeating: " ", count: index == 0 ? indent : hanging) + row)
                }
                if rows.isEmpty { lines.append("") }
            }
            lines.append("")
        }
        return lines
    }

    /// Which lines are in sight, for the status line: "(2–21 of 40)", or "" when all are.
    static func handoverPosition(_ state: AppState) -> String {
        let count = handoverLines(state.handovers, width: state.width).count
        let room = handoverRoom(height: state.height)
        guard count > room else { return "" }
        let first = Swift.min(state.handoversTop, count - room)
        return " (\(first + 1)–\(first + room) of \(count))"
    }

    static func renderHandovers(_ handovers: [HandoverNotice], top: Int, keys: KeyMap, into grid: inout Grid) {
        for y in 2..<(grid.height - 1) { grid.clear(y: y) }
        let lines = handoverLines(handovers, width: grid.width)
        let room = handoverRoom(height: grid.height)
        let first = Swift.min(top, Swift.max(0, lines.count - room))
        grid.fill(y: 2, style: .header)
        grid.put(DisplayText(" Handovers to read — \(keys.label(.acknowledge, in: .handovers)) acknowledges \(handovers.count == 1 ? "it" : "them all") "
                    + "(logged), \(keys.label(.back, in: .handovers)): later"), x: 0, y: 2, limit: grid.width, style: .header)
        for (offset, line) in lines.dropFirst(first).prefix(room).enumerated() {
            grid.put(DisplayText(untrusted: " " + line), x: 0, y: 3 + offset, limit: grid.width, style: .normal)
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
