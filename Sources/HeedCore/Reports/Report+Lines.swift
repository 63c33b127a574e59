import Foundation

/// A report as text tables for a terminal `width` wide: one table per kind of measure, a row
/// per group and the total, then the shifts, incidents and advocates. Public text is sanitised.
extension Report {
    public func lines(width: Int = 80) -> [String] {
        var out = [DisplayWidth.truncate("report \(stamp(since)) – \(stamp(until)), by \(by.rawValue)", to: width)]
        if businessHoursOnly { out.append("times count business hours only, as the SLA does") }
        let rows = groups.count > 1 ? groups + [Group(key: "total", measures: total)] : [Group(key: "total", measures: total)]
        let table = { (title: String, headers: [String], cells: (ReportMeasures) -> [String]) in
            out.append("")
            out += Self.table(title: title, headers: headers, rows: rows.map { ($0.key, cells($0.measures)) }, width: width)
        }
        table("Heard", ["in", "opened", "answered", "their channel", "spam", "resolved", "open"]) { m in
            let h = m.heard
            return [String(h.mentionsIn), String(h.opened), Self.withShare(h.answered, h.shareAnswered), Self.withShare(h.answeredOnTheirChannel, h.shareOnTheirChannel),
                    String(h.unansweredSpam), String(h.unansweredResolved), String(h.unansweredOpen)]
        }
        table("Responsiveness", ["1st reply", "p90", "resolved in", "p90", "SLA met", "breached", "late by"]) { m in
            let r = m.responsiveness
            return [Self.age(r.firstResponse.medianMs), Self.age(r.firstResponse.p90Ms), Self.age(r.resolution.medianMs), Self.age(r.resolution.p90Ms),
                    String(r.slaMet), String(r.slaBreached), Self.age(r.breachedLateMedianMs)]
        }
        if !total.responsiveness.sla.isEmpty {
            out.append("")
            out += Self.table(title: "SLA by urgency", headers: Self.slaHeaders, rows: slaRows, width: width)
        }
        table("Dialogue", ["answered", "two-way", "thanks", "repeat 7d"]) { m in
            [String(m.heard.answered), String(m.dialogue.twoWay), String(m.dialogue.closedWithThanks), String(m.dialogue.repeatWithin7Days)]
        }
        table("Mood", ["measured", "before", "after", "shift", "detractors", "turned"]) { m in
            [String(m.mood.measured), Self.signed(m.mood.before), Self.signed(m.mood.after), Self.signed(m.mood.shift),
             String(m.mood.detractors), String(m.mood.turned)]
        }
        table("Advocates", ["praised 2+", "new", "defenders"]) { m in
            [String(m.advocates.praisedTwice), String(m.advocates.new), String(m.advocates.defenders)]
        }
        table("Ideas", ["received", "tagged", "to a team", "answered"]) { m in
            [String(m.ideas.received), String(m.ideas.tagged), String(m.ideas.passedToTeam), String(m.ideas.closedWithAnswer)]
        }
        if !shifts.isEmpty {
            out += ["", "Shifts"]
            for line in shifts {
                out.append(DisplayWidth.truncate("  \(line.shift) \(DisplayText(untrusted: line.operator).string) \(stamp(line.startedAt)) – "
                    + (line.endedAt.map(stamp) ?? "on now") + (line.introPosted ? ", intro posted" : ", no intro"), to: width))
                out.append(DisplayWidth.truncate("    handled \(line.handled), replied \(line.replied), 1st reply \(Self.age(line.medianFirstResponseMs)), handover "
                    + (line.handoverAcknowledgedAfterMs.map { "acknowledged in \(Age.span(milliseconds: $0))" } ?? "not acknowledged"), to: width))
            }
        }
        if !incidents.isEmpty {
            out += ["", "Incidents"]
            for line in incidents {
                out.append(DisplayWidth.truncate("  \(line.id) \(DisplayText(untrusted: line.title).string) from \(stamp(line.startedAt)): "
                    + "\(line.complaints) complaints, " + (line.firstPostAfterMs.map { "our first post after \(Age.span(milliseconds: $0)), "
                    + "\(line.complaintsAfterPost) complaints after it" } ?? "no post of ours"), to: width))
            }
        }
        if !suggestedAdvocates.isEmpty {
            let names = suggestedAdvocates.prefix(10).map { "\(DisplayText(untrusted: $0.handle).string) (\($0.praise))" }
            out += ["", DisplayWidth.truncate("Advocates to tag (heed contact tag CHANNEL:HANDLE +advocate): " + names.joined(separator: ", ")
                + (suggestedAdvocates.count > 10 ? ", … \(suggestedAdvocates.count - 10) more" : ""), to: width)]
        }
        return out
    }

    /// A table that fits `width`: the key column takes what the numbers leave.
    static func table(title: String, headers: [String], rows: [(key: String, cells: [String])], width: Int) -> [String] {
        let widths = headers.indices.map { column in rows.reduce(headers[column].count) { max($0, $1.cells[column].count) } }
        let numbers = widths.reduce(0) { $0 + $1 + 2 }
        let keyWidth = max(6, min(max(title.count, rows.map { DisplayWidth.of($0.key) }.max() ?? 0), width - numbers))
        func line(_ key: String, _ cells: [String]) -> String {
            DisplayWidth.fit(DisplayText(untrusted: key).string, to: keyWidth)
                + zip(cells, widths).map { String(repeating: " ", count: $1 - $0.count + 2) + $0 }.joined()
        }
        return [line(title, headers)] + rows.map { line($0.key, $0.cells) }
    }

    static let slaHeaders = ["target", "conversations", "met", "breached", "late by"]

    /// The total's SLA, a row per urgency and target, the most urgent first.
    var slaRows: [(key: String, cells: [String])] {
        total.responsiveness.sla.map { line in
            (line.urgency ?? "(not judged)", ["\(line.targetMinutes)m", String(line.conversations), String(line.met), String(line.breached),
                                              Self.age(line.medianLateMs)])
        }
    }

    // How the text tables write their figures; the screen's Reports view writes them the same way.

    /// A count and its share: `12 75%`.
    public static func withShare(_ value: Int, _ share: Double?) -> String {
        share.map { "\(value) \(Int(($0 * 100).rounded()))%" } ?? String(value)
    }

    /// A measured span (`1h10m`), or `–` when there is none.
    public static func age(_ ms: Int64?) -> String { ms.map { Age.span(milliseconds: $0) } ?? "–" }

    /// A sentiment or its shift, signed to two decimals, or `–`.
    public static func signed(_ value: Double?) -> String { value.map { String(format: "%+.2f", $0) } ?? "–" }

    /// A time of the report in the config's zone, as the other commands print times.
    func stamp(_ rfc3339: String) -> String {
        RFC3339.milliseconds(from: rfc3339).map { ShiftClock.stamp($0, timeZone: timeZone) } ?? rfc3339
    }
}
