import Foundation

/// Newsletter replies by e-mail, the Unix way: a Maildir that mbsync, fetchmail or offlineimap
/// fill, read (never changed) from `new/` and `cur/`; our replies handed to a
/// sendmail-compatible program (msmtp, sendmail) with `In-Reply-To` and `References`, `From`
/// the account's — run without a shell, the message on its standard input.
struct Email: Listener, Poster, AccountChecker {
    let account: ConnectedAccount
    let clock: any Clock

    /// `sendmail -t -i`: recipients from the headers, a lone dot is not the end.
    static let defaultSendmail = Program(path: "sendmail", arguments: ["-t", "-i"], timeoutSeconds: 60)

    private var folder: String { account.maildir ?? "" }

    /// Messages are taken in the order they arrived (modification time, then name); the mark is
    /// the last one taken (`TIME NAME`), so each is read once however the folder grows.
    func listen(since mark: ListenMark, known: @Sendable (String, String) -> Bool) async throws -> ListenedPage {
        var files: [(time: Int64, name: String, path: String)] = []
        for sub in ["new", "cur"] {
            let path = folder + "/" + sub
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                throw NetworkError.refused("\(path) is not a Maildir folder heed can read")
            }
            for name in names where !name.hasPrefix(".") {
                var info = stat()
                guard stat(path + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                files.append((Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec / 1_000_000), Self.baseName(name), path + "/" + name))
            }
        }
        files.sort { ($0.time, $0.name) < ($1.time, $1.name) }
        let last = mark.cursor.map(Self.parseMark)
        var page = ListenedPage(mark: mark)
        var taken = 0
        for file in files {
            if let last, (file.time, file.name) <= (last.time, last.name) { continue }
            guard taken < 500 else {
                page.more = true
                break
            }
            guard let data = FileManager.default.contents(atPath: file.path) else { continue }
            page.add([MboxFormat().record(message: ArraySlice(data), line: 1)].map { record in
                guard case .rejected(var rejection, let node) = record else { return record }
                rejection.reason = "\(file.name): \(rejection.reason)"
                return .rejected(rejection, record: node)
            })
            page.mark.cursor = "\(file.time) \(file.name)"
            taken += 1
        }
        return page
    }

    /// A Maildir name without its flags (`:2,S` changes as the mail is read).
    private static func baseName(_ name: String) -> String {
        name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
    }

    private static func parseMark(_ text: String) -> (time: Int64, name: String) {
        let parts = text.split(separator: " ", maxSplits: 1)
        return (Int64(parts.first ?? "") ?? 0, parts.count > 1 ? String(parts[1]) : "")
    }

    func send(_ post: OutgoingPost) async throws -> String {
        guard let target = post.replyTo else { throw NetworkError.refused("an e-mail needs someone to go to") }
        guard let from = account.from else { throw NetworkError.refused("the account has no \"from\" address") }
        let messageID = "heed.\(post.idempotencyKey)@" + (from.split(separator: "@").last.map(String.init) ?? "heed.invalid")
        let message = Self.message(post, to: target, from: from, messageID: messageID, date: clock.now())
        let program = account.sendmail ?? Self.defaultSendmail
        guard let output = try ChildProcess.run([program.path] + program.arguments, input: Data(message.utf8), timeout: Double(program.timeoutSeconds)) else {
            throw NetworkError.temporary("\(program.path) took longer than \(program.timeoutSeconds) s")
        }
        switch output.exit.status {
        case 0: return messageID
        case 75: throw NetworkError.temporary("\(program.path): try again later (exit 75)")
        case 127: throw NetworkError.refused("\(program.path) was not found (the account's sendmail)")
        default: throw NetworkError.refused("\(program.path) failed (exit \(output.exit.status)): \(output.lastErrorLine)")
        }
    }

    /// The reply as RFC 5322 text: threaded to the message answered, every header value cleaned
    /// of line breaks and controls (a customer's subject cannot add a header), non-ASCII encoded.
    static func message(_ post: OutgoingPost, to target: OutgoingPost.ReplyTarget, from: String, messageID: String, date: Int64) -> String {
        let subject = target.extra.flatMap { try? JSONParser.parse($0) }?["subject"]?.string ?? ""
        let reply = subject.lowercased().hasPrefix("re:") ? subject : "Re: " + subject
        let references = ([target.threadID, target.sourceID].compactMap { $0 }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } })
            .map { "<\(header($0))>" }.joined(separator: " ")
        let lines = [
            "From: \(header(from))",
            "To: \(header(target.authorHandle))",
            "Subject: \(encoded(reply.trimmingCharacters(in: .whitespaces)))",
            "Date: \(RFC822.string(fromMilliseconds: date))",
            "Message-ID: <\(header(messageID))>",
            "In-Reply-To: <\(header(target.sourceID))>",
            "References: \(references)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            post.text.replacingOccurrences(of: "\r\n", with: "\n"),
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A header value on one line, no controls.
    private static func header(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }
            .map(Character.init))
    }

    /// RFC 2047 for a value that is not plain ASCII.
    private static func encoded(_ value: String) -> String {
        let clean = header(value)
        guard clean.unicodeScalars.contains(where: { $0.value > 0x7E }) else { return clean }
        return "=?UTF-8?B?" + Data(clean.utf8).base64EncodedString() + "?="
    }

    /// A local program: it cannot say whether it sent something earlier.
    func find(_ post: OutgoingPost) async throws -> PostSearch {
        .cannotTell("a mail program cannot say whether it sent it")
    }

    func check() async throws -> String {
        for sub in ["new", "cur"] where !FileManager.default.fileExists(atPath: folder + "/" + sub) {
            throw NetworkError.refused("\(folder) is not a Maildir (no \(sub)/)")
        }
        let program = (account.sendmail ?? Self.defaultSendmail).path
        let found = program.hasPrefix("/") ? FileManager.default.isExecutableFile(atPath: program)
            : (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
        guard found else { throw NetworkError.refused("\(program) is not found: replies could not go") }
        return "reads \(folder), sends through \(program) as \(account.from ?? "?")"
    }
}
