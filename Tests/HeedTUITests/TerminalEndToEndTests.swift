import Foundation
import GRDB
import HeedCore
import HeedTestSupport
import XCTest

/// The built `heed` in a real terminal (tmux) on a demo cache: it opens, draws, moves, opens a
/// conversation, searches, switches views, shows another process's import by itself, resizes,
/// quits, and gives the shell its terminal back with exit status 0.
final class TerminalEndToEndTests: XCTestCase {
    func testASessionOnTheDemo() throws {
        XCTAssertTrue(Tmux.isAvailable, "tmux is needed for the screen tests: apt-get install tmux")
        let folder = TemporaryFolder()
        let cache = folder.file("demo.sqlite")
        let demo = try HeedRun.run(["demo", "--no-ui", "--cache", cache, "--size", "500"], in: folder)
        XCTAssertEqual(demo.status, 0, demo.stderr)

        let tmux = Tmux(folder: folder)
        let marker = folder.file("exit-status")
        // The shell line is the test's own; only paths made here go into it.
        try tmux.start("'\(Paths.heedBinary)' --cache '\(cache)'; echo \"heed exited $?\" > '\(marker)'; stty -a > '\(marker).stty'; sleep 30",
                       width: 100, height: 30, environment: ["HOME": folder.path, "TERM": "tmux-256color", "HEED_OPERATOR": "sam"])
        // The demo's cache is scored by the example config, so heed opens it with that one: sam is
        // one of its operators, offered a shift, with the queue in sight behind the offer.
        // Its last line, so that the frame is whole when read (a busy machine shows it line by line).
        let offer = try tmux.waitFor(text: "Enter start the shift  Esc work without a shift")
        XCTAssertTrue(offer.contains("Start your shift?"), offer)
        XCTAssertTrue(offer.contains("(^SB is your signature, from the config)"), offer)
        XCTAssertTrue(offer.split(separator: "\n").dropFirst(9).contains { $0.contains(" late ") || $0.contains(" due ") }, offer)
        try tmux.send("Escape")
        let first = try tmux.waitFor(text: "working without a shift")
        XCTAssertTrue(first.contains("heed · Northwind Bank · Triage"), first)
        XCTAssertTrue(first.contains("1 Triage"), first)
        let open = try XCTUnwrap(Self.openCount(first), first)

        // Open the second conversation, then back.
        try tmux.send("j", "Enter")
        let thread = try tmux.waitFor(text: "Esc back")
        XCTAssertTrue(thread.contains("Triage › #"), thread)
        XCTAssertTrue(thread.contains("▸ @"), thread)
        XCTAssertTrue(thread.contains("first seen"), "the contact card is beside the thread at 100 columns:\n\(thread)")
        try tmux.send("Escape")
        try tmux.waitFor(text: "j/k move")

        // Search, a malformed query first.
        try tmux.send("/")
        try tmux.send("-l", "priority:>x")
        try tmux.send("Enter")
        try tmux.waitFor(text: "^ ")
        try tmux.send("C-u")
        try tmux.send("-l", "channel:reddit")
        try tmux.send("Enter")
        // The header can be captured before the rows under it are redrawn, so the wait is for the
        // whole list: it times out (and fails) if any row stays a non-Reddit one.
        try tmux.waitFor("the search's rows, every one a Reddit one") { screen in
            let rows = screen.split(separator: "\n").dropFirst(2).prefix { !$0.hasPrefix("─") }.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            return screen.contains("search: channel:reddit") && !rows.isEmpty && rows.allSatisfy { $0.dropFirst(15).hasPrefix("R ") }
        }
        try tmux.send("Escape")
        try tmux.waitFor(text: "Northwind Bank · Triage")

        // Views: Resolved by number, back to Triage by Tab round the ring.
        try tmux.send("6")
        try tmux.waitFor(text: "Northwind Bank · Resolved")
        try tmux.send("BTab", "BTab", "BTab", "BTab", "BTab")
        try tmux.waitFor(text: "Northwind Bank · Triage")

        // Another process imports a mention: it shows without a key, within two seconds.
        let line = MentionLines.line(channel: "x", id: "e2e-live-1", text: "my account was hacked and money is gone, help now",
                                     at: RFC3339.string(fromMilliseconds: SystemClock().now()), author: "live1", handle: "live_customer",
                                     followers: 250_000)
        try (line + "\n").write(toFile: folder.file("live.jsonl"), atomically: true, encoding: .utf8)
        let ingest = try HeedRun.run(["ingest", "--cache", cache, folder.file("live.jsonl")], in: folder)
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        try tmux.waitFor("the open count to become \(open + 1)", timeout: 2) { Self.openCount($0) == open + 1 }
        try tmux.waitFor("the arrival said") { $0.split(separator: "\n").last?.hasPrefix(" 1 new") == true }

        // Resize down, too small, and back.
        try tmux.resize(width: 80, height: 24)
        try tmux.waitFor("the screen redrawn at 80 columns") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.first.map { $0.contains("Triage") && $0.count <= 80 } == true && lines.contains { $0.hasPrefix(" 1 new") }
        }
        try tmux.resize(width: 15, height: 4)
        try tmux.waitFor(text: "small: 15x4")
        try tmux.resize(width: 100, height: 30)
        try tmux.waitFor(text: "Northwind Bank · Triage")

