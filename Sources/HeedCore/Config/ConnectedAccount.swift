import Foundation

/// One of our accounts that heed hears and answers itself (`heed run`): an object under
/// `accounts.CHANNEL` in the config. Its secret never lives in config.json (`Secrets`).
public struct ConnectedAccount: Sendable, Equatable {
    /// What heed talks to for it.
    public enum Network: String, Sendable, CaseIterable {
        case mastodon, bluesky, discourse, feed
        /// A Maildir that mbsync, fetchmail or offlineimap fill; replies through sendmail.
        case email
        /// OAuth 2.0 networks: signed in to with `heed account login`.
        case x, reddit, youtube, facebook
    }

    /// Its name in heed (`heed account check NAME`, the secrets file, the logs).
    public var name: String
    public var channel: String
    public var network: Network
    /// Our handle there (`help@mastodon.social`, `northwind.bsky.social`, a forum username):
    /// its posts are ours.
    public var handle: String
    /// The instance, service or forum (`https://mastodon.social`), or the feed's URL.
    public var url: URL?
    /// How often it is asked for what is new.
    public var pollSeconds: Int
    /// Mastodon: the streaming API instead of polling (polling again when it fails).
    public var stream = false
    /// Email: the Maildir folder, and the sendmail-compatible program replies go through.
    public var maildir: String?
    public var sendmail: Program?
    /// Email: the From address of our replies.
    public var from: String?
    /// OAuth networks: the team's app there (its client id, public), and the redirect address
    /// registered with it (a loopback one heed listens on when unset).
    public var clientID: String?
    public var redirectURI: String?
    /// Our account's id on the network when the config gives it (X: the numeric user id), saving
    /// a request to ask.
    public var accountID: String?
    /// X: how many posts a month the app's tier may read (its "Post cap"), shown beside what was
    /// read; Basic's 10,000 unless the config says (the Free tier cannot read mentions).
    public var postCap: Int?
    /// A program that prints the secret (`pass show heed/mastodon`), run without a shell.
    public var secretCommand: [String]?

    public init(name: String, channel: String, network: Network, handle: String, url: URL? = nil, pollSeconds: Int? = nil) {
        self.name = name
        self.channel = channel
        self.network = network
        self.handle = handle
        self.url = url
        self.pollSeconds = pollSeconds ?? (network == .feed ? 300 : 30)
        postCap = network == .x ? 10_000 : nil
    }

    /// The network a channel's accounts use unless they say.
    public static func defaultNetwork(channel: String) -> Network? {
        switch channel {
        case "mastodon": .mastodon
        case "bluesky": .bluesky
        case "forum": .discourse
        case "blog": .feed
        case "email": .email
        case "x": .x
        case "reddit": .reddit
        case "youtube": .youtube
        case "facebook": .facebook
        default: nil
        }
    }

    /// An account's name names its secret (`HEED_SECRET_NAME`, a key of secrets.json): letters,
    /// digits, - and _.
    public static func isValidName(_ name: String) -> Bool {
        name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }

    /// Whether it needs a secret at all (a public feed does not; a Maildir is the user's own).
    public var needsSecret: Bool { network != .feed && network != .email && !signsIn }

    /// Whether its secret is a sign-in's tokens (`heed account login`) rather than one given.
    public var signsIn: Bool { [.x, .reddit, .youtube, .facebook].contains(network) }
}

extension Config {
    /// The account named `name`.
    public func connectedAccount(named name: String) -> ConnectedAccount? {
        connectedAccounts.first { $0.name == name }
    }

    /// The connected account a post on `channel` from `handle` goes through (the first of the
    /// channel's when the post names none).
    public func connectedAccount(channel: String, handle: String?) -> ConnectedAccount? {
        let candidates = connectedAccounts.filter { $0.channel == channel }
        guard let handle else { return candidates.first }
        let bare = handle.hasPrefix("@") ? String(handle.dropFirst()) : handle
        return candidates.first { $0.handle.caseInsensitiveCompare(bare) == .orderedSame || $0.name == handle } ?? candidates.first
    }
}
