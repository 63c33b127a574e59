import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// What a support lead would see first is seen first: money gone, fraud however it is put,
/// threats to take it further, vulnerability, deadlines, contact repeated in words; sarcasm
/// and negation read as people mean them; spam known on its first copy; and a thread that
/// never forgets what it has said.
final class TriageTrustTests: XCTestCase {
    let analyzer = MessageAnalyzer()
    let settings = TriageSettings()

    func categories(_ text: String) -> Set<String> { Set(analyzer.analyze(text).urgency.map(\.category)) }

    func points(_ text: String, firstContact: Bool = false) -> StaticPriority {
        var signals = TriageSignals(analysis: analyzer.analyze(text), channel: "x")
        signals.firstContact = firstContact
        return PriorityModel.staticPart(signals, settings: settings)
    }

    func testTheSignalsALeadWouldNameFirst() {
        let table: [(String, String)] = [
            ("Someone just emptied my current account, £3,400 gone… didn't authorise… HELP", "fraud"),
            ("there are payments I didn't make on my statement", "fraud"),
            ("someone logged into my account and changed my password", "fraud"),
            ("I'm going to the ombudsman with this", "legal"),
            ("closing my account and switching banks", "legal"),
            ("My mum passed away last month and I need to close her account", "vulnerable"),
            ("I can't feed my kids until this is sorted", "vulnerable"),
            ("I need this done today, completion is at 2", "deadline"),
            ("payroll runs tonight and the account is frozen", "deadline"),
            ("Third time asking!!", "repeated"),
            ("still no reply to my email from monday", "repeated"),
            ("Tarjeta bloqueada en el extranjero, sin dinero", "money"),
            ("Je ne peux pas me connecter, c'est urgent", "access"),
            ("Betrug! Jemand hat Geld von meinem Konto gestohlen", "fraud"),
            ("Não reconheço esta compra, fraude", "fraud"),
            ("Carta bloccata, non riesco ad accedere", "access"),
            ("Dubbel afgeschreven en geen geld meer", "money"),
        ]
        for (text, category) in table { XCTAssertTrue(categories(text).contains(category), "\(text): \(categories(text))") }
        XCTAssertGreaterThanOrEqual(points("Someone just emptied my current account, £3,400 gone… didn't authorise… HELP").points, 45,
                                    "money leaving an account is urgent (it scored 23)")
        // Nothing new where nothing is said.
        for text in ["New card arrived in the post", "what time does the York branch open on saturday?", "my phone died, will call later"] {
            XCTAssertTrue(categories(text).isEmpty, "\(text): \(categories(text))")
        }
    }

    func testRepeatedInWordsIsNotAFirstContact() {
        let reasons = points("Third time asking!!", firstContact: true).reasons.map(\.signal)
        XCTAssertFalse(reasons.contains("first-contact"), "\(reasons)")
        XCTAssertTrue(points("hello, a question about my card", firstContact: true).reasons.contains { $0.signal == "first-contact" })
    }

    func testSarcasmAndNegationAreReadAsMeant() {
        let waiting = analyzer.analyze("Love waiting 2 hours on hold")
        XCTAssertLessThan(waiting.sentiment, -0.2, "not praise")
        XCTAssertEqual(waiting.kind, .complaint)
        XCTAssertEqual(analyzer.analyze("great, another hour on hold").kind, .complaint)
        XCTAssertEqual(analyzer.analyze("cheers for nothing").kind, .complaint)
        XCTAssertNotEqual(analyzer.analyze("no idea why my card keeps getting declined").kind, .idea)
        XCTAssertNotEqual(analyzer.analyze("not happy with this at all").kind, .praise)
        XCTAssertEqual(analyzer.analyze("can't thank you enough, sorted in minutes").kind, .praise)
        XCTAssertEqual(analyzer.analyze("it would be great if the app had a dark mode").kind, .idea, "an idea is still one")
    }

    func testSpamThatComesAloneIsKnownOnItsFirstCopy() {
        for text in ["follow for follow? 🔥", "Buy cheap followers and likes, fast delivery", "crypto investment opportunity, 10x guaranteed returns",
                     "earn from home with forex signals"] {
            XCTAssertEqual(analyzer.analyze(text).kind, .spam, text)
        }
        let link = SpamScore.of(analyzer.analyze("Earn from home, details at bit.ly/x9"), copies: 0, followers: 0, handle: "promo88812345")
        XCTAssertGreaterThanOrEqual(link.value, settings.spamThreshold, "\(link)")
        XCTAssertNotEqual(analyzer.analyze("my card was declined, please follow up").kind, .spam, "a customer is not spam")
    }