        // The Reports view in a real terminal: its sparklines' blocks and the hours' braille drawn.
        try tmux.send("%")
        try tmux.waitFor("the reports counted and drawn") { screen in
            screen.contains("Reports: today and the last 7 days") && screen.contains("Mentions in by hour")
                && screen.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) } && screen.unicodeScalars.contains { (0x2581...0x2588).contains($0.value) }
        }
        try tmux.send("Escape")
        try tmux.waitFor(text: "j/k move")
        try tmux.send("q")
        // The shell makes the file before stty has written to it: wait for its whole output.
        let stty = try waitForFile(marker + ".stty")
        XCTAssertEqual(folder.read("exit-status"), "heed exited 0\n")
        XCTAssertTrue(stty.contains(" icanon") && stty.contains(" echo"), "the terminal is back in cooked mode:\n\(stty)")
    }

    /// In an interactive shell: Ctrl-Z gives the shell a sane terminal and `fg` redraws; SIGTERM
    /// and SIGHUP end heed with the terminal restored.
    func testSuspendResumeAndSignals() throws {
        XCTAssertTrue(Tmux.isAvailable, "tmux is needed for the screen tests: apt-get install tmux")
        let folder = TemporaryFolder()
        let cache = folder.file("demo.sqlite")
        let demo = try HeedRun.run(["demo", "--no-ui", "--cache", cache, "--size", "200"], in: folder)
        XCTAssertEqual(demo.status, 0, demo.stderr)
        let tmux = Tmux(folder: folder)
        try tmux.start("bash --norc --noprofile -i", width: 100, height: 30, environment: ["HOME": folder.path, "TERM": "tmux-256color"])
        // Written in two quoted halves, so that the command's echo does not read as the prompt.
        try tmux.send("-l", "PS1='shell''> '")
        try tmux.send("Enter")
        try tmux.waitFor(text: "shell>")
        let heed = "'\(Paths.heedBinary)' --cache '\(cache)'"

        try tmux.send("-l", heed)
        try tmux.send("Enter")
        try tmux.waitFor(text: "Northwind Bank · Triage")
        try tmux.send("C-z")
        let stopped = try tmux.waitFor(text: "Stopped")
        // bash puts its own terminal modes back when a job stops; what shows that heed left
        // curses is the shell's screen back in place of heed's.
        XCTAssertFalse(stopped.contains("Northwind Bank · Triage"), stopped)
        XCTAssertTrue(stopped.contains("shell> '"), stopped)
        try tmux.send("-l", "stty -a > '\(folder.file("suspended.stty"))'")
        try tmux.send("Enter")
        let suspended = try waitForFile(folder.file("suspended.stty"))
        XCTAssertTrue(suspended.contains(" icanon") && suspended.contains(" echo"), "the shell has a cooked terminal:\n\(suspended)")
        try tmux.send("-l", "fg")
        try tmux.send("Enter")
        try tmux.waitFor("the screen redrawn after fg") { $0.contains("Northwind Bank · Triage") && $0.contains("j/k move") && !$0.contains("Stopped") }

        for (index, signal) in [SIGTERM, SIGHUP].enumerated() {
            if index > 0 {
                try tmux.send("-l", heed)
                try tmux.send("Enter")
                try tmux.waitFor("the screen") { $0.contains("Northwind Bank · Triage") && $0.contains("j/k move") }
            }
            let shell = try XCTUnwrap(Int32(tmux.tmux(["display-message", "-p", "-t", "t", "#{pane_pid}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)))
            let pid = try XCTUnwrap(Self.child(of: shell, named: "heed"), "heed runs under the shell")
            XCTAssertEqual(kill(pid, signal), 0)
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && Self.child(of: shell, named: "heed") != nil { usleep(50_000) }
            XCTAssertNil(Self.child(of: shell, named: "heed"), "signal \(signal) ends heed")
            let marker = folder.file("after-\(signal)")
            try tmux.send("-l", "echo \"heed exited $?\" > '\(marker)'; stty -a > '\(marker).stty'")
            try tmux.send("Enter")
            let stty = try waitForFile(marker + ".stty")
            XCTAssertTrue(stty.contains(" icanon") && stty.contains(" echo"), "signal \(signal): the terminal is back in cooked mode:\n\(stty)")
            XCTAssertEqual(folder.read("after-\(signal)"), "heed exited 0\n", "signal \(signal) ends heed cleanly")
        }
    }

    /// `heed demo` acts as the example team's first operator: tag, escalate, resolve and undo
    /// from the keys; a canned reply written on over several lines (Alt-Enter, a paste) goes out
    /// through the spool, another is withdrawn inside its undo window.
    func testActingOnTheDemo() throws {
        XCTAssertTrue(Tmux.isAvailable, "tmux is needed for the screen tests: apt-get install tmux")
        let folder = TemporaryFolder()
        let cache = folder.file("demo.sqlite")
        let tmux = Tmux(folder: folder)
        let marker = folder.file("exit-status")
        try tmux.start("'\(Paths.heedBinary)' demo --cache '\(cache)' --size 200; echo \"heed exited $?\" > '\(marker)'; sleep 30",
                       width: 100, height: 30, environment: ["HOME": folder.path, "TERM": "tmux-256color", "HEED_OPERATOR": ""])
        try tmux.waitFor(text: "Start your shift?")
        try tmux.send("Escape")
        try tmux.waitFor(text: "working without a shift")
        try tagAndEscalate(tmux)
        try tmux.send("c")
        let resolved = try tmux.waitFor(text: "sam resolved #")
        let id = try XCTUnwrap(resolved.split(separator: "\n").last { $0.contains("sam resolved #") }?.split(separator: "#").last
            .flatMap { Int64($0.prefix { $0.isNumber }) })
        try tmux.send("u")
        try tmux.waitFor(text: "sam undid resolve on #\(id)")
        // A canned reply, a line more with Alt-Enter, and a pasted two-line text: one reply.
        try tmux.send("r")
        try tmux.waitFor(text: "Enter send")
        try tmux.send("-l", "outa")
        try tmux.send("Tab")
        try tmux.waitFor(text: "our engineers are on it")
        try tmux.send("M-Enter")
        try tmux.paste("PS: the status page\nhas the latest")
        try tmux.waitFor(text: "has the latest")
        try tmux.send("Enter")
        let queued = try tmux.waitFor(text: "sam queued a reply to #")
        let replied = try XCTUnwrap(queued.split(separator: "\n").last { $0.contains("sam queued a reply to #") }?.split(separator: "#").last
            .flatMap { Int64($0.prefix { $0.isNumber }) })
        // Another reply, taken back inside its undo window.
        try tmux.send("j", "r")
        try tmux.waitFor(text: "Enter send")
        try tmux.send("-l", "Sorry about that! DM us please")
        try tmux.send("Enter")
        try tmux.waitFor(text: "sam queued a reply to #")
        try tmux.send("u")
        try tmux.waitFor(text: "sam undid reply on #")
        try tmux.send("q")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && folder.read("exit-status").isEmpty { usleep(50_000) }
        XCTAssertEqual(folder.read("exit-status"), "heed exited 0\n")
        let database = try AppDatabase.open(path: cache)
        let kinds = try database.read { db in
            try String.fetchAll(db, sql: "SELECT operator || ' ' || kind FROM event WHERE operator = 'sam' ORDER BY id")
        }
        XCTAssertEqual(kinds, ["sam tag", "sam escalate", "sam resolve", "sam undo", "sam reply", "sam reply", "sam undo"])
        let posts = try database.read { db in try Row.fetchAll(db, sql: "SELECT state, text FROM outbox ORDER BY id") }
        XCTAssertEqual(posts.map { $0["state"] as String }, ["queued", "cancelled"])
        let text: String = posts[0]["text"]
        XCTAssertTrue(text.hasPrefix("Hi ") && text.contains("our engineers are on it") && text.hasSuffix("^SB\nPS: the status page\nhas the latest"),
                      text)

        // Once its undo window is over, `heed deliver` puts it in the example's spool folder, as
        // written: with the example's config sending everything there (its X program is not on
        // this machine) — a config that scores as the demo's does, so the cache takes it.
        let example = try String(contentsOfFile: Paths.packageRoot + "/config.example.json", encoding: .utf8)
        let spoolOnly = example.replacingOccurrences(of: #""channels": \{\s*"x": \{[^}]*\}\s*\}"#, with: #""channels": {}"#, options: .regularExpression)
        XCTAssertNotEqual(spoolOnly, example)
        let config = folder.write("spool-only.json", spoolOnly)
        let spool = folder.file(".local/share/heed/outbox")
        let sent = Date().addingTimeInterval(30)
        while Date() < sent && ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).isEmpty {
            let deliver = try HeedRun.run(["deliver", "--cache", cache, "--config", config], in: folder, environment: ["HOME": folder.path])
            XCTAssertEqual(deliver.status, 0, deliver.stderr)
            usleep(500_000)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: spool)
        XCTAssertEqual(files.count, 1, "the withdrawn reply never goes")
        let post = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: spool + "/" + files[0]))) as? [String: Any])
        XCTAssertEqual(post["text"] as? String, text)
        XCTAssertEqual(post["conversation"] as? Int, Int(replied))
    }

    /// A whole shift from the keyboard: Sam starts his shift and sees himself in the header,
    /// triages (a tag, an escalation, a reply, two resolved at once and taken back, a thread
    /// piped out), then ends it with a note; Priya, starting hers afterwards, is shown his
    /// handover and acknowledges it.
    func testAWholeShiftOnTheScreen() throws {
        XCTAssertTrue(Tmux.isAvailable, "tmux is needed for the screen tests: apt-get install tmux")
        let folder = TemporaryFolder()
        let cache = folder.file("demo.sqlite")
        XCTAssertEqual(try HeedRun.run(["demo", "--no-ui", "--cache", cache, "--size", "200"], in: folder).status, 0)
        let config = Paths.packageRoot + "/config.example.json"
        let tmux = Tmux(folder: folder)
        let marker = folder.file("exit-status")
        try tmux.start("'\(Paths.heedBinary)' --cache '\(cache)' --config '\(config)'; echo \"heed exited $?\" > '\(marker)'; sleep 30",
                       width: 100, height: 30, environment: ["HOME": folder.path, "TERM": "tmux-256color", "HEED_OPERATOR": "sam"])
        try tmux.waitFor(text: "Start your shift?")
        try tmux.send("Enter")
        try tmux.waitFor(text: "your intro, to the help accounts")
        try tmux.send("-l", " See you later!")
        try tmux.send("Enter")
        try tmux.waitFor(text: "on: sam ·")
        try tagAndEscalate(tmux)
        try tmux.send("j", "r")
        try tmux.waitFor(text: "Enter send")
        try tmux.send("-l", "Sorry about that, we are looking into it now")
        try tmux.send("Enter")
        try tmux.waitFor(text: "sam queued a reply to #")
        try tmux.send("j", "x", "x")
        try tmux.send("\\;")  // a lone ; would end tmux's command
        try tmux.waitFor(text: "2 selected:")
        try tmux.send("c")
        try tmux.waitFor(text: "sam resolved 2 of 2 conversations")
        try tmux.send("u")
        try tmux.waitFor(text: "sam undid resolve on 2 conversations")
        let piped = folder.file("piped.txt")
        try tmux.send("|")
        try tmux.waitFor(text: "as text (Tab: JSON) to:")
        try tmux.send("-l", "dd status=none of=\(piped)")
        try tmux.send("Enter")
        try tmux.waitFor(text: "[heed] piped to dd — Enter goes back to heed")
        try tmux.send("Enter")
        try tmux.waitFor(text: " piped to dd")
        XCTAssertTrue(folder.read("piped.txt").contains("\ntimes in "), folder.read("piped.txt"))
        try tmux.send("S")
        try tmux.waitFor(text: "You are on shift: e ends it")
        try tmux.send("e")
        try tmux.waitFor(text: "your handover note for whoever comes next")
        try tmux.send("-l", "#12 waits on billing")
        try tmux.send("Enter")
        try tmux.waitFor(text: "sam's shift 1 ended")
        try tmux.send("q")
        _ = try waitForFile(marker)
        XCTAssertEqual(folder.read("exit-status"), "heed exited 0\n")

        try tmux.tmux(["kill-server"])
        let second = Tmux(folder: folder)
        try? FileManager.default.removeItem(atPath: marker)
        try second.start("'\(Paths.heedBinary)' --cache '\(cache)' --config '\(config)'; echo \"heed exited $?\" > '\(marker)'; sleep 30",
                         width: 100, height: 30, environment: ["HOME": folder.path, "TERM": "tmux-256color", "HEED_OPERATOR": "priya"])
        try second.waitFor(text: "Start your shift?")
        try second.send("Enter")
        try second.waitFor(text: "your intro, to the help accounts")
        try second.send("Enter")
        let shown = try second.waitFor(text: "Handovers to read")
        XCTAssertTrue(shown.contains("handover from sam") && shown.contains("note: #12 waits on billing"), shown)
        XCTAssertTrue(shown.contains("to tech still open") && shown.contains("reply ×1") && shown.contains("replied 1"), shown)
        try second.send("Enter")
        try second.waitFor(text: "priya acknowledged sam's handover (shift 1)")
        try second.send("q")
        _ = try waitForFile(marker)

        let database = try AppDatabase.open(path: cache)
        let events = try database.read { db in
            try String.fetchAll(db, sql: "SELECT operator || ' ' || kind FROM event WHERE kind LIKE 'shift-%' OR kind = 'handover-ack' ORDER BY id")
        }
        XCTAssertEqual(events, ["sam shift-start", "sam shift-end", "priya shift-start", "priya handover-ack"])
        let acts = try database.read { db in
            try String.fetchAll(db, sql: "SELECT kind FROM event WHERE operator = 'sam' AND kind NOT LIKE 'shift-%' ORDER BY id")
        }
        XCTAssertEqual(acts, ["tag", "escalate", "reply", "resolve", "resolve", "undo", "undo"])
        let intro = try database.read { db in try String.fetchOne(db, sql: "SELECT intro FROM shift WHERE id = 1") }
        XCTAssertEqual(intro?.hasSuffix("^SB See you later!"), true, intro ?? "")
        let posts = try database.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT kind FROM outbox ORDER BY kind") }
        XCTAssertEqual(posts, ["intro", "reply", "signoff"])
    }

    /// A long build says how far it has got on the terminal, on one line it clears when done.
    func testALongBuildShowsItsProgressAndClearsIt() throws {
        XCTAssertTrue(Tmux.isAvailable, "tmux is needed for the screen tests: apt-get install tmux")
        let folder = TemporaryFolder()
        let tmux = Tmux(folder: folder)
        let cache = folder.file("demo.sqlite")
        try tmux.start("'\(Paths.heedBinary)' demo --no-ui --size 20000 --cache '\(cache)' > '\(folder.file("queue.txt"))'; echo \"heed exited $?\"; sleep 30",
                       width: 100, height: 30, environment: ["HOME": folder.path, "TERM": "tmux-256color"])
        let drawing = try tmux.waitFor(text: " of 20,000 records (", timeout: 30)
        XCTAssertTrue(drawing.contains("/s"), drawing)
        let done = try tmux.waitFor(text: "heed exited 0", timeout: 120)
        XCTAssertFalse(done.contains("records"), "the line is cleared:\n\(done)")
        XCTAssertTrue(folder.read("queue.txt").hasPrefix("demo: 20000 mentions in "), "standard output untouched")
    }

    /// Connecting an account at a terminal: asked again after a wrong answer, the secret never
    /// shown as it is typed.
    func testAccountAddAsksAgainAndNeverShowsTheSecret() throws {
        XCTAssertTrue(Tmux.isAvailable, "tmux is needed for the screen tests: apt-get install tmux")
        let folder = TemporaryFolder()
        let server = try LocalServer { request in
            request.headers["authorization"] == "Bearer sekrit-token" ? .file(Paths.sharedFixtures + "/mastodon/test_status_reply.1.json")
                : .json(#"{"error":"The access token is invalid"}"#, status: 401)
        }
        let config = folder.write("team.json", "{}\n")
        let tmux = Tmux(folder: folder)
        try tmux.start("'\(Paths.heedBinary)' account add mastodon-help --config '\(config)'; echo \"heed exited $?\"; sleep 30",
                       width: 120, height: 30, environment: ["HOME": folder.path, "TERM": "tmux-256color"])
        try tmux.waitFor(text: "network (mastodon, bluesky, discourse, feed, email, x, reddit, youtube, facebook):")
        try tmux.send("mastodon", "Enter")
        try tmux.waitFor(text: "its address: the instance, such as https://mastodon.social:")
        try tmux.send("mastodon.social", "Enter")
        try tmux.waitFor(text: "\"mastodon.social\" is not an http(s) address")
        try tmux.send(server.url.absoluteString, "Enter")
        try tmux.waitFor(text: "our account's name there:")
        try tmux.send("mastodonpy_test", "Enter")
        try tmux.waitFor(text: "the secret (kept in secrets.json, never in the config):")
        try tmux.send("sekrit-token", "Enter")
        let done = try tmux.waitFor(text: "heed exited 0", timeout: 20)
        XCTAssertFalse(done.contains("sekrit"), "the secret is not echoed:\n\(done)")
        XCTAssertTrue(done.contains("mastodon-help: ok, signed in as @admin"), done)
        XCTAssertTrue(folder.read("team.json").contains(#""name":"mastodon-help""#))
    }

    /// Colour by default; with `NO_COLOR` none at all, the selection and header still marked.
    func testNoColorTurnsColourOff() throws {
        XCTAssertTrue(Tmux.isAvailable, "tmux is needed for the screen tests: apt-get install tmux")
        let folder = TemporaryFolder()
        let cache = folder.file("demo.sqlite")
        let demo = try HeedRun.run(["demo", "--no-ui", "--cache", cache, "--size", "100"], in: folder)
        XCTAssertEqual(demo.status, 0, demo.stderr)
        // An SGR setting a foreground or background colour (30–37, 40–47, 90–97, 100–107, 38;…, 48;…).
        let colour = try NSRegularExpression(pattern: #"\x1B\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m"#)
        for noColor in [false, true] {
            let tmux = Tmux(folder: folder)
            // Set either way: the tmux server otherwise passes on the runner's own (swift test sets NO_COLOR=1).
            let environment = ["HOME": folder.path, "TERM": "tmux-256color", "NO_COLOR": noColor ? "1" : ""]
            try tmux.start("'\(Paths.heedBinary)' --cache '\(cache)'", width: 100, height: 30, environment: environment)
            try tmux.waitFor(text: "j/k move")
            let screen = try tmux.tmux(["capture-pane", "-e", "-p", "-t", "t"]).output
            let colours = colour.numberOfMatches(in: screen, range: NSRange(screen.startIndex..., in: screen))
            if noColor {
                XCTAssertEqual(colours, 0, screen)
                XCTAssertTrue(screen.contains("\u{1B}[7m") || screen.contains(";7m"), "reverse video marks the header and selection:\n\(screen)")
            } else {
                XCTAssertGreaterThan(colours, 0, screen)
            }
            try tmux.send("q")
        }
    }

    /// A file the shell writes, once it is complete (its writer ends with a newline).
    /// Sam tags the selected conversation and escalates it to tech, from the keyboard.
    func tagAndEscalate(_ tmux: Tmux) throws {
        try tmux.send("t")
        try tmux.waitFor(text: "(+add -remove):")
        try tmux.send("-l", "+callback")
        try tmux.send("Enter")
        try tmux.waitFor(text: "sam tagged #")
        try tmux.send("e")
        try tmux.waitFor(text: "to TEAM, then a note:")
        try tmux.send("-l", "tech the app logs them out")
        try tmux.send("Enter")
        try tmux.waitFor(text: "sam escalated #")
    }

    func waitForFile(_ path: String, timeout: TimeInterval = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n") { return text }
            usleep(50_000)
        }
        throw HeedError("timed out waiting for \(path)")
    }

    /// The pid of `parent`'s child process called `name`, from /proc.
    static func child(of parent: Int32, named name: String) -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if stat[stat.index(after: open)..<close] == name, fields.count > 2, Int32(fields[1]) == parent { return pid }
        }
        return nil
    }

    /// The header's "N open".
    static func openCount(_ screen: String) -> Int? {
        guard let header = screen.split(separator: "\n").first, let range = header.range(of: #"\d+ open"#, options: .regularExpression) else { return nil }
        return Int(header[range].dropLast(5))
    }
}
