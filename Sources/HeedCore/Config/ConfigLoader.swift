import Foundation

/// Reads and validates a config file: every problem is reported with its line and JSON path.
public enum ConfigLoader {
    static let topLevelKeys = [
        "brand", "cache", "timezone", "accounts", "help_accounts", "channels", "operators", "teams", "sla",
        "business_hours", "canned_replies", "macros", "rules", "keys", "delivery", "views", "undo_seconds", "claims",
        "presence", "shifts", "hooks", "triage", "watch", "backup", "retention",
    ]

    /// Parses config text; `file` is only used in messages.
    public static func parse(_ text: String, file: String) -> Result<Config, ConfigError> {
        let root: JSONNode
        do {
            root = try JSONParser.parse(text)
        } catch {
            return .failure(ConfigError(problems: [ConfigProblem(file: file, line: error.line, path: "", message: "not valid JSON: \(error.reason) (column \(error.column))")]))
        }
        var reader = ConfigReader(file: file)
        let config = read(root, &reader)
        return reader.problems.isEmpty ? .success(config) : .failure(ConfigError(problems: reader.problems))
    }

    /// Reads the file at `path`; a missing or unreadable file is itself a problem.
    public static func load(path: String) -> Result<Config, ConfigError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ConfigError(problems: [ConfigProblem(file: path, line: 0, path: "", message: "cannot read the file")]))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(ConfigError(problems: [ConfigProblem(file: path, line: 0, path: "", message: "not UTF-8 text")]))
        }
        return parse(text, file: path)
    }

    private static func read(_ root: JSONNode, _ r: inout ConfigReader) -> Config {
        var config = Config()
        config.scoring = ScoringFingerprint(root: root)
        guard let top = r.fields(root, "", allowed: topLevelKeys) else { return config }
        if let node = top["brand"], let v = r.string(node, "brand") { config.brand = v }
        if let node = top["cache"], let v = r.string(node, "cache") { config.cache = v }
        if let node = top["timezone"] { config.timeZone = timeZone(node, "timezone", &r) ?? config.timeZone }
        if let node = top["channels"], let names = r.strings(node, "channels") {
            for name in names where Config.builtInChannels.contains(name) || !isChannelName(name) {
                r.problem(node, "channels", "\"\(name)\" is built in or not a valid channel name (lowercase letters, digits, - and _)")
            }
            config.extraChannels = names.filter { !Config.builtInChannels.contains($0) && isChannelName($0) }
        }
        if let node = top["accounts"], let entries = r.map(node, "accounts") {
            for entry in entries {
                guard checkChannel(entry.key, entry.value, entry.path, config, &r), let items = r.array(entry.value, entry.path) else { continue }
                var handles: [String] = []
                for item in items {
                    if case .object = item.value.value {
                        guard let account = AccountReader.read(item.value, item.path, channel: entry.key, &r) else { continue }
                        handles.append(account.handle)
                        config.connectedAccounts.append(account)
                    } else if let handle = r.string(item.value, item.path) {
                        handles.append(handle)
                    }
                }
                config.accounts[entry.key] = handles
            }
            var names = Set<String>()
            for account in config.connectedAccounts where !names.insert(account.name).inserted {
                r.problem(node, "accounts", "two accounts are named \"\(account.name)\": each needs a name of its own")
            }
        }
        if let node = top["help_accounts"], let items = r.array(node, "help_accounts") {
            for item in items {
                guard let f = r.fields(item.value, item.path, allowed: ["channel", "account"], required: ["channel", "account"]),
                      let channel = f["channel"].flatMap({ r.string($0, item.path + ".channel") }),
                      let account = f["account"].flatMap({ r.string($0, item.path + ".account") })
                else { continue }
                if checkChannel(channel, f["channel"]!, item.path + ".channel", config, &r) {
                    config.helpAccounts.append(ChannelAccount(channel: channel, account: account))
                }
            }
        }
        if let node = top["teams"], let items = r.array(node, "teams") {
            for item in items { if let team = readTeam(item.value, item.path, &r) { config.teams.append(team) } }
            reportDuplicates(config.teams.map(\.name), items, "name", &r)
        }
        if let node = top["operators"], let items = r.array(node, "operators") {
            for item in items {
                if let op = readOperator(item.value, item.path, config, &r) { config.operators.append(op) }
            }
            reportDuplicates(config.operators.map(\.handle), items, "handle", &r)
            reportDuplicates(config.operators.compactMap(\.unixUser), items.filter { $0.value["unix_user"] != nil }, "unix_user", &r)
        }
        if let node = top["sla"] { config.sla = readSLA(node, "sla", config, &r) }
        if let node = top["business_hours"] { config.businessHours = readBusinessHours(node, "business_hours", &r) }
        if let node = top["canned_replies"], let items = r.array(node, "canned_replies") {
            for item in items {
                guard let f = r.fields(item.value, item.path, allowed: ["name", "text"], required: ["name", "text"]),
                      let name = f["name"].flatMap({ r.string($0, item.path + ".name") }),
                      let text = f["text"].flatMap({ r.string($0, item.path + ".text") })
                else { continue }
                checkTemplate(text, f["text"]!, item.path + ".text", allowed: CannedReply.variables, &r)
                config.cannedReplies.append(CannedReply(name: name, text: text))
            }
            reportDuplicates(config.cannedReplies.map(\.name), items, "name", &r)
        }
        if let node = top["rules"], let items = r.array(node, "rules") {
            for item in items { if let rule = RuleReader.read(item.value, item.path, config, &r) { config.rules.append(rule) } }
        }
        if let node = top["keys"], let entries = r.map(node, "keys") {
            for entry in entries {
                guard let key = r.string(entry.value, entry.path) else { continue }
                guard Action(rawValue: entry.key) != nil, entry.key != Action.view.rawValue else {
                    let names = Action.allCases.filter { $0 != .view }.map(\.rawValue)
                    let near = Spelling.closest(to: entry.key.replacingOccurrences(of: "_", with: "-"), in: names)
                    r.problem(entry.value, entry.path, "no action \"\(entry.key)\" to bind" + (near.map { " (did you mean \"\($0)\"?)" } ?? "")
                        + ": the actions are " + names.joined(separator: ", "))
                    continue
                }
                if KeySpec.parse(key) != nil {
                    config.keys[entry.key] = key
                } else {
                    r.problem(entry.value, entry.path, Self.notAKey(key))
                }
            }
        }
        if let node = top["delivery"] { config.delivery = readDelivery(node, "delivery", config, &r) }
        if let node = top["views"], let items = r.array(node, "views") {
            for item in items {
                guard let f = r.fields(item.value, item.path, allowed: ["name", "query", "key"], required: ["name", "query"]),
                      let name = f["name"].flatMap({ r.string($0, item.path + ".name") }),
                      let query = f["query"].flatMap({ r.string($0, item.path + ".query") })
                else { continue }
                var key: String?
                if let node = f["key"], let k = r.string(node, item.path + ".key") {
                    if KeySpec.parse(k) != nil { key = k } else { r.problem(node, item.path + ".key", Self.notAKey(k)) }
                }
                config.views.append(SavedView(name: name, query: query, key: key))
            }
            reportDuplicates(config.views.map(\.name), items, "name", &r)
        }
        if let node = top["macros"], let items = r.array(node, "macros") {
            for item in items { if let macro = readMacro(item.value, item.path, config, &r) { config.macros.append(macro) } }
            reportDuplicates(config.macros.map(\.name), items, "name", &r)
        }
        // Keys taken together: one key, one thing to do.
        if let node = top["keys"] ?? top["views"] ?? top["macros"] {
            let macros = config.macros.compactMap { macro in macro.key.flatMap(KeySpec.parse).map { (name: macro.name, key: $0) } }
            let views = config.views.compactMap { view in view.key.flatMap(KeySpec.parse).map { (name: view.name, key: $0) } }
            for conflict in KeyMap.conflicts(overrides: config.keys, macros: macros, views: views) { r.problem(node, "keys", conflict) }
        }
        if let node = top["watch"], let folder = r.string(node, "watch") { config.watchFolder = Workspace.expandingHome(folder) }
        if let node = top["backup"] { config.backup = readBackup(node, "backup", &r) }
        if let node = top["retention"], let f = r.fields(node, "retention", allowed: ["days", "channels"]) {
            var policy = RetentionPolicy()
            if let n = f["days"] { policy.days = r.int(n, "retention.days", in: 1...36_500) }
            if let n = f["channels"], let entries = r.map(n, "retention.channels") {
                for entry in entries where checkChannel(entry.key, entry.value, entry.path, config, &r) {
                    if let days = r.int(entry.value, entry.path, in: 1...36_500) { policy.channels[entry.key] = days }
                }
            }
            config.retention = policy
        }
        if let node = top["undo_seconds"], let v = r.int(node, "undo_seconds", in: 0...600) { config.undoSeconds = v }
        if let node = top["claims"], let f = r.fields(node, "claims", allowed: ["expiry_seconds", "lead_only_takeover"]) {
            if let n = f["expiry_seconds"], let v = r.int(n, "claims.expiry_seconds", in: 10...3600) { config.claimSeconds = v }
            if let n = f["lead_only_takeover"], let v = r.bool(n, "claims.lead_only_takeover") { config.leadOnlyTakeover = v }
        }
        if let node = top["presence"], let f = r.fields(node, "presence", allowed: ["away_after_minutes"]) {
            if let n = f["away_after_minutes"], let v = r.int(n, "presence.away_after_minutes", in: 1...1440) { config.awayAfterMinutes = v }
        }
        if let node = top["shifts"], let f = r.fields(node, "shifts", allowed: ["max_hours", "sign_off"]) {
            if let n = f["max_hours"], let v = r.int(n, "shifts.max_hours", in: 1...48) { config.maxShiftHours = v }
            if let n = f["sign_off"], let v = r.string(n, "shifts.sign_off") {
                checkTemplate(v, n, "shifts.sign_off", allowed: Operator.introVariables, &r)
                config.signOff = v
            }
        }
        if let node = top["triage"] { config.triage = TriageReader.read(node, "triage", config, &r) }
        if let node = top["hooks"], let f = r.fields(node, "hooks", allowed: ["after_ingest"]) {
            if let n = f["after_ingest"] { config.afterIngestHook = readProgram(n, "hooks.after_ingest", &r) }
        }
        return config
    }

    static func readBackup(_ node: JSONNode, _ path: String, _ r: inout ConfigReader) -> BackupSchedule? {
        guard let f = r.fields(node, path, allowed: ["every", "keep", "folder"], required: ["folder"]),
              let folder = f["folder"].flatMap({ r.string($0, path + ".folder") }) else { return nil }
        var schedule = BackupSchedule(folder: Workspace.expandingHome(folder))
        if let n = f["every"], let text = r.string(n, path + ".every") {
            if let every = Query.duration(text), every >= 60_000 {
                schedule.everyMilliseconds = every
            } else {
                r.problem(n, path + ".every", "\"\(text)\" is not a time of a minute or more (such as \"30m\", \"6h\", \"1d\")")
            }
        }
        if let n = f["keep"], let keep = r.int(n, path + ".keep", in: 1...10_000) { schedule.keep = keep }
        return schedule
    }

    static func isChannelName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    @discardableResult
    static func checkChannel(_ name: String, _ node: JSONNode, _ path: String, _ config: Config, _ r: inout ConfigReader) -> Bool {
        if config.isKnownChannel(name) { return true }
        let hint = Spelling.closest(to: name, in: config.channels).map { " (did you mean \"\($0)\"?)" } ?? ""
        r.problem(node, path, "unknown channel \"\(name)\"\(hint); known: \(config.channels.joined(separator: ", ")) (add others under \"channels\")")
        return false
    }

    static func timeZone(_ node: JSONNode, _ path: String, _ r: inout ConfigReader) -> String? {
        guard let name = r.string(node, path) else { return nil }
        guard TimeZone(identifier: name) != nil else {
            r.problem(node, path, "unknown time zone \"\(name)\" (use an IANA name such as \"Europe/London\")")
            return nil
        }
        return name
    }

    /// Reports `{names}` in a template that heed cannot fill.
    static func checkTemplate(_ text: String, _ node: JSONNode, _ path: String, allowed: [String], _ r: inout ConfigReader) {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            if !allowed.contains(name) {
                r.problem(node, path, "unknown variable {\(name)}; available: \(allowed.map { "{\($0)}" }.joined(separator: ", "))")
            }
            rest = rest[rest.index(after: close)...]
        }
    }

    private static func reportDuplicates(_ names: [String], _ items: [(path: String, value: JSONNode)], _ key: String, _ r: inout ConfigReader) {
        var seen = Set<String>()
        for (index, name) in names.enumerated() where !seen.insert(name).inserted {
            let item = items.first { $0.value[key]?.string == name && $0.path != items[0].path } ?? items[min(index, items.count - 1)]
            r.problem(item.value, item.path + "." + key, "\"\(name)\" is used twice")
        }
    }

    private static func readTeam(_ node: JSONNode, _ path: String, _ r: inout ConfigReader) -> Team? {
        guard let f = r.fields(node, path, allowed: ["name", "description", "contact"], required: ["name"]),
              let name = f["name"].flatMap({ r.string($0, path + ".name") })
        else { return nil }
        return Team(name: name,
                    description: f["description"].flatMap { r.string($0, path + ".description") },
                    contact: f["contact"].flatMap { r.string($0, path + ".contact") })
    }

    private static func readOperator(_ node: JSONNode, _ path: String, _ config: Config, _ r: inout ConfigReader) -> Operator? {
        guard let f = r.fields(node, path, allowed: ["handle", "name", "unix_user", "role", "signature", "intro", "teams", "max_assigned", "timezone"],
                               required: ["handle", "name"]),
              let handle = f["handle"].flatMap({ r.string($0, path + ".handle") }),
              let name = f["name"].flatMap({ r.string($0, path + ".name") })
        else { return nil }
        if !isChannelName(handle) {
            r.problem(f["handle"]!, path + ".handle", "\"\(handle)\" must be lowercase letters, digits, - or _ (it is typed in commands)")
        }
        let role = f["role"].map { r.choice($0, path + ".role", Role.self) } ?? .agent
        let teams = f["teams"].flatMap { r.strings($0, path + ".teams") } ?? []
        for team in teams where !config.teams.contains(where: { $0.name == team }) {
            r.problem(f["teams"]!, path + ".teams", "unknown team \"\(team)\" (teams are listed under \"teams\")")
        }
        let intro = f["intro"].flatMap { r.string($0, path + ".intro") }
        if let intro { checkTemplate(intro, f["intro"]!, path + ".intro", allowed: Operator.introVariables, &r) }
        return Operator(handle: handle, name: name,
                        unixUser: f["unix_user"].flatMap { r.string($0, path + ".unix_user") },
                        role: role ?? .agent,
                        signature: f["signature"].flatMap { r.string($0, path + ".signature") } ?? "",
                        intro: intro, teams: teams,
                        maxAssigned: f["max_assigned"].flatMap { r.int($0, path + ".max_assigned", in: 1...10_000) },
                        timeZone: f["timezone"].flatMap { timeZone($0, path + ".timezone", &r) })
    }

    private static func urgencyMinutes(_ node: JSONNode, _ path: String, _ r: inout ConfigReader) -> [Urgency: Int] {
        guard let f = r.fields(node, path, allowed: Urgency.allCases.map(\.rawValue)) else { return [:] }
        var result: [Urgency: Int] = [:]
        for urgency in Urgency.allCases {
            if let n = f[urgency.rawValue], let v = r.int(n, "\(path).\(urgency.rawValue)", in: 1...(60 * 24 * 30)) { result[urgency] = v }
        }
        return result
    }

    private static func readSLA(_ node: JSONNode, _ path: String, _ config: Config, _ r: inout ConfigReader) -> SLATargets {
        var sla = SLATargets()
        guard let f = r.fields(node, path, allowed: ["minutes", "channels", "business_hours_only"]) else { return sla }
        if let n = f["minutes"] { sla.minutes.merge(urgencyMinutes(n, path + ".minutes", &r)) { $1 } }
        if let n = f["channels"], let entries = r.map(n, path + ".channels") {
            for entry in entries where checkChannel(entry.key, entry.value, entry.path, config, &r) {
                sla.channels[entry.key] = urgencyMinutes(entry.value, entry.path, &r)
            }
        }
        if let n = f["business_hours_only"], let v = r.bool(n, path + ".business_hours_only") { sla.businessHoursOnly = v }
        return sla
    }

    private static func readBusinessHours(_ node: JSONNode, _ path: String, _ r: inout ConfigReader) -> BusinessHours? {
        guard let f = r.fields(node, path, allowed: ["timezone", "days", "holidays"], required: ["days"]) else { return nil }
        var hours = BusinessHours(timeZone: "UTC", days: [:], holidays: [])
        if let n = f["timezone"], let zone = timeZone(n, path + ".timezone", &r) { hours.timeZone = zone }
        if let n = f["days"], let entries = r.map(n, path + ".days") {
            for entry in entries {
                guard let day = BusinessHours.Weekday(rawValue: entry.key) else {
                    r.problem(entry.value, entry.path, "\"\(entry.key)\" is not a day: use mon, tue, wed, thu, fri, sat, sun")
                    continue
                }
                guard let text = r.string(entry.value, entry.path) else { continue }
                guard let span = parseSpan(text) else {
                    r.problem(entry.value, entry.path, "\"\(text)\" is not a span of hours like \"08:00-20:00\"")
                    continue
                }
                hours.days[day] = span
            }
        }
        if let n = f["holidays"], let dates = r.strings(n, path + ".holidays") {
            for date in dates {
                if RFC3339.milliseconds(from: date + "T00:00:00Z") == nil {
                    r.problem(n, path + ".holidays", "\"\(date)\" is not a date like \"2026-12-25\"")
                } else {
                    hours.holidays.append(date)
                }
            }
        }
        return hours
    }

    /// "08:00-20:00" → minutes after midnight; "00:00-24:00" is a whole day.
    static func parseSpan(_ text: String) -> BusinessHours.Span? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let start = minutes(parts[0]), let end = minutes(parts[1]), start < end else { return nil }
        return BusinessHours.Span(start: start, end: end)
    }

    /// "HH:MM" → minutes after midnight (24:00 allowed as an end).
    static func minutes<S: StringProtocol>(_ text: S) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440
        else { return nil }
        return h * 60 + m
    }

    static func readProgram(_ node: JSONNode, _ path: String, _ r: inout ConfigReader) -> Program? {
        guard let f = r.fields(node, path, allowed: ["program", "args", "timeout_seconds"], required: ["program"]),
              let program = f["program"].flatMap({ r.string($0, path + ".program") })
        else { return nil }
        if !program.hasPrefix("/") && program.contains("/") {
            r.problem(f["program"]!, path + ".program", "use an absolute path or a bare program name found on PATH")
        }
        return Program(path: program,
                       arguments: f["args"].flatMap { r.strings($0, path + ".args") } ?? [],
                       timeoutSeconds: f["timeout_seconds"].flatMap { r.int($0, path + ".timeout_seconds", in: 1...3600) } ?? 30)
    }

    private static func readAdapter(_ node: JSONNode, _ path: String, _ r: inout ConfigReader) -> DeliveryAdapter? {
        guard let f = r.fields(node, path, allowed: ["adapter", "folder", "program", "args", "timeout_seconds"], required: ["adapter"]),
              let kind = f["adapter"].flatMap({ r.string($0, path + ".adapter") })
        else { return nil }
        switch kind {
        case "spool":
            for key in ["program", "args", "timeout_seconds"] where f[key] != nil {
                r.problem(f[key]!, "\(path).\(key)", "only a \"command\" adapter takes \"\(key)\"")
            }
            guard let folderNode = f["folder"] else {
                r.problem(node, path, "a \"spool\" adapter needs \"folder\"")
                return nil
            }
            return r.string(folderNode, path + ".folder").map { .spool(folder: $0) }
        case "command":
            if let folder = f["folder"] { r.problem(folder, path + ".folder", "only a \"spool\" adapter takes \"folder\"") }
            var programFields = JSONNode(.object([]), line: node.line)
            if case .object(let members) = node.value {
                programFields.value = .object(members.filter { $0.key != "adapter" && $0.key != "folder" })
            }
            return readProgram(programFields, path, &r).map { .command($0) }
        default:
            r.problem(f["adapter"]!, path + ".adapter", "\"\(kind)\" is not an adapter: use \"spool\" or \"command\"")
            return nil
        }
    }

    /// A macro's steps must each read as an action, on operators and teams the config names.
    private static func readMacro(_ node: JSONNode, _ path: String, _ config: Config, _ r: inout ConfigReader) -> Macro? {
        guard let f = r.fields(node, path, allowed: ["name", "key", "actions"], required: ["name", "actions"]),
              let name = f["name"].flatMap({ r.string($0, path + ".name") }),
              let stepsNode = f["actions"], let steps = r.strings(stepsNode, path + ".actions")
        else { return nil }
        if steps.isEmpty { r.problem(stepsNode, path + ".actions", "a macro needs at least one action") }
        for (index, step) in steps.enumerated() {
            do {
                switch try TriageCommand.parse(step: step, now: 0) {
                case .assign(let who) where config.operator(handle: who) == nil && !config.teams.contains(where: { $0.name == who }):
                    r.problem(stepsNode, "\(path).actions[\(index)]", "\"\(step)\": no operator or team \"\(who)\"")
                case .escalate(let team, _) where !config.teams.contains(where: { $0.name == team }):
                    r.problem(stepsNode, "\(path).actions[\(index)]", "\"\(step)\": no team \"\(team)\"")
                default: break
                }
            } catch {
                r.problem(stepsNode, "\(path).actions[\(index)]", "\"\(step)\": \(error.message)")
            }
        }
        var key: String?
        if let node = f["key"], let k = r.string(node, path + ".key") {
            if KeySpec.parse(k) != nil { key = k } else { r.problem(node, path + ".key", Self.notAKey(k)) }
        }
        return Macro(name: name, steps: steps, key: key)
    }

    static func notAKey(_ text: String) -> String {
        "\"\(text)\" is not a key: use one character, C-x (Ctrl), M-x (Alt), F1…F12, Enter, Tab, BackTab, Space, Esc, Backspace, Delete, "
            + "Up, Down, Left, Right, PgUp, PgDn, Home, End"
    }

    private static func readDelivery(_ node: JSONNode, _ path: String, _ config: Config, _ r: inout ConfigReader) -> DeliveryConfig {
        var delivery = DeliveryConfig()
        guard let f = r.fields(node, path, allowed: ["default", "channels"]) else { return delivery }
        if let n = f["default"], let adapter = readAdapter(n, path + ".default", &r) { delivery.defaultAdapter = adapter }
        if let n = f["channels"], let entries = r.map(n, path + ".channels") {
            for entry in entries where checkChannel(entry.key, entry.value, entry.path, config, &r) {
                if let adapter = readAdapter(entry.value, entry.path, &r) { delivery.channels[entry.key] = adapter }
            }
        }
        return delivery
    }
}

extension Operator {
    /// Variables an intro or sign-off template may use.
    public static let introVariables = ["name", "first_name", "until", "signature", "team"]
}

extension CannedReply {
    /// Variables a canned reply may use.
    public static let variables = ["first_name", "handle", "operator", "signature", "incident", "case"]
}
