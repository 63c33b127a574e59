import HeedCore

/// The keys of a line or panel being written that are not editing: Enter, Esc, Tab, Ctrl-X.
extension AppState {
    mutating func promptAction(_ action: Action) -> [Effect] {
        guard var line = prompt else { return [] }
        switch action {
        case .complete:
            // Type the start of a canned reply's name, then Tab.
            if case .reply(let id, _, _) = line.purpose { return [.canned(conversation: id, prefix: line.text)] }
            if case .bulkReply = line.purpose { return [.cannedTemplate(prefix: line.text)] }
            if case .pipe(let id, let json) = line.purpose { line.purpose = .pipe(conversation: id, json: !json) }
            completeName(&line)
            prompt = line
        case .editor:
            if line.multiline { return [.editExternally(line.text)] }
        case .cancel:
            if case .reply(let id, _, _) = line.purpose { return leaveReply(&line, conversation: id) }
            prompt = nil
        case .submit:
            return submit(&line)
        default:
            break
        }
        return []
    }

    /// Enter on the line: what it was opened for, or the line kept with its fault marked.
    private mutating func submit(_ line: inout Prompt) -> [Effect] {
        switch line.purpose {
        case .intro(let until):
            // The intro and the note stay on screen until the shift has started or ended (a refusal shows on them).
            return [.startShift(intro: line.text, until: until)]
        case .handoverNote:
            // "@priya …": the conversations go to Priya (if she is on shift) instead of the pool.
            let words = line.text.split(separator: " ", maxSplits: 1)
            if let first = words.first, first.hasPrefix("@"), first.count > 1 {
                return [.endShift(note: words.count > 1 ? String(words[1]) : "", passTo: String(first.dropFirst()))]
            }
            return [.endShift(note: line.text, passTo: nil)]
        case .pipe(let id, let json):
            do {
                let words = try CommandWords.split(line.text)
                guard !words.isEmpty else { throw QueryError(position: 0, message: "type a command (less, grep -i refund, jq .mentions)") }
                prompt = nil
                lastPipe = line.text
                return [.pipe(conversation: id, json: json, command: words)]
            } catch {
                line.error = error as? QueryError
                prompt = line
                return []
            }
        case .bulkReply(let conversations):
            return line.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? [] : [.previewReplies(line.text, conversations: conversations)]
        case .reply(_, let mark, let channel):
            if let problem = ChannelLength.problem(line.text, channel: channel) {
                line.error = QueryError(position: line.text.count, message: "too long: \(problem)")
                prompt = line
                return []
            }
            // The public-reply safety net: said once; Enter again sends it on purpose.
            let risky = PrivateData.findings(line.text)
            if !risky.isEmpty && !line.warned {
                line.warned = true
                line.error = QueryError(position: 0, message: "seems to hold \(risky.joined(separator: " and ")): Enter sends it anyway; "
                    + "or Ctrl-U, move-to-dm, Tab for the direct-message reply")
                prompt = line
                return []
            }
            prompt = nil
            return [.reply(since: mark, channel: channel, text: line.text, anyway: line.warned)]
        case .action(let kind, _, _), .bulk(let kind, _):
            let command: TriageCommand
            do {
                command = try TriageCommand.parse(kind: kind, text: line.text, now: now, timeZone: timeZone)
                try checkName(in: command)
            } catch {
                line.error = error
                prompt = line
                return []
            }
            prompt = nil
            if case .action(_, let id, let version) = line.purpose { return [.perform(command, conversation: id, version: version)] }
            if case .bulk(_, let conversations) = line.purpose { return [.performAll(command, conversations: conversations)] }
            return []
        case .search:
            let text = line.text.trimmingCharacters(in: .whitespaces)
            do {
                _ = try Query.parse(text)
            } catch let error as QueryError {
                line.error = error
                prompt = line
                return []
            } catch {
                return []
            }
            prompt = nil
            search = text.isEmpty ? nil : text
            return resetList()
        }
    }

