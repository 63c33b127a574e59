import HeedCore

/// The top two lines: where you are and how the queue stands; then the views with their counts.
enum Header {
    static func render(_ state: AppState, into grid: inout Grid) {
        grid.fill(y: 0, style: .header)
        let clock = LocalTime.clock(state.now, in: state.timeZone)
        let c = state.counts
        // As much of the figures as fits; the tabs below count each view again.
        let counts = ["\(c.open) open · \(c.breached) breached · \(c.escalated) escalated", "\(c.open) open · \(c.breached) late · \(c.escalated) esc", "\(c.open) open", ""]
        // What stops answers reaching customers, who is on shift, and an incident under way are
        // what the header is for: the brand and the counts go before any of them.
        var essentials: [String] = []
        if let alert = alert(state) { essentials.append("⚠ " + alert) }
        let shifts = ShiftScreen.headerLabel(state)
        if !shifts.isEmpty { essentials.append(shifts) }
        // The one with the most customers still waiting, not the one that grew last: a
        // thread of follow-ups may have, but the outage is what the shift is about.
        if let top = state.incidents.reduce(nil, { (top: Incident?, next) in next.open > (top?.open ?? -1) ? next : top }) {
            essentials.append("⚑ \(top.title) (\(top.open))" + (state.incidents.count > 1 ? " +\(state.incidents.count - 1)" : ""))
        }
        let whole = counts.map { (essentials + [$0]).filter { !$0.isEmpty }.joined(separator: " · ") }
        let fewer = (0..<essentials.count).reversed().map { essentials[..<$0].joined(separator: " · ") }
        var place = state.search.map { "search: \($0)" + (state.found.map { " (\($0))" } ?? "") } ?? state.view.name
        if let page = state.conversation { place += " › #\(page.detail.summary.conversationID)" }
        let titles = state.width >= 60 ? [" heed · \(state.brand) · \(place)", " \(place)"] : [" \(place)"]
        func right(_ figures: String) -> String { figures.isEmpty ? clock + " " : "\(figures)  \(clock) " }
        let width = grid.width
        func fits(_ title: String, _ figures: String) -> Bool { DisplayWidth.of(right(figures)) + DisplayWidth.of(title) + 2 <= width }
        // The whole title with everything that matters; else the place alone; else fewer
        // figures, and at last the title is cut.
        let choice = titles.lazy.compactMap { title in whole.first { fits(title, $0) }.map { (title, $0) } }.first
            ?? fewer.first { fits(titles.last!, $0) }.map { (titles.last!, $0) }
        let title = choice?.0 ?? titles.last!
        let right = choice.map { right($0.1) } ?? (grid.width >= 40 ? right("\(c.open) open") : "")
        let rightWidth = DisplayWidth.of(right)
        grid.put(DisplayText(untrusted: title), x: 0, y: 0, limit: grid.width - rightWidth - 1, style: .header)
        grid.put(DisplayText(untrusted: right), x: grid.width - rightWidth, y: 0, style: .header)
    }

    /// "not sending: no heed run", or the first account in trouble.
    static func alert(_ state: AppState) -> String? {
        if state.service.notSending { return "not sending: no heed run" }
        return state.service.troubles.first.map { $0.split(separator: ":").first.map { "\($0): in trouble" } ?? $0 }
    }

    /// `1 Triage 12  2 Mine 3  …`: the current view marked; scrolled so that it is always shown.
    static func renderTabs(_ state: AppState, y: Int, into grid: inout Grid) {
        // Each tab shows the key that opens it: its own, else its number while a digit opens it.
        let digits = Set(state.keyMap.keys(for: .view, in: .queue))
        let labels = state.views.enumerated().map { index, view -> String in
            let count = state.viewCounts.indices.contains(index) ? state.viewCounts[index].map { " \($0)" } ?? "" : ""
            let number = index < 9 && digits.contains(.char(Character(String(index + 1)))) ? "\(index + 1)" : nil
            let key = view.key?.label ?? number
            return " \(key.map { $0 + " " } ?? "")\(view.name)\(count) "
        }
        var first = 0
        while first < state.viewIndex,
              labels[first...state.viewIndex].reduce(0, { $0 + DisplayWidth.of($1) + 1 }) > grid.width {
            first += 1
        }
        var x = first > 0 ? grid.put(DisplayText("‹"), x: 0, y: y, style: .tab) : 0
        for index in first..<labels.count {
            let used = grid.put(DisplayText(untrusted: labels[index]), x: x, y: y, limit: grid.width - x,
                                style: index == state.viewIndex && state.search == nil ? .tabActive : .tab)
            x += used + 1
            if used < DisplayWidth.of(labels[index]) || (x >= grid.width && index < labels.count - 1) {
                grid.put(DisplayText("›"), x: grid.width - 1, y: y, style: .tab)
                break
            }
        }
    }
}

