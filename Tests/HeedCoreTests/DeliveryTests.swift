import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

/// Replies through the outbox to the spool folder or a command: never lost, never twice.
final class DeliveryTests: XCTestCase {
    let folder = TemporaryFolder()
    let clock = FixedClock("2026-11-23T12:00:00Z")
    var config: Config = {
        var config = ActionServiceTests.config
        config.accounts = ["x": ["NorthwindHelp"]]
        config.undoSeconds = 10
        return config
    }()
    var sam: Operator { config.operators[0] }

    func cache() throws -> (AppDatabase, Int64) {
        let database = try AppDatabase.open(path: folder.file("cache.sqlite"))
        let line = MentionLines.line(id: "t1", text: "charged twice, help", at: "2026-11-23T11:50:00Z", author: "dana")
        _ = try Ingester(database: database, config: config, clock: clock).ingest(path: folder.write("in.jsonl", line + "\n"))
        return (database, try database.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM conversation")! })
    }

    func posts(_ database: AppDatabase) throws -> [Row] {
        try database.read { db in try Row.fetchAll(db, sql: "SELECT state, attempts, last_error, external_id FROM outbox ORDER BY id") }
    }

    func ours(_ database: AppDatabase) throws -> [String] {
        try database.read { db in try String.fetchAll(db, sql: "SELECT source_id FROM mention WHERE ours = 1 ORDER BY id") }
    }

    func testAReplyWaitsOutItsUndoWindowThenGoesToTheSpoolOnceAndJoinsItsThread() throws {
        let (database, id) = try cache()
        let service = ActionService(database: database, config: config, clock: clock)
        try service.reply(to: id, text: "Sorry, Dana! DM us", by: sam)
        try service.undo(by: sam)
        XCTAssertEqual(try posts(database).map { $0["state"] as String }, ["cancelled"], "undone inside the window")
        try service.redo(by: sam)
        let delivery = Delivery(database: database, config: config, clock: clock)
        XCTAssertEqual(try delivery.runOnceWaiting().sent, 0, "not before the window ends")
        clock.advance(seconds: 10)
        XCTAssertEqual(try delivery.runOnceWaiting().sent, 1)
        XCTAssertEqual(try delivery.runOnceWaiting().sent, 0, "once")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.file("outbox-spool"))
        XCTAssertEqual(files.count, 1)
        let post = try JSONParser.parse(String(contentsOfFile: folder.file("outbox-spool/" + files[0]), encoding: .utf8))
        XCTAssertEqual(post["text"]?.string, "Sorry, Dana! DM us ^SB", "with the operator's signature")
        XCTAssertEqual(post["in_reply_to"]?.string, "t1")
        XCTAssertEqual(post["account"]?.string, "NorthwindHelp")
        XCTAssertEqual(post["idempotency_key"]?.string.map { $0 + ".json" }, files[0])
        XCTAssertEqual(try ours(database).count, 1, "the reply is in its thread, ours")
        let status = try database.read { db in try String.fetchOne(db, sql: "SELECT status FROM conversation WHERE id = ?", arguments: [id]) }
        XCTAssertEqual(status, "waiting", "now waiting on the customer")
        XCTAssertThrowsError(try service.undo(by: sam)) { XCTAssertTrue(($0 as! HeedError).message.contains("too late to take back")) }
    }

    func testACommandGetsThePostByteForByteWithoutAShellAndItsIdIsKept() throws {
        let (database, id) = try cache()
        let received = folder.file("received.json")
        let script = folder.write("send.sh", "#!/bin/sh\ncat > \"$1\"\necho x-12345\n")
        chmod(script, 0o755)
        config.delivery.defaultAdapter = .command(Program(path: script, arguments: [received], timeoutSeconds: 10))
        let text = "He said \"no\"; then $(rm -rf ~) and `id`\nnew line\t'quoted' \\ end"
        try ActionService(database: database, config: config, clock: clock).reply(to: id, text: text, by: sam)
        clock.advance(seconds: 10)
        XCTAssertEqual(try Delivery(database: database, config: config, clock: clock).runOnceWaiting().sent, 1)
        let post = try JSONParser.parse(String(contentsOfFile: received, encoding: .utf8))
        XCTAssertEqual(post["text"]?.string, text + " ^SB")
        XCTAssertEqual(try posts(database).first?["external_id"], "x-12345")
        XCTAssertEqual(try ours(database), ["x-12345"])
    }

