import HeedCore

/// Information laid into a width by its priority, never cutting a number or a name: whole
/// items or none, and text cut at a word with `…`.
enum Fit {
    /// As many of `items` as fit, in order, joined by `separator`; those left out are counted
    /// (`+2`) when `more` says how, so nothing is silently lost.
    static func items(_ items: [String], width: Int, separator: String = " ", more: ((Int) -> String)? = { "+\($0)" }) -> String {
        func joined(_ count: Int) -> String {
            let shown = items.prefix(count).joined(separator: separator)
            guard count < items.count, let more else { return shown }
            return count == 0 ? more(items.count) : shown + separator + more(items.count - count)
        }
        for count in stride(from: items.count, through: 0, by: -1) where DisplayWidth.of(joined(count)) <= width { return joined(count) }
        return ""
    }

    /// `items` joined by `separator` over lines of `width`, each item whole on one line (one
    /// wider than a line is wrapped at its words).
    static func lines(_ items: [String], width: Int, separator: String = " · ") -> [String] {
        var lines: [String] = []
        var current = ""
        for item in items {
            if current.isEmpty {
                current = item
            } else if DisplayWidth.of(current) + DisplayWidth.of(separator) + DisplayWidth.of(item) <= width {
                current += separator + item
            } else {
                lines.append(current)
                current = item
            }
            if DisplayWidth.of(current) > width {
                var wrapped = QueueScreen.wrap(current, width: width)
                current = wrapped.popLast() ?? ""
                lines += wrapped
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// One line of text in `width`: whole when it fits, else cut at a word (or inside a word
    /// longer than a third of the width) and ended with `…`.
    static func words(_ text: String, width: Int) -> String {
        guard width > 0 else { return "" }
        if DisplayWidth.of(text) <= width { return text }
        let head = DisplayWidth.truncate(text, to: width)
        let kept = head.hasSuffix("…") ? String(head.dropLast()) : head
        if let space = kept.lastIndex(of: " "), DisplayWidth.of(String(kept[space...])) <= width / 3 {
            return String(kept[..<space]).trimmingTrailingSpaces() + "…"
        }
        return kept + "…"
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
