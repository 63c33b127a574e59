import Foundation

/// What `heed account add` asks for each network, and what to do on the network's side first
/// (docs/channels.md has it in full).
public enum AccountGuide {
    /// One thing to ask: the config field it fills, the question, and what is wrong with an
    /// answer (nil when it will do).
    public struct Question: Sendable {
        public let field: String
        public let prompt: String
        public let problem: @Sendable (String) -> String?
    }

    public static func questions(for network: ConnectedAccount.Network) -> [Question] {
        let url = Question(field: "url", prompt: "its address: " + AccountReader.urlExample(network), problem: urlProblem)
        let handle = Question(field: "handle", prompt: "our account's name there", problem: { $0.isEmpty ? "give our account's name" : nil })
        switch network {
        case .mastodon, .bluesky, .discourse: return [url, handle]
        case .feed: return [url]
        case .x, .reddit, .youtube, .facebook:
            return [Question(field: "client_id", prompt: "the client id of the team's app there", problem: { $0.isEmpty ? "give the app's client id" : nil }),
                    handle]
        case .email:
            return [Question(field: "maildir", prompt: "the Maildir folder mbsync, fetchmail or offlineimap fill", problem: { $0.isEmpty ? "give the folder" : nil }),
                    Question(field: "from", prompt: "the address our replies come from", problem: { $0.contains("@") ? nil : "an e-mail address, like help@northwind.example" })]
        }
    }

    /// The channel an account of `network` is listed under.
    public static func channel(of network: ConnectedAccount.Network) -> String {
        switch network {
        case .mastodon: "mastodon"
        case .bluesky: "bluesky"
        case .discourse: "forum"
        case .feed: "blog"
        case .email: "email"
        case .x: "x"
        case .reddit: "reddit"
        case .youtube: "youtube"
        case .facebook: "facebook"
        }
    }

    @Sendable static func urlProblem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host?.isEmpty == false else {
            return "\"\(text)\" is not an http(s) address"
        }
        return nil
    }

    public static func steps(for network: ConnectedAccount.Network) -> [String] {
        switch network {
        case .mastodon:
            ["Mastodon: on the instance, Preferences → Development → New application, with the scopes read:notifications, read:statuses, "
                + "read:accounts and write:statuses; its \"access token\" is the secret. With --stream, mentions come as they happen."]
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
                + "sendmail-compatible program (msmtp, sendmail; `sendmail -t -i` unless the config's \"sendmail\" says otherwise)."]
        case .x:
            ["X: in the developer portal, the team's app → User authentication settings: OAuth 2.0, type \"Native App\" (a public client), "
                + "callback http://127.0.0.1:8765/callback (or any address you give as \"redirect_uri\"); its OAuth 2.0 Client ID is \"client_id\". "
                + "Then `heed account login NAME` signs in as the help account (scopes tweet.read users.read tweet.write offline.access)."]
        case .reddit:
            ["Reddit: at https://www.reddit.com/prefs/apps, \"create another app\" of type \"installed app\", redirect "
                + "http://127.0.0.1:8765/callback; the id under its name is \"client_id\". Then `heed account login NAME` signs in as the help "
                + "account (scopes identity privatemessages read submit)."]
        case .youtube:
            ["YouTube: in the Google Cloud console, a project with the YouTube Data API v3 enabled, an OAuth consent screen, and "
                + "Credentials → OAuth client ID of type \"Desktop app\"; its client ID is \"client_id\", its client secret goes to secrets.json as "
                + "{\"NAME.client_secret\": \"…\"}. Then `heed account login NAME` signs in as the channel's owner (scope youtube.force-ssl)."]
        case .facebook:
            ["Facebook: at developers.facebook.com, an app of type Business with Facebook Login, the redirect http://127.0.0.1:8765/callback "
                + "as a valid OAuth redirect URI; its App ID is \"client_id\", its App Secret goes to secrets.json as {\"NAME.client_secret\": \"…\"}. "
                + "The handle is the page's name (or give its \"id\"). Then `heed account login NAME` signs in as one of the page's admins; heed "
                + "answers as the page."]
        }
    }
}