    func testFailuresAreRetriedWithBackoffThenEndFailedWithTheError() throws {
        let (database, id) = try cache()
        let script = folder.write("fail.sh", "#!/bin/sh\necho 'rate limited' >&2\nexit 3\n")
        chmod(script, 0o755)
        config.delivery.defaultAdapter = .command(Program(path: script, arguments: [], timeoutSeconds: 10))
        let service = ActionService(database: database, config: config, clock: clock)
        try service.reply(to: id, text: "on it", by: sam)
        let delivery = Delivery(database: database, config: config, clock: clock)
        clock.advance(seconds: 10)
        XCTAssertEqual(try delivery.runOnceWaiting().retrying, 1)
        XCTAssertEqual(try delivery.runOnceWaiting().retrying, 0, "not again before its backoff")
        for _ in 2...Delivery.maxAttempts {
            clock.advance(seconds: 600)
            _ = try delivery.runOnceWaiting()
        }
        let post = try XCTUnwrap(try posts(database).first)
        XCTAssertEqual(post["state"], "failed")
        XCTAssertEqual(post["attempts"], Delivery.maxAttempts)
        XCTAssertEqual(post["last_error"], "exit 3: rate limited")
        XCTAssertEqual(try service.retry(post: 1, by: sam).summary, "sam queued again post 1")
        XCTAssertEqual(try posts(database).first?["state"], "queued")
        XCTAssertEqual(try ours(database), [], "nothing sent")
    }