    /// Who an action names first, for Tab and the check: teams for escalate, operators and
    /// teams for assign (nothing for the others).
    private func names(forKind kind: String) -> (known: [String], what: String) {
        switch kind {
        case "escalate": (teamNames, "team")
        case "assign": (operatorHandles + teamNames, "operator or team")
        default: ([], "")
        }
    }

    /// Tab on an action's line: the first word completed to a team or operator, or the choices said.
    private func completeName(_ line: inout Prompt) {
        let kind: String
        switch line.purpose {
        case .action(let k, _, _), .bulk(let k, _): kind = k
        default: return
        }
        let candidates = names(forKind: kind).known
        guard !candidates.isEmpty else { return }
        let first = line.text.prefix { $0 != " " }
        let rest = line.text.dropFirst(first.count)
        let (completed, choices) = Spelling.complete(String(first), in: candidates)
        line.error = nil
        switch choices.count {
        case 0: line.error = QueryError(position: 0, message: "nothing starts with \"\(first)\": " + candidates.joined(separator: ", "))
        case 1: line.text = completed + (rest.isEmpty ? " " : String(rest))
        default:
            line.text = completed + rest
            line.error = QueryError(position: 0, message: choices.joined(separator: " "))
        }
        line.cursor = choices.count == 1 ? completed.count + 1 : completed.count
    }

    /// A team or operator the config does not know is caught here, with the line kept: the
    /// note after a misspelt team is not lost.
    private func checkName(in command: TriageCommand) throws(QueryError) {
        let name: String
        switch command {
        case .escalate(let team, _): name = team
        case .assign(let target): name = target
        default: return
        }
        let (known, what) = names(forKind: command.kind.rawValue)
        guard !known.isEmpty, !known.contains(name) else { return }
        let hint = Spelling.closest(to: name, in: known).map { " — \($0)?" } ?? ": " + known.joined(separator: ", ")
        throw QueryError(position: 0, message: "no \(what) \"\(name)\"\(hint) (Tab completes)")
    }

    /// Esc on a reply: nothing written, or the draft as it was kept, closes it; text of its own
    /// is never dropped without asking — y keeps it as the draft, n throws it away.
    private mutating func leaveReply(_ line: inout Prompt, conversation id: Int64) -> [Effect] {
        let empty = line.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        if line.text == line.draft || (empty && line.draft == nil) {
            prompt = nil
            if line.draft != nil { status = "the draft of #\(id) is kept: \(keyMap.label(.reply, in: .queue)) on it goes on with it" }
            return [.releaseReply(conversation: id)]
        }
        if empty {
            // Emptied on purpose: the draft goes with it.
            prompt = nil
            status = "the draft of #\(id) is thrown away"
            return [.saveDraft(conversation: id, text: ""), .releaseReply(conversation: id)]
        }
        line.leaving = true
        line.error = QueryError(position: 0, message: "keep this reply as a draft? y keeps it (\(keyMap.label(.reply, in: .queue)) on #\(id) goes on with it) · "
            + "n throws it away · Esc writes on")
        prompt = line
        return []
    }

    /// The answer to "keep this reply as a draft?".
    mutating func answerLeaving(_ key: Key) -> [Effect] {
        guard var line = prompt, case .reply(let id, _, _) = line.purpose else { return [] }
        switch key {
        case .char("y"), .char("Y"):
            prompt = nil
            status = "the draft of #\(id) is kept: \(keyMap.label(.reply, in: .queue)) on it goes on with it"
            return [.saveDraft(conversation: id, text: line.text), .releaseReply(conversation: id)]
        case .char("n"), .char("N"):
            prompt = nil
            status = "the reply to #\(id) is thrown away"
            return [.saveDraft(conversation: id, text: ""), .releaseReply(conversation: id)]
        case .escape:
            line.leaving = false
            line.error = nil
            prompt = line
        default:
            status = "y keeps the draft, n throws it away, Esc writes on"
        }
        return []
    }
}
