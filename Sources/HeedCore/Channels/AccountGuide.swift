/// What to do on a network's side before heed can connect to it, as `heed account add` says it
/// (docs/channels.md has it in full).
public enum AccountGuide {
    public static func steps(for network: ConnectedAccount.Network) -> [String] {
        switch network {
        case .mastodon:
            ["Mastodon: on the instance, Preferences → Development → New application, with the scopes read:notifications, read:statuses "
                + "and write:statuses; its \"access token\" is the secret."]
        case .bluesky:
            ["Bluesky: Settings → Privacy and security → App passwords → Add; the app password is the secret (never the account's own). "
                + "The handle is the account's (northwind.bsky.social); the address its service (https://bsky.social)."]
        case .discourse:
            ["Discourse: Admin → API → New API key, for a single user (our support account), with the scopes to read notifications and "
                + "posts and to write posts; the key is the secret, the handle that username."]
        case .feed:
            ["A comment feed: its address is all heed needs (it asks with ETag and If-Modified-Since, so an unchanged feed costs nothing)."]
        case .email:
            ["E-mail: heed reads a Maildir that mbsync, fetchmail or offlineimap fill (it never changes it) and sends replies through a "
                + "sendmail-compatible program (msmtp, sendmail): give \"maildir\", \"from\", and \"sendmail\" if it is not `sendmail -t -i`."]
        }
    }
}
