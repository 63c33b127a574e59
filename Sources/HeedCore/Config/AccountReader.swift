import Foundation

/// Reads a connected account (`accounts.CHANNEL[i]` as an object) and says what is missing for
/// its network.
enum AccountReader {
    static let fields = ["name", "network", "handle", "url", "id", "poll_seconds", "stream", "maildir", "sendmail", "from", "secret_command",
                         "client_id", "redirect_uri", "post_cap"]

    static func read(_ node: JSONNode, _ path: String, channel: String, _ r: inout ConfigReader) -> ConnectedAccount? {
        guard let f = r.fields(node, path, allowed: fields, required: ["name"]),
              let name = f["name"].flatMap({ r.string($0, path + ".name") }) else { return nil }
        guard ConnectedAccount.isValidName(name) else {
            r.problem(f["name"]!, path + ".name", "\"\(name)\": use letters, digits, - and _ (it names the account's secret)")
            return nil
        }
        let network: ConnectedAccount.Network
        if let node = f["network"], let text = r.string(node, path + ".network") {
            guard let known = ConnectedAccount.Network(rawValue: text) else {
                let all = ConnectedAccount.Network.allCases.map(\.rawValue).joined(separator: ", ")
                r.problem(node, path + ".network", "\"\(text)\" is not a network heed connects to: \(all)")
                return nil
            }
            network = known
        } else if let known = ConnectedAccount.defaultNetwork(channel: channel) {
            network = known
        } else {
            r.problem(node, path, "heed does not connect to \(channel) itself yet: list the account as a handle (\"\(channel)\": [\"…\"]), "
                + "or give \"network\"")
            return nil
        }
        var url: URL?
        if let node = f["url"], let text = r.string(node, path + ".url") {
            if let parsed = URL(string: text), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil {
                url = parsed
            } else {
                r.problem(node, path + ".url", "\"\(text)\" is not an http(s) URL")
            }
        }
        let handle = f["handle"].flatMap { r.string($0, path + ".handle") }
        var account = ConnectedAccount(name: name, channel: channel, network: network, handle: handle ?? name, url: url,
                                       pollSeconds: f["poll_seconds"].flatMap { r.int($0, path + ".poll_seconds", in: 1...86_400) })
        account.stream = f["stream"].flatMap { r.bool($0, path + ".stream") } ?? false
        account.maildir = f["maildir"].flatMap { r.string($0, path + ".maildir") }.map(Workspace.expandingHome)
        account.sendmail = f["sendmail"].flatMap { ConfigLoader.readProgram($0, path + ".sendmail", &r) }
        account.from = f["from"].flatMap { r.string($0, path + ".from") }
        account.accountID = f["id"].flatMap { r.string($0, path + ".id") }
        account.clientID = f["client_id"].flatMap { r.string($0, path + ".client_id") }
        if let node = f["redirect_uri"], let text = r.string(node, path + ".redirect_uri") {
            if let parsed = URL(string: text), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil {
                account.redirectURI = text
            } else {
                r.problem(node, path + ".redirect_uri", "\"\(text)\" is not an http(s) URL (the redirect registered with the app)")
            }
        }
        if let node = f["post_cap"] {
            if network != .x {
                r.problem(node, path + ".post_cap", "only X caps the posts an app reads a month")
            } else if let cap = r.int(node, path + ".post_cap", in: 1...1_000_000_000) {
                account.postCap = cap
            }
        }
        if let node = f["secret_command"], let command = r.strings(node, path + ".secret_command") {
            if command.isEmpty { r.problem(node, path + ".secret_command", "give the program and its arguments") } else { account.secretCommand = command }
        }
        // What each network cannot do without.
        switch network {
        case .mastodon, .bluesky, .discourse, .feed:
            if url == nil && f["url"] == nil { r.problem(node, path, "a \(network.rawValue) account needs \"url\" (\(urlExample(network)))") }
            if handle == nil && network != .feed { r.problem(node, path, "a \(network.rawValue) account needs \"handle\" (our account's name there)") }
        case .x, .reddit, .youtube, .facebook:
            if account.clientID == nil { r.problem(node, path, "a \(network.rawValue) account needs \"client_id\", the id of the team's app there") }
            if handle == nil { r.problem(node, path, "a \(network.rawValue) account needs \"handle\" (our account's name there)") }
        case .email:
            if account.maildir == nil { r.problem(node, path, "an email account needs \"maildir\" (the folder mbsync, fetchmail or offlineimap fill)") }
            if account.from == nil { r.problem(node, path, "an email account needs \"from\" (the address our replies come from)") }
        }
        if network == .mastodon, account.stream, url == nil { r.problem(node, path + ".stream", "streaming needs the instance's \"url\"") }
        return account
    }

    static func urlExample(_ network: ConnectedAccount.Network) -> String {
        switch network {
        case .mastodon: "the instance, such as https://mastodon.social"
        case .bluesky: "the account's service, such as https://bsky.social"
        case .discourse: "the forum, such as https://forum.example.com"
        case .feed: "the comment feed's address"
        case .x: "https://api.x.com, its API (the default)"
        case .reddit: "https://oauth.reddit.com, its API (the default)"
        case .youtube: "https://www.googleapis.com, its API (the default)"
        case .facebook: "https://graph.facebook.com, the Graph API (the default)"
        case .email: ""
        }
    }
}
