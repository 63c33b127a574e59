import ArgumentParser
import Foundation
import HeedCore

/// Input written to hurt heed, each imported by `heed ingest` as a user runs it: the time it
/// takes and the process's peak memory. Every one should take at most 2 s and 200 MB, except
/// the corpora, which compare a repetitive vocabulary's rate with varied words'.
struct HostileBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostile",
        abstract: "heed ingest on hostile input (nested MIME, runs of <, huge texts and attachments, a repetitive corpus): time and peak memory each.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Posts in each corpus.")
    var corpus = 60_000

    /// The files are written by a child of this benchmark: a child's peak memory as the kernel
    /// reports it starts from its parent's size at the spawn, so the parent stays small.
    @Flag(name: .customLong("write-only"), help: "Only write the files into --dir (an outage among them, for `actions --beside-file`).")
    var writeOnly = false

    static let varied = "corpus-varied.jsonl", repetitive = "corpus-repetitive.jsonl", outage = "corpus-outage.jsonl"

    func run() throws {
        if writeOnly { return try write() }
        try options.prepare()
        _ = try options.writeConfig()
        let writer = try ChildProcess.spawn([CommandLine.arguments[0], "hostile", "--write-only", "--dir", options.dir, "--corpus", String(corpus)],
                                            stdout: "\(options.dir)/hostile-write.out", stderr: "\(options.dir)/hostile-write.err").wait()
        guard writer.status == 0 else { throw ValidationError("writing the hostile files failed; see \(options.dir)/hostile-write.err") }
        for hostile in Self.cases {
            let (seconds, peak, status) = try ingest("\(options.dir)/hostile-\(hostile.file)")
            let met = seconds <= 2 && peak <= 200 ? "" : "  ← over the target"
            print("\(hostile.name): \(format(seconds, 2)) s, peak \(format(peak)) MB, exit \(status)\(met)")
        }
        let (variedSeconds, variedPeak, _) = try ingest("\(options.dir)/\(Self.varied)")
        let (repetitiveSeconds, repetitivePeak, _) = try ingest("\(options.dir)/\(Self.repetitive)")
        print("\(corpus) posts of 5,000 words: \(Int(Double(corpus) / variedSeconds)) posts/s, peak \(format(variedPeak)) MB; "
            + "of 16 words: \(Int(Double(corpus) / repetitiveSeconds)) posts/s, peak \(format(repetitivePeak)) MB "
            + "(repetitive ÷ varied \(format(variedSeconds / repetitiveSeconds, 2)); near 1 is linear whatever the repetition)")
    }

    private func write() throws {
        try FileManager.default.createDirectory(atPath: options.dir, withIntermediateDirectories: true)
        for hostile in Self.cases { try hostile.write("\(options.dir)/hostile-\(hostile.file)") }
        try Self.corpus(corpus, vocabulary: 5_000, to: "\(options.dir)/\(Self.varied)")
        try Self.corpus(corpus, vocabulary: 16, to: "\(options.dir)/\(Self.repetitive)")
        try Self.outage(corpus, to: "\(options.dir)/\(Self.outage)")
    }

    static let cases: [(name: String, file: String, write: @Sendable (String) throws -> Void)] = [
        ("a 2 KB mail of 40 nested multiparts", "nested.mbox", { try Self.mail(body: Self.nested(depth: 40)).write(toFile: $0, atomically: false, encoding: .utf8) }),
        ("a feed item of x and 50,000 <", "less-than.rss", { try Self.feed("x" + String(repeating: "<", count: 50_000)).write(toFile: $0, atomically: false, encoding: .utf8) }),
        ("a feed item of 10 MB of HTML", "html.rss", { try Self.feed(String(repeating: "<p>word &amp; <b>word</b></p>", count: 350_000)).write(toFile: $0, atomically: false, encoding: .utf8) }),
        ("a post of 200 MB of text", "huge-post.jsonl", { try Self.hugePost(megabytes: 200, to: $0) }),
        ("an X API response of 200 MB, one post's text", "huge-response.json", { try Self.hugeResponse(megabytes: 200, to: $0) }),
        ("a mail of 150 MB of text", "huge-mail.mbox", { try Self.hugeMail(megabytes: 150, base64: false, to: $0) }),
        ("a mail with a 64 MB base64 part", "base64.mbox", { try Self.hugeMail(megabytes: 64, base64: true, to: $0) }),
    ]

    /// Seconds, peak memory in MB, exit status of `heed ingest` on a new cache.
    private func ingest(_ path: String) throws -> (Double, Double, Int32) {
        let cache = "\(options.dir)/hostile.sqlite"
        options.removeCache(cache)
        let (exit, time) = try options.measured([options.heedBinary, "ingest", "--config", options.configFile, "--cache", cache, path],
                                                stdout: "\(options.dir)/hostile.out", stderr: "\(options.dir)/hostile.err")
        return (time / 1000, Double(exit.maxResidentBytes) / 1_048_576, exit.status)
    }

    static func mail(body: String, id: String = "hostile") -> String {
        """
        From dana@example.com Mon Nov 23 09:00:00 2026
        From: Dana <dana@example.com>
        Date: Mon, 23 Nov 2026 09:00:00 +0000
        Message-ID: <\(id)@example.com>
        MIME-Version: 1.0
        \(body)

        """
    }

    static func nested(depth: Int) -> String {
        var body = "Content-Type: text/plain; charset=utf-8\n\nthe text at the bottom\n"
        for level in (0..<depth).reversed() {
            body = "Content-Type: multipart/mixed; boundary=\"b\(level)\"\n\n--b\(level)\n\(body)--b\(level)--\n"
        }
        return body
    }

    static func feed(_ description: String) -> String {
        let escaped = description.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>Northwind blog comments</title><link>https://blog.example</link>
            <item><title>Comment</title><link>https://blog.example/p/1#c1</link><guid isPermaLink="false">c1</guid>
            <pubDate>Mon, 23 Nov 2026 09:00:00 +0000</pubDate><description>\(escaped)</description></item>
            </channel></rss>
            """
    }

    static func hugePost(megabytes: Int, to path: String) throws {
        let output = try IngestBench.Output(path)
        defer { output.close() }
        try output.write(#"{"channel": "x", "id": "1", "created_at": "2026-11-23T09:00:00Z", "author": {"id": "9", "handle": "dana"}, "text": ""#)
        let block = String(repeating: "fees ", count: 200_000)
        for _ in 0..<megabytes { try output.write(block) }
        try output.write("\"}\n")
    }

    /// An API response saved as it came, over several lines (so read whole), one of its posts 200 MB.
    static func hugeResponse(megabytes: Int, to path: String) throws {
        let output = try IngestBench.Output(path)
        defer { output.close() }
        try output.write("{\"data\": [\n" + #"{"id": "1", "text": "a fine one", "author_id": "9", "created_at": "2026-11-23T09:00:00.000Z"},"# + "\n")
        try output.write(#"{"id": "2", "author_id": "9", "created_at": "2026-11-23T09:01:00.000Z", "text": ""#)
        let block = String(repeating: "fees ", count: 200_000)
        for _ in 0..<megabytes { try output.write(block) }
        try output.write("\"}],\n" + #""includes": {"users": [{"id": "9", "username": "dana", "name": "Dana"}]}}"# + "\n")
    }

    static func hugeMail(megabytes: Int, base64: Bool, to path: String) throws {
        let output = try IngestBench.Output(path)
        defer { output.close() }
        let head = base64
            ? "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nsee the attachment\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
            : "Content-Type: text/plain; charset=utf-8\n"
        try output.write(mail(body: head).trimmingCharacters(in: .newlines) + "\n\n")
        let line = base64 ? String(repeating: "QUJD", count: 19) + "\n" : String(repeating: "fees ", count: 15) + "\n"
        let block = String(repeating: line, count: (1 << 20) / line.utf8.count)
        for _ in 0..<megabytes { try output.write(block) }
        try output.write(base64 ? "--b--\n" : "\n")
    }

    /// An outage: a week of ordinary complaints (a third of `count`), then `count` customers
    /// saying the app is down within the hour before the bench's now, each in a thread of their
    /// own — for `actions --beside-file`: the incident found joins them in the operators' turns.
    static func outage(_ count: Int, to path: String) throws {
        var random = SeededRandom(seed: 11)
        func pick(_ items: [String]) -> String { items[Int(random.next() % UInt64(items.count))] }
        let down = ["is the app down? can't log in", "app down again?? can't log in to pay", "Northwind app down, login just spins",
                    "can't log in, app says 'service unavailable'", "anyone else? app down and online banking won't load either",
                    "login broken on the app. Is the app down for everyone?", "app down, card payments still work though"]
        let ordinary = ["my card was declined at the shop", "how do I change my address", "the app is slow today", "charged twice for one payment",
                        "when does the branch open", "login code never arrived", "love the new savings pots", "transfer still pending"]
        let endings = ["rent", "bills", "now", "today", "tonight", "seriously", "again", "help", "please", "urgent", "mortgage", "salary", "payday", "ugh", "why"]
        let hour: Int64 = 3_600_000
        let quiet = count / 3
        var posts: [(at: Int64, text: String)] = (0..<quiet).map { _ in
            (benchNow - hour - Int64(random.next() % UInt64(7 * 24 * hour)), pick(ordinary))
        }
        posts += (0..<count).map { index in (benchNow - hour + Int64(index) * hour / Int64(count), pick(down)) }
        posts.sort { $0.at < $1.at }
        try IngestBench.writeLines(posts.enumerated().map { index, post in
            let text = post.text + " " + (0..<3).map { _ in pick(endings) }.joined(separator: " ")
            let channel = pick(["x", "mastodon", "bluesky", "reddit"])
            return IncomingMention(channel: channel, sourceID: "outage-\(index)", text: text, createdAt: post.at,
                                   author: IncomingAuthor(id: "\(channel)-o\(index)", handle: "customer\(index)"))
        }, to: path)
    }

    /// Posts of twelve words from a vocabulary of `vocabulary` words, by 5,000 authors over a day.
    static func corpus(_ count: Int, vocabulary: Int, to path: String) throws {
        var generator = SystemRandomNumberGenerator()
        let words = (0..<vocabulary).map { "w\(String($0, radix: 36))x" }
        try IngestBench.writeLines((0..<count).lazy.map { index in
            let text = (0..<12).map { _ in words[Int(generator.next() % UInt64(vocabulary))] }.joined(separator: " ")
            return IncomingMention(channel: "x", sourceID: String(index + 1), text: text, createdAt: benchNow - 86_400_000 + Int64(index) * 86_400_000 / Int64(count),
                                   author: IncomingAuthor(id: String(index % 5_000), handle: "user\(index % 5_000)"))
        }, to: path)
    }
}