/// The bottom line: the search being typed, a message, or the key hints.
enum StatusLine {
    static func render(_ state: AppState, into grid: inout Grid) {
        let y = grid.height - 1
        grid.fill(y: y, style: .status)
        if let prompt = state.prompt {
            renderPrompt(prompt, y: y, into: &grid)
            return
        }
        let trouble = state.service.troubles.first.map { "⚠ " + $0 + " (heed account check)" }
        let text = state.status ?? (state.applying ? state.picksMenu : trouble ?? hints(state))
        grid.put(DisplayText(untrusted: " " + text), x: 0, y: y, style: .status)
    }

    /// The prompt's label and its text, scrolled to keep the cursor in view; an error marks its
    /// place on the line above with a caret and says what is wrong.
    static func renderPrompt(_ prompt: Prompt, y: Int, into grid: inout Grid) {
        let characters = Array(prompt.text)
        // The label may say what the line takes (a snooze's forms): two thirds of the width,
        // the input scrolling in the rest.
        let label = DisplayWidth.truncate(prompt.label, to: grid.width * 2 / 3)
        let labelWidth = DisplayWidth.of(label)
        let room = grid.width - labelWidth - 2
        var start = 0
        let focus = prompt.error?.position ?? prompt.cursor
        while start < focus && DisplayWidth.of(String(characters[start..<Swift.min(characters.count, focus + 1)])) > room { start += 1 }
        grid.put(DisplayText(label), x: 0, y: y, style: .status)
        var x = labelWidth
        for (offset, character) in characters[start...].enumerated() {
            let index = start + offset
            let marked = index == prompt.cursor || index == prompt.error?.position
            let used = grid.put(DisplayText(untrusted: String(character)), x: x, y: y, limit: grid.width - x - 1,
                                style: index == prompt.error?.position ? .error : (marked ? .selectedRow : .status))
            if used == 0 { break }
            x += used
        }
        if prompt.cursor >= characters.count { grid.put(DisplayText(" "), x: Swift.min(x, grid.width - 1), y: y, style: .selectedRow) }
        guard let error = prompt.error else { return }
        let caretX = labelWidth + DisplayWidth.of(String(characters[start..<Swift.min(characters.count, Swift.max(start, error.position))]))
        grid.clear(y: y - 1)
        grid.put(DisplayText("^"), x: caretX, y: y - 1, style: .error)
        // The message beside the caret: after it when it fits, else before it; a message longer
        // than either side goes on the line above, from the left, as much as fits.
        let message = DisplayText(untrusted: error.message)
        let width = DisplayWidth.of(message.string)
        if caretX + 2 + width <= grid.width {
            grid.put(message, x: caretX + 2, y: y - 1, style: .error)
        } else if width <= caretX - 1 {
            grid.put(message, x: caretX - 1 - width, y: y - 1, style: .error)
        } else {
            grid.clear(y: y - 2)
            grid.put(DisplayText(DisplayWidth.truncate(message.string, to: grid.width - 1)), x: 1, y: y - 2, style: .error)
        }
    }

    /// The reminder, from the key table (so a rebound key shows as bound).
    static func hints(_ state: AppState) -> String {
        let map = state.keyMap
        // Over the list, the hints are the overlay's own: what works here, nothing that does not.
        func pairs(_ context: KeyContext, _ items: [(Action, String)]) -> String {
            items.map { map.label($0.0, in: context) + " " + $0.1 }.filter { !$0.hasPrefix(" ") }.joined(separator: "  ")
        }
        switch state.keyContext {
        case .help: return pairs(.help, [(.back, "close the help")])
        case .shiftOffer: return pairs(.shiftOffer, [(.accept, "start the shift"), (.decline, "work without a shift")])
        case .handovers:
            return "\(map.label(.down, in: .handovers))/\(map.label(.up, in: .handovers)) scroll\(ShiftScreen.handoverPosition(state))  "
                + pairs(.handovers, [(.pageDown, "page"), (.acknowledge, "acknowledge"), (.back, "later")])
        case .shiftPanel:
            return pairs(.shiftPanel, state.onShift == true ? [(.endShift, "end your shift"), (.postRoster, "post the roster"), (.back, "close")]
                                                          : [(.startShift, "start a shift"), (.postRoster, "post the roster"), (.back, "close")])
        case .reports: return pairs(.reports, [(.reload, "count again now"), (.back, "close")])
        default: break
        }
        if state.conversation != nil {
            func key(_ action: Action) -> String { map.label(action, in: .conversation) }
            return "\(key(.down))/\(key(.up)) scroll  \(key(.first))/\(key(.last)) top/end  \(key(.back)) back  \(key(.help)) keys"
        }
        func key(_ action: Action) -> String { map.label(action, in: .queue) }
        if !state.selection.isEmpty {
            return "\(state.selection.count) selected  \(key(.select)) pick  \(key(.apply)) then an action  \(key(.back)) none"
        }
        return "\(key(.down))/\(key(.up)) move  \(key(.open)) open  \(key(.nextView)) views  \(key(.search)) search  "
            + "\(key(.help)) keys  \(key(.quit)) quit"
    }
}
