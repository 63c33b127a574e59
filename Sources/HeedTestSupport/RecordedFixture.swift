import Foundation
import HeedCore

/// A shared fixture that no longer holds what a test reads from it: the test fails, saying
/// which — it is never skipped.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

/// What the tests read out of the Mastodon instance's recorded answers.
public enum RecordedMastodon {
    public static let folder = Paths.sharedFixtures + "/mastodon"
    public static let notifications = folder + "/test_notifications_mentions_only.1.json"

    /// The notifications page as recorded.
    public static func notificationsPage() throws -> JSONNode {
        try JSONParser.parse(try Data(contentsOf: URL(fileURLWithPath: notifications)))
    }

    /// The status the recorded mention notification carries, as `GET /api/v1/statuses/:id` answers it.
    public static func mentionStatusJSON() throws -> String {
        guard case .array(let items) = try notificationsPage().value, let status = items.first?["status"] else {
            throw FixtureError("\(notifications) no longer holds a notification with its status")
        }
        return JSONWriter.string(status)
    }
}
