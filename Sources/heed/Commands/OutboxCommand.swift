import ArgumentParser
import HeedCore

struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Our posts waiting to go, failed or sent: list them, cancel or retry one.",
        subcommands: [List.self, Cancel.self, Retry.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Posts not yet sent first (by when they go), then the sent, latest first.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "At most this many.")
        var limit = 50

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            try guarded {
                let database = try global.workspace().openCache()
                let posts = try database.read { db in try OutboxEntry.list(db, limit: max(0, limit)) }
                if json {
                    try printJSON(posts)
                    return
                }
                if posts.isEmpty { print("the outbox is empty") }
                let now = SystemClock().now()
                for post in posts {
                    let when = post.sendAfter > now ? "in " + Age.short(milliseconds: post.sendAfter - now) : Age.short(milliseconds: now - post.sendAfter) + " ago"
                    let to = post.conversationID.map { " to #\($0)" } ?? ""
                    let error = post.lastError.map { " · " + DisplayText(untrusted: $0).string } ?? ""
                    print("\(post.id) · \(post.state) · \(post.kind)\(to) · \(post.channel) · \(when) · by \(post.operatorHandle)\(error) · "
                        + DisplayText(untrusted: post.text).string)
                }
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Withdraw a post that is not on its way yet.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        func validate() throws { try options.refuseVersion() }

        @Argument(help: "The post's number (`heed outbox list`).")
        var id: Int64

        func run() throws {
            try runAction(global, options) { service, actor in try service.cancel(post: id, by: actor) }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retry", abstract: "Send a failed post (or one left for checking) again.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ActionOptions

        func validate() throws { try options.refuseVersion() }

        @Argument(help: "The post's number (`heed outbox list`).")
        var id: Int64

        func run() throws {
            try runAction(global, options) { service, actor in try service.retry(post: id, by: actor) }
        }
    }
}
