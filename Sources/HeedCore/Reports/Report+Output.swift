import Foundation

/// A report as JSON, CSV and text tables.
extension Report {
    public var json: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// The measures' columns, in the order the CSV and the text tables give them: name and value.
    static func columns(_ m: ReportMeasures) -> [(section: String, name: String, value: String)] {
        let h = m.heard, r = m.responsiveness, d = m.dialogue, mood = m.mood
        return [
            ("heard", "mentions_in", n(h.mentionsIn)), ("heard", "opened", n(h.opened)), ("heard", "answered", n(h.answered)),
            ("heard", "share_answered", share(h.shareAnswered)), ("heard", "answered_on_their_channel", n(h.answeredOnTheirChannel)),
            ("heard", "share_on_their_channel", share(h.shareOnTheirChannel)), ("heard", "unanswered_spam", n(h.unansweredSpam)),
            ("heard", "unanswered_resolved", n(h.unansweredResolved)), ("heard", "unanswered_open", n(h.unansweredOpen)),
            ("responsiveness", "first_response_median_s", seconds(r.firstResponse.medianMs)),
            ("responsiveness", "first_response_p90_s", seconds(r.firstResponse.p90Ms)),
            ("responsiveness", "resolution_median_s", seconds(r.resolution.medianMs)), ("responsiveness", "resolution_p90_s", seconds(r.resolution.p90Ms)),
            ("responsiveness", "sla_met", n(r.slaMet)), ("responsiveness", "sla_breached", n(r.slaBreached)),
            ("responsiveness", "sla_late_median_s", seconds(r.breachedLateMedianMs)),
            ("dialogue", "two_way", n(d.twoWay)), ("dialogue", "closed_with_thanks", n(d.closedWithThanks)),
            ("dialogue", "repeat_within_7_days", n(d.repeatWithin7Days)),
            ("mood", "measured", n(mood.measured)), ("mood", "before", decimal(mood.before)), ("mood", "after", decimal(mood.after)),
            ("mood", "shift", decimal(mood.shift)), ("mood", "detractors", n(mood.detractors)), ("mood", "turned", n(mood.turned)),
            ("advocates", "praised_twice", n(m.advocates.praisedTwice)), ("advocates", "new", n(m.advocates.new)),
            ("advocates", "defenders", n(m.advocates.defenders)),
            ("ideas", "received", n(m.ideas.received)), ("ideas", "tagged", n(m.ideas.tagged)), ("ideas", "passed_to_team", n(m.ideas.passedToTeam)),
            ("ideas", "closed_with_answer", n(m.ideas.closedWithAnswer)),
        ]
    }

    /// One row per group and a total row; numbers as numbers, text cells safe from spreadsheets.
    /// The SLA columns sum every target; the JSON has them per target.
    public var csv: String {
        let header = ["group"] + Self.columns(total).map { "\($0.section).\($0.name)" }
        var lines = [header.joined(separator: ",")]
        for group in groups + [Group(key: "total", measures: total)] {
            lines.append(([CSVCell.escape(group.key)] + Self.columns(group.measures).map(\.value)).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func n(_ value: Int) -> String { String(value) }
    private static func share(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "" }
    private static func seconds(_ ms: Int64?) -> String { ms.map { String($0 / 1000) } ?? "" }
    private static func decimal(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "" }
}