    func testAWorkerKilledMidSendLeavesNothingLostOrSentTwice() throws {
        let (database, id) = try cache()
        let service = ActionService(database: database, config: config, clock: clock)
        try service.reply(to: id, text: "first", by: sam)
        try service.reply(to: id, text: "second", by: sam)
        clock.advance(seconds: 10)
        let delivery = Delivery(database: database, config: config, clock: clock)
        XCTAssertEqual(try delivery.runOnceWaiting().sent, 2)
        // As if a worker died after writing the first's file but before marking it sent, and
        // before writing the second's.
        try service.reply(to: id, text: "third", by: sam)
        try service.reply(to: id, text: "fourth", by: sam)
        clock.advance(seconds: 10)
        let keys = try database.read { db in try String.fetchAll(db, sql: "SELECT idempotency_key FROM outbox WHERE id IN (3, 4) ORDER BY id") }
        try database.write { db in try db.execute(sql: "UPDATE outbox SET state = 'sending', attempts = 1 WHERE id IN (3, 4)") }
        try "{}".write(toFile: folder.file("outbox-spool/\(keys[0]).json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try delivery.recoverWaiting(), 2)
        XCTAssertEqual(try posts(database).map { $0["state"] as String }, ["sent", "sent", "sent", "queued"])
        XCTAssertEqual(try delivery.runOnceWaiting().sent, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.file("outbox-spool")).count, 4, "one file a post")
        XCTAssertEqual(try ours(database).count, 4, "each in the thread once")
        // A command's post cannot be checked from here: it waits for a person.
        config.delivery.defaultAdapter = .command(Program(path: "/bin/true", arguments: [], timeoutSeconds: 5))
        try service.reply(to: id, text: "fifth", by: sam)
        try database.write { db in try db.execute(sql: "UPDATE outbox SET state = 'sending' WHERE id = 5") }
        XCTAssertEqual(try Delivery(database: database, config: config, clock: clock).recoverWaiting(), 1)
        XCTAssertEqual(try posts(database).last?["state"], "checking")
        // One worker at a time.
        let first = try XCTUnwrap(Delivery.lock(cache: folder.file("cache.sqlite")))
        XCTAssertNil(Delivery.lock(cache: folder.file("cache.sqlite")))
        close(first)
    }

    /// The window between a post's file landing in the folder and the post marked sent: the
    /// folder's reader takes the file at once, then the worker is killed. The journal beside the
    /// cache, written before the hand-over, is what says it went.
    func testAPostTakenFromTheFolderInTheCrashWindowIsNotSentAgain() throws {
        let (database, id) = try cache()
        let service = ActionService(database: database, config: config, clock: clock)
        try service.reply(to: id, text: "only once", by: sam)
        clock.advance(seconds: 10)
        let taken = folder.file("taken")
        try FileManager.default.createDirectory(atPath: taken, withIntermediateDirectories: true)
        let (handedOver, killed, stopped) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        var dying = Delivery(database: database, config: config, clock: clock)
        dying.afterHandOver = { path in
            XCTAssertEqual(rename(path, taken + "/" + URL(fileURLWithPath: path).lastPathComponent), 0, "the reader takes it")
            handedOver.signal()
            killed.wait()
        }
        Thread { [dying] in
            _ = try? dying.runOnceWaiting()
            stopped.signal()
        }.start()
        XCTAssertEqual(handedOver.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(try posts(database).map { $0["state"] as String }, ["sending"])

        let restarted = Delivery(database: database, config: config, clock: clock)
        XCTAssertEqual(try restarted.recoverWaiting(), 1)
        XCTAssertEqual(try posts(database).map { $0["state"] as String }, ["sent"], "its key was journalled before the rename")
        XCTAssertEqual(try restarted.runOnceWaiting().sent, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.file("outbox-spool")).filter { $0.hasSuffix(".json") }, [],
                       "not written again")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: taken).count, 1)
        XCTAssertEqual(folder.read("cache.sqlite-spooled"), "", "settled keys are not kept")
        killed.signal()
        XCTAssertEqual(stopped.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(try ours(database).count, 1, "in the thread once")

        // Killed before the rename: the half-made file is removed and the post goes again.
        try service.reply(to: id, text: "after a crash before the rename", by: sam)
        clock.advance(seconds: 10)
        let key = try XCTUnwrap(try database.read { db in try String.fetchOne(db, sql: "SELECT idempotency_key FROM outbox WHERE id = 2") })
        try database.write { db in try db.execute(sql: "UPDATE outbox SET state = 'sending', attempts = 1 WHERE id = 2") }
        try "{\"half".write(toFile: folder.file("outbox-spool/\(key).json.tmp"), atomically: false, encoding: .utf8)
        XCTAssertEqual(try restarted.recoverWaiting(), 1)
        XCTAssertEqual(try posts(database).last?["state"], "queued")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("outbox-spool/\(key).json.tmp")))
        XCTAssertEqual(try restarted.runOnceWaiting().sent, 1)
    }

    func testCannedRepliesTheSignatureAndTheSafetyNet() throws {
        var config = self.config
        config.cannedReplies = [CannedReply(name: "move-to-dm", text: "Hi {first_name}, DM us about {case}, {operator} here. {signature}"),
                                CannedReply(name: "outage", text: "We know ({incident}). {signature}")]
        let (database, id) = try cache()
        let service = ActionService(database: database, config: config, clock: clock)
        XCTAssertEqual(try service.cannedText("MOVE", conversation: id, by: sam), "Hi dana, DM us about #\(id), Sam here. ^SB")
        XCTAssertEqual(try service.cannedText("out", conversation: id, by: sam), "We know. ^SB", "no incident: nothing, not empty brackets")
        XCTAssertThrowsError(try service.cannedText("thanks", conversation: id, by: sam)) {
            XCTAssertEqual(($0 as! HeedError).message, "no canned reply \"thanks\"; there are move-to-dm, outage")
        }
        try service.reply(to: id, text: "Sorry about that", by: sam)
        XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "SELECT text FROM outbox") }, "Sorry about that ^SB",
                       "the signature is added")
        XCTAssertThrowsError(try service.reply(to: id, text: "write to dana@example.com or call +44 20 7946 0958", by: sam)) {
            XCTAssertEqual(($0 as! HeedError).message, "this public reply seems to hold an e-mail address and a phone number: send it anyway on purpose, "
                + "or move the customer to direct messages (canned reply move-to-dm)")
        }
        XCTAssertNoThrow(try service.reply(to: id, text: "write to dana@example.com", by: sam, anyway: true))
        XCTAssertEqual(PrivateData.findings("card 4111-1111-1111-1111 please"), ["a card number"])
        XCTAssertEqual(PrivateData.findings("card 4111-1111-1111-1112 please"), ["an account number"], "fails Luhn: still a long number")
        XCTAssertEqual(PrivateData.findings("back by 10:30, order 42 of 2026"), [])
    }

    func testARepliesLengthIsCountedAsItsChannelCountsIt() throws {
        XCTAssertEqual(ChannelLength.measure("see https://example.com/a/very/long/path/that/goes/on/and/on", channel: "x").used, 4 + 23)
        XCTAssertEqual(ChannelLength.measure("カード", channel: "x").used, 6, "CJK counts two on X")
        XCTAssertEqual(ChannelLength.measure("カード", channel: "mastodon").used, 3)
        XCTAssertNil(ChannelLength.problem(String(repeating: "a", count: 280), channel: "x"))
        XCTAssertEqual(ChannelLength.problem(String(repeating: "a", count: 281), channel: "x"), "281 of 280 characters as x counts them: 1 too many")
        let (database, id) = try cache()
        XCTAssertThrowsError(try ActionService(database: database, config: config, clock: clock).reply(to: id, text: String(repeating: "é", count: 300), by: sam)) {
            XCTAssertTrue(($0 as! HeedError).message.hasPrefix("too long to send: 304 of 280"), "the signature counts too")
        }
    }
}

extension Delivery {
    /// The async rounds, waited for (the tests are synchronous).
    func runOnceWaiting() throws -> Report { try waitFor { try await runOnce() } }
    func recoverWaiting() throws -> Int { try waitFor { try await recover() } }
}
