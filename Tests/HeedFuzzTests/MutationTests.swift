import Foundation
import HeedCore
import HeedTestSupport
import XCTest

/// 20,000 corrupted variants of every real payload through every importer's reading path
/// (seeded: a failure names its payload, seed and variant, so it can be replayed with
/// `heed-bench fuzz`). Built and run in release by scripts/test: in a debug build it would
/// take hours. HEED_MUTATIONS sets the number of variants.
final class MutationTests: XCTestCase {
    static let iterations = Int(ProcessInfo.processInfo.environment["HEED_MUTATIONS"] ?? "") ?? 20_000
    static let ownFixtures = Paths.packageRoot + "/Tests/HeedCoreTests/Fixtures"

    static let payloads: [String] = [
        "x/brexit.jsonl", "x/many_urls.jsonl", "x/mentions_tweet.jsonl", "x/streaming_output_with_error.jsonl",
        "x/test_client_get_users_mentions.0.json", "x/test_client_search_recent_tweets.0.json", "x/twcs_sample.csv",
        "mastodon/test_notifications_mentions_only.1.json", "mastodon/test_status_reply.3.json", "mastodon/test_status_context.0.json",
        "reddit/TestInbox.test_mentions.1.json", "reddit/TestSubmission.test_comments.1.json",
        "bluesky/thread_view_post_with_embed_media.json", "forum/topic.json", "forum/posts_latest.json",
        "email/users_ponymail_apache_org_2022-01.mbox",
    ].map { Paths.sharedFixtures + "/" + $0 } + [
        "bluesky-list-notifications.json", "facebook-comments.json", "youtube-comment-threads.json", "linkedin-comments.json",
        "wordpress-comments.rss", "atom-comments.xml",
    ].map { ownFixtures + "/" + $0 }

    func testEveryPayloadSurvivesItsCorruptedVariants() throws {
        let folder = TemporaryFolder("heed-fuzz")
        let started = Date()
        for (index, payload) in Self.payloads.enumerated() {
            let clean = try ImportReader.read(path: payload)
            XCTAssertNotNil(clean.format, payload)
            var run = FuzzRun(iterations: Self.iterations, seed: UInt64(index + 1), scratch: folder.file("variant"))
            // A line every few seconds, so that a long pass is seen to be going.
            let name = URL(fileURLWithPath: payload).lastPathComponent
            run.onProgress = { done in
                // Standard error is not buffered: the line shows when it is written, through a pipe too.
                FileHandle.standardError.write(Data(("mutations: payload \(index + 1) of \(Self.payloads.count) (\(name)): \(done) of \(Self.iterations) "
                    + "variants, \(Int(Date().timeIntervalSince(started))) s in\n").utf8))
            }
            let totals = try run.run(payload: payload)
            XCTAssertGreaterThan(totals.mentions + totals.rejections + totals.refused, 0, payload)
        }
    }
}
