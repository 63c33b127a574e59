/// Reads the config's `triage` section: weights, urgency keywords, channel weights and windows.
enum TriageReader {
    static let keys = ["weights", "keywords", "replace_keywords", "channel_weights", "repeat_window_hours", "spam_threshold", "incidents"]

    static func read(_ node: JSONNode, _ path: String, _ config: Config, _ r: inout ConfigReader) -> TriageSettings {
        var settings = TriageSettings()
        guard let f = r.fields(node, path, allowed: keys) else { return settings }
        if let n = f["weights"], let entries = r.map(n, path + ".weights") {
            for entry in entries {
                guard TriageWeights.names.contains(entry.key) else {
                    let hint = Spelling.closest(to: entry.key, in: TriageWeights.names).map { " (did you mean \"\($0)\"?)" } ?? ""
                    r.problem(entry.value, entry.path, "unknown weight \"\(entry.key)\"\(hint); known: \(TriageWeights.names.joined(separator: ", "))")
                    continue
                }
                if let v = r.double(entry.value, entry.path, in: -100...100) { settings.weights[name: entry.key] = v }
            }
        }
        let replace = f["replace_keywords"].flatMap { r.bool($0, path + ".replace_keywords") } ?? false
        if replace { settings.keywords = [:] }
        if let n = f["keywords"], let entries = r.map(n, path + ".keywords") {
            for entry in entries {
                guard ConfigLoader.isChannelName(entry.key) else {
                    r.problem(entry.value, entry.path, "\"\(entry.key)\" is not a category name (lowercase letters, digits, - and _)")
                    continue
                }
                guard let terms = r.strings(entry.value, entry.path) else { continue }
                for term in terms where MessageTokens.words(of: term).isEmpty {
                    r.problem(entry.value, entry.path, "\"\(term)\" has no words to match")
                }
                settings.keywords[entry.key, default: []].append(contentsOf: terms)
            }
        } else if replace {
            r.problem(f["replace_keywords"]!, path + ".replace_keywords", "replaces the built-in keywords, but no \"keywords\" are given")
        }
        if let n = f["channel_weights"], let entries = r.map(n, path + ".channel_weights") {
            for entry in entries where ConfigLoader.checkChannel(entry.key, entry.value, entry.path, config, &r) {
                if let v = r.double(entry.value, entry.path, in: -100...100) { settings.channelWeights[entry.key] = v }
            }
        }
        if let n = f["repeat_window_hours"], let v = r.int(n, path + ".repeat_window_hours", in: 1...(24 * 90)) { settings.repeatWindowHours = v }
        if let n = f["spam_threshold"], let v = r.double(n, path + ".spam_threshold", in: 0.05...1) { settings.spamThreshold = v }
        if let n = f["incidents"], let i = r.fields(n, path + ".incidents", allowed: ["min_mentions", "window_minutes", "rate_factor", "quiet_minutes"]) {
            let ip = path + ".incidents"
            if let n = i["min_mentions"], let v = r.int(n, ip + ".min_mentions", in: 2...100_000) { settings.incidents.minMentions = v }
            if let n = i["window_minutes"], let v = r.int(n, ip + ".window_minutes", in: 1...1440) { settings.incidents.windowMinutes = v }
            if let n = i["rate_factor"], let v = r.double(n, ip + ".rate_factor", in: 1...1000) { settings.incidents.rateFactor = v }
            if let n = i["quiet_minutes"], let v = r.int(n, ip + ".quiet_minutes", in: 1...(60 * 24 * 7)) { settings.incidents.quietMinutes = v }
        }
        return settings
    }
}