    func testAThreadNeverForgetsWhatItSaid() throws {
        let folder = TemporaryFolder()
        let database = try AppDatabase.inMemory()
        var config = Config()
        config.accounts = ["x": ["NorthwindHelp"]]
        let ingester = Ingester(database: database, config: config, clock: FixedClock("2026-11-23T09:10:00Z"))
        func priority() throws -> (Int, Int) {
            try database.read { db in
                let row = try Row.fetchOne(db, sql: "SELECT priority, sla_minutes FROM conversation")!
                return (row["priority"], row["sla_minutes"])
            }
        }
        _ = try ingester.ingest(path: folder.write("1.jsonl", MentionLines.line(id: "1", text: "@NorthwindHelp I want a refund for the double charge, this is a disgrace",
                                                                              at: "2026-11-23T09:00:00Z", conversation: "t") + "\n"))
        let (before, targetBefore) = try priority()
        _ = try ingester.ingest(path: folder.write("2.jsonl", MentionLines.line(
            id: "2", text: "Adding to the above: I have been a customer for eleven years and I'm going to the ombudsman about this",
            at: "2026-11-23T09:05:00Z", inReplyTo: "1", conversation: "t") + "\n"))
        let (after, targetAfter) = try priority()
        XCTAssertGreaterThan(after, before, "a threat added to a refund complaint raises it")
        XCTAssertLessThanOrEqual(targetAfter, targetBefore, "the SLA follows the most urgent thing said")
        let reasons = try database.read { db in try String.fetchOne(db, sql: "SELECT reasons FROM conversation_reasons")! }
        XCTAssertTrue(reasons.contains("refund") && reasons.contains("ombudsman"), reasons)
    }

    /// The most urgent all show 100 (their points add up past it): they are still ordered by how
    /// urgent they are, their own points first, not by due time alone.
    func testTheTopIsOrderedBeyondTheCap() throws {
        let folder = TemporaryFolder()
        let database = try AppDatabase.inMemory()
        let ingester = Ingester(database: database, config: Config(), clock: FixedClock("2026-11-23T09:10:00Z"))
        _ = try ingester.ingest(path: folder.write("in.jsonl", ["a", "b", "c"].enumerated().map { index, id in
            MentionLines.line(id: id, text: "message \(id)", at: "2026-11-23T09:0\(index):00Z", author: "u\(id)")
        }.joined(separator: "\n") + "\n"))
        try database.write { db in
            // a is due first but has the fewest points of its own.
            for (id, points, due) in [("a", 105.0, 1), ("b", 128.0, 3), ("c", 117.0, 2)] as [(String, Double, Int)] {
                try db.execute(sql: """
                    UPDATE conversation SET priority = 100, static_points = ?, due_at = ?
                    WHERE id = (SELECT conversation_id FROM mention WHERE source_id = ?)
                    """, arguments: [points, due, id])
            }
        }
        let order = try database.read { db in try Queue.open(db, limit: 3).map(\.text) }
        XCTAssertEqual(order, ["message b", "message c", "message a"])
        let plan = try database.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT c.id FROM conversation c WHERE c.status = 'open' ORDER BY \(Queue.triageOrderSQL) LIMIT 50")
                .map { $0["detail"] as String }
        }.joined(separator: " ")
        XCTAssertTrue(plan.contains("conversation_queue") && !plan.contains("TEMP B-TREE"), "the index gives the order: \(plan)")
    }

    /// A mixed queue (Fixtures/triage/mixed-queue.tsv): at least 11 of the 12 urgent messages
    /// in the top 12, no spam in the top 20, scored as they arrive (no history, no followers).
    func testOnAMixedQueueTheUrgentAreOnTopAndNoSpamNearIt() throws {
        let text = try String(contentsOfFile: MoreFormatTests.ownFixtures + "/triage/mixed-queue.tsv", encoding: .utf8)
        let messages = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line -> (label: String, text: String) in
            let fields = line.split(separator: "\t", maxSplits: 1)
            return (String(fields[0]), String(fields[1]))
        }
        let ranked = messages.map { message -> (label: String, text: String, points: Double) in
            var signals = TriageSignals(analysis: analyzer.analyze(message.text), channel: "x")
            signals.firstContact = true
            let part = PriorityModel.staticPart(signals, settings: settings)
            let spam = SpamScore.of(signals.analysis, copies: 0, followers: 10, handle: "someone")
            // Spam at the threshold leaves the queue for the spam view.
            return (message.label, message.text, spam.value >= settings.spamThreshold ? -100 : part.points)
        }.sorted { $0.points > $1.points }
        let urgentOnTop = ranked.prefix(12).filter { $0.label == "urgent" }.count
        XCTAssertGreaterThanOrEqual(urgentOnTop, 11, ranked.prefix(14).map { "\($0.points) \($0.label) \($0.text)" }.joined(separator: "\n"))
        XCTAssertFalse(ranked.prefix(20).contains { $0.label == "spam" }, ranked.prefix(20).map { "\($0.points) \($0.label) \($0.text)" }.joined(separator: "\n"))
        XCTAssertEqual(messages.filter { $0.label == "urgent" }.count, 12)
    }
}
