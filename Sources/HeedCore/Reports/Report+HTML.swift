import Foundation

/// A report as one self-contained page for people who never open a terminal: the same figures
/// as the CSV and JSON (each cell carries its measure's name), bar charts drawn as inline SVG,
/// no scripts, and a content policy that lets the page fetch nothing at all.
extension Report {
    public var html: String {
        let rows = groups.count > 1 ? groups + [Group(key: "total", measures: total)] : [Group(key: "total", measures: total)]
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>heed report \(Self.escape(since)) – \(Self.escape(until))</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1d1d1f; }
            table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
            th, td { padding: 0.2em 0.7em; border-bottom: 1px solid #ddd; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            tr.total td { font-weight: bold; }
            .headline { display: flex; flex-wrap: wrap; gap: 1em; }
            .headline div { border: 1px solid #ccc; border-radius: 6px; padding: 0.6em 1em; min-width: 9em; }
            .headline b { display: block; font-size: 1.6em; }
            </style></head><body>
            <h1>Relationships, \(Self.escape(stamp(since))) – \(Self.escape(stamp(until)))</h1>
            <p>By \(by.rawValue)\(businessHoursOnly ? "; times count business hours only, as the SLA does" : ""). \
            Conversations opened in the period are followed to the day this page was made.</p>

            """
        page += headline()
        page += Self.bars(title: "Opened and answered", rows: rows.filter { $0.key != "total" },
                          series: [("opened", \.heard.opened, "#9db4d6"), ("answered", \.heard.answered, "#2f6db5")])
        let columns = Self.columns(total)
        for section in ["heard", "responsiveness", "dialogue", "mood", "advocates", "ideas"] {
            let names = columns.filter { $0.section == section }.map(\.name)
            page += "<h2>\(section.prefix(1).uppercased() + section.dropFirst())</h2>\n<table><tr><th>\(by.rawValue)</th>"
            page += names.map { "<th>\(Self.escape($0.replacingOccurrences(of: "_", with: " ")))</th>" }.joined() + "</tr>\n"
            for row in rows {
                page += "<tr\(row.key == "total" ? " class=\"total\"" : "")><td>\(Self.escape(row.key))</td>"
                for cell in Self.columns(row.measures) where cell.section == section {
                    page += "<td data-group=\"\(Self.escape(row.key))\" data-measure=\"\(section).\(cell.name)\">\(Self.escape(cell.value))</td>"
                }
                page += "</tr>\n"
            }
            page += "</table>\n"
            if section == "responsiveness" && !slaRows.isEmpty {
                page += "<h3>SLA by urgency</h3>\n<table><tr><th>urgency</th>" + Self.slaHeaders.map { "<th>\($0)</th>" }.joined() + "</tr>\n"
                for row in slaRows {
                    page += "<tr><td>\(Self.escape(row.key))</td>" + zip(Self.slaHeaders, row.cells).map { name, value in
                        "<td data-group=\"\(Self.escape(row.key))\" data-measure=\"sla.\(name.replacingOccurrences(of: " ", with: "_"))\">\(Self.escape(value))</td>"
                    }.joined() + "</tr>\n"
                }
                page += "</table>\n"
            }
        }
        if !shifts.isEmpty || !incidents.isEmpty || !suggestedAdvocates.isEmpty {
            page += "<h2>Shifts, incidents, advocates</h2>\n<ul>\n"
            page += lines(width: 10_000).drop { !$0.hasPrefix("Shifts") && !$0.hasPrefix("Incidents") && !$0.hasPrefix("Advocates to tag") }
                .filter { !$0.isEmpty }.map { "<li>\(Self.escape($0.trimmingCharacters(in: .whitespaces)))</li>\n" }.joined()
            page += "</ul>\n"
        }
        return page + "</body></html>\n"
    }

    private func headline() -> String {
        let h = total.heard, r = total.responsiveness
        let met = r.slaMet, judged = r.slaMet + r.slaBreached
        let tiles: [(String, String)] = [
            ("conversations opened", String(h.opened)),
            ("answered", h.shareAnswered.map { "\(Int(($0 * 100).rounded()))%" } ?? "–"),
            ("on their own channel", h.shareOnTheirChannel.map { "\(Int(($0 * 100).rounded()))%" } ?? "–"),
            ("median first response", r.firstResponse.medianMs.map { Age.span(milliseconds: $0) } ?? "–"),
            ("SLA met", judged == 0 ? "–" : "\(Int((Double(met) / Double(judged) * 100).rounded()))%"),
            ("two-way", h.answered == 0 ? "–" : "\(Int((Double(total.dialogue.twoWay) / Double(h.answered) * 100).rounded()))%"),
            ("mood after our answer", Self.signed(total.mood.shift)),
            ("advocates", String(total.advocates.praisedTwice)),
        ]
        return "<div class=\"headline\">" + tiles.map { "<div><b>\(Self.escape($0.1))</b>\(Self.escape($0.0))</div>" }.joined() + "</div>\n"
    }

    /// Horizontal bars, one group a line, the series side by side; scaled to the largest value.
    private static func bars(title: String, rows: [Group], series: [(name: String, value: KeyPath<ReportMeasures, Int>, colour: String)]) -> String {
        guard !rows.isEmpty else { return "" }
        let largest = max(1, rows.flatMap { row in series.map { row.measures[keyPath: $0.value] } }.max() ?? 1)
        let barHeight = 12, gap = 6, label = 160, width = 480
        let height = rows.count * (series.count * barHeight + gap) + 20
        var svg = "<h2>\(escape(title))</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(label + width + 80)\" height=\"\(height)\" role=\"img\">\n"
        for (index, row) in rows.enumerated() {
            let top = index * (series.count * barHeight + gap)
            svg += "<text x=\"0\" y=\"\(top + barHeight + 2)\" font-size=\"12\">\(escape(row.key))</text>\n"
            for (offset, one) in series.enumerated() {
                let value = row.measures[keyPath: one.value]
                let y = top + offset * barHeight
                svg += "<rect x=\"\(label)\" y=\"\(y)\" width=\"\(max(1, value * width / largest))\" height=\"\(barHeight - 2)\" fill=\"\(one.colour)\"/>"
                svg += "<text x=\"\(label + max(1, value * width / largest) + 4)\" y=\"\(y + barHeight - 3)\" font-size=\"10\">\(value) \(one.name)</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in DisplayText(untrusted: text).string {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
