import Foundation

/// Reads one triage rule (`when` conditions, `then` actions) and checks it against the config.
enum RuleReader {
    static let conditionKeys = ["text_contains", "text_matches", "channel", "author", "followers_at_least", "verified",
                                "sentiment_at_most", "kind", "lang", "has_tag"]
    static let actionKeys = ["add_priority", "priority_floor", "tag", "assign_team", "escalate", "spam", "sla_minutes"]
    public static let kinds = ["question", "complaint", "praise", "idea", "spam", "other"]

    static func read(_ node: JSONNode, _ path: String, _ config: Config, _ r: inout ConfigReader) -> Rule? {
        guard let f = r.fields(node, path, allowed: ["name", "when", "then"], required: ["name", "when", "then"]),
              let name = f["name"].flatMap({ r.string($0, path + ".name") }),
              let whenNode = f["when"], let thenNode = f["then"]
        else { return nil }
        var when = RuleConditions()
        let wp = path + ".when"
        if let w = r.fields(whenNode, wp, allowed: conditionKeys) {
            if w.isEmpty { r.problem(whenNode, wp, "needs at least one condition") }
            if let n = w["text_contains"] { when.textContains = r.strings(n, wp + ".text_contains") ?? [] }
            if let n = w["text_matches"], let pattern = r.string(n, wp + ".text_matches") {
                do {
                    _ = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
                    when.textMatches = pattern
                } catch {
                    r.problem(n, wp + ".text_matches", "not a valid regular expression: \(pattern)")
                }
            }
            if let n = w["channel"] {
                when.channels = (r.strings(n, wp + ".channel") ?? []).filter {
                    ConfigLoader.checkChannel($0, n, wp + ".channel", config, &r)
                }
            }
            if let n = w["author"] { when.authors = r.strings(n, wp + ".author") ?? [] }
            if let n = w["followers_at_least"] { when.followersAtLeast = r.int(n, wp + ".followers_at_least", in: 0...Int(Int32.max)) }
            if let n = w["verified"] { when.verified = r.bool(n, wp + ".verified") }
            if let n = w["sentiment_at_most"] { when.sentimentAtMost = r.double(n, wp + ".sentiment_at_most", in: -1...1) }
            if let n = w["kind"] {
                for kind in r.strings(n, wp + ".kind") ?? [] {
                    if kinds.contains(kind) { when.kinds.append(kind) } else {
                        r.problem(n, wp + ".kind", "\"\(kind)\" is not a kind: use \(kinds.joined(separator: ", "))")
                    }
                }
            }
            if let n = w["lang"] { when.languages = r.strings(n, wp + ".lang") ?? [] }
            if let n = w["has_tag"] { when.hasTag = r.strings(n, wp + ".has_tag") ?? [] }
        }
        var then = RuleActions()
        let tp = path + ".then"
        if let t = r.fields(thenNode, tp, allowed: actionKeys) {
            if t.isEmpty { r.problem(thenNode, tp, "needs at least one action") }
            if let n = t["add_priority"] { then.addPriority = r.int(n, tp + ".add_priority", in: -100...100) }
            if let n = t["priority_floor"] { then.priorityFloor = r.int(n, tp + ".priority_floor", in: 0...100) }
            if let n = t["tag"] { then.tags = r.strings(n, tp + ".tag") ?? [] }
            for key in ["assign_team", "escalate"] {
                guard let n = t[key], let team = r.string(n, "\(tp).\(key)") else { continue }
                if config.teams.contains(where: { $0.name == team }) {
                    if key == "assign_team" { then.assignTeam = team } else { then.escalate = team }
                } else {
                    r.problem(n, "\(tp).\(key)", "unknown team \"\(team)\" (teams are listed under \"teams\")")
                }
            }
            if let n = t["spam"] { then.spam = r.bool(n, tp + ".spam") ?? false }
            if let n = t["sla_minutes"] { then.slaMinutes = r.int(n, tp + ".sla_minutes", in: 1...(60 * 24 * 30)) }
        }
        return Rule(name: name, when: when, then: then)
    }
}
