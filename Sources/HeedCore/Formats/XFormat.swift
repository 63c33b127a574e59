/// X (Twitter) API v2 responses: `data` (one tweet or a list), `includes.users` for authors,
/// `includes.tweets` for the full text of retweets. A file may hold one response, or one a
/// line as twarc writes them.
struct XFormat: MentionFormat {
    let name = "x"
    let summary = "X API v2 responses (data[], includes.users[]), one per file or one a line (twarc)"

    /// X's epoch for the time inside tweet ids (snowflakes), in Unix milliseconds.
    static let snowflakeEpoch: Int64 = 1_288_834_974_657

    func recognises(_ document: JSONNode) -> Bool {
        guard let data = document["data"] else { return false }
        switch data.value {
        case .array(let tweets): return tweets.first.map { $0["id"] != nil && $0["text"] != nil } ?? (document["meta"] != nil)
        case .object: return data["id"] != nil && data["text"] != nil
        default: return false
        }
    }

    func records(in document: JSONNode, context: FormatContext) -> [FormatRecord] {
        let tweets: [JSONNode]
        var single = false
        switch document["data"]?.value {
        case .array(let items): tweets = items
        case .object: tweets = [document["data"]!]; single = true
        default: return [.rejected(Rejection(line: document.line, field: "data", reason: "expected a tweet or a list of tweets"), record: nil)]
        }
        var users: [String: JSONNode] = [:]
        if case .array(let list) = document["includes"]?["users"]?.value {
            for user in list { if let id = user["id"]?.string { users[id] = user } }
        }
        var included: [String: JSONNode] = [:]
        if case .array(let list) = document["includes"]?["tweets"]?.value {
            for tweet in list { if let id = tweet["id"]?.string { included[id] = tweet } }
        }
        return tweets.enumerated().map { offset, tweet in
            let path = single ? "data" : "data[\(offset)]"
            return FormatRecord.from(tweet, path: path) { try mention(tweet, path: path, users: users, included: included) }
        }
    }

    private func mention(_ node: JSONNode, path: String, users: [String: JSONNode], included: [String: JSONNode]) throws -> IncomingMention {
        let tweet = RecordReader(node: node, path: path)
        let id = try tweet.requiredString("id")
        guard let authorID = try tweet.string("author_id") else {
            throw FieldError(field: tweet.field("author_id"), reason: "missing (request it with tweet.fields=author_id and expansions=author_id)")
        }
        guard let userNode = users[authorID] else {
            throw FieldError(field: "includes.users", reason: "no user \(authorID) (request expansions=author_id)")
        }
        let user = RecordReader(node: userNode, path: "includes.users[id=\(authorID)]")
        let username = try user.requiredString("username")
        let metrics = try tweet.object("public_metrics")
        var text = try tweet.requiredString("text")
        var inReplyTo: String?
        var quoted: String?
        for (index, reference) in (try tweet.array("referenced_tweets") ?? []).enumerated() {
            let ref = RecordReader(node: reference, path: tweet.field("referenced_tweets[\(index)]"))
            switch try ref.string("type") {
            case "replied_to": inReplyTo = try ref.string("id")
            case "quoted": quoted = try ref.string("id")
            case "retweeted":
                // A retweet's own text is cut at 140 characters; the original holds all of it.
                if let original = try ref.string("id").flatMap({ included[$0] }), let full = original["text"]?.string,
                   let prefix = text.range(of: ": ") {
                    text = String(text[..<prefix.upperBound]) + full
                }
            default: break
            }
        }
        // Without tweet.fields=created_at the time is still in the id (a snowflake).
        let createdAt = try tweet.time("created_at") ?? Int64(id).map { ($0 >> 22) + Self.snowflakeEpoch }
        guard let createdAt else { throw FieldError(field: tweet.field("created_at"), reason: "missing") }
        let userMetrics = try user.object("public_metrics")
        return IncomingMention(
            channel: "x", sourceID: id, text: text, createdAt: createdAt,
            author: IncomingAuthor(id: authorID, handle: username, name: try user.string("name"),
                                   followers: try userMetrics?.count("followers_count") ?? 0,
                                   verified: try user.bool("verified") ?? false),
            url: "https://x.com/\(username)/status/\(id)", inReplyTo: inReplyTo,
            threadID: try tweet.string("conversation_id"), lang: try tweet.string("lang"),
            metrics: Metrics(likes: try metrics?.count("like_count") ?? 0,
                             reposts: (try metrics?.count("retweet_count") ?? 0) + (try metrics?.count("quote_count") ?? 0),
                             replies: try metrics?.count("reply_count") ?? 0),
            extra: quoted.map { JSONWriter.object([("quoted_tweet_id", $0)]) })
    }
}
