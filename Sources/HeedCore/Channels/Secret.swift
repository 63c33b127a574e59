import Foundation

/// A password, token or key: it prints as `••••` wherever it goes by mistake (a log line, an
/// error), so the only way to its text is `reveal`, where it is sent.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    private let text: String

    public init(_ text: String) { self.text = text }

    public func reveal() -> String { text }

    public var description: String { "••••" }
    public var debugDescription: String { "••••" }
}

/// Where an account's secret comes from, never config.json: the environment
/// (`HEED_SECRET_<NAME>`), the secrets file beside the config (refused, as ssh does, when others
/// may read it), or the account's `secret_command`.
public struct Secrets: Sendable {
    /// The secrets file: `secrets.json` beside the config, `{"account-name": "the secret"}`.
    public let path: String?
    private let environment: [String: String]

    public init(configPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        path = configPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("secrets.json").path }
        self.environment = environment
    }

    /// The variable that holds `account`'s secret.
    public static func variable(for account: String) -> String {
        "HEED_SECRET_" + account.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    /// `account`'s secret, or why there is none.
    public func secret(for account: ConnectedAccount) throws -> Secret {
        if let value = environment[Self.variable(for: account.name)], !value.isEmpty { return Secret(value) }
        if let command = account.secretCommand {
            guard let output = try ChildProcess.run(command, timeout: 30) else {
                throw HeedError("\(account.name): the secret command \(command[0]) took longer than 30 s", .config)
            }
            guard output.exit.status == 0 else {
                throw HeedError("\(account.name): the secret command \(command[0]) failed (exit \(output.exit.status)): \(output.lastErrorLine)", .config)
            }
            let text = String(decoding: output.stdout, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            guard !text.isEmpty else { throw HeedError("\(account.name): the secret command \(command[0]) printed nothing", .config) }
            return Secret(text)
        }
        if let path, let stored = try fileSecrets(at: path)[account.name] { return Secret(stored) }
        throw HeedError("\(account.name) has no secret: put it in \(path ?? "secrets.json beside the config") as "
            + "{\"\(account.name)\": \"…\"} (readable by you only), set \(Self.variable(for: account.name)), or give the account a \"secret_command\"",
            .config)
    }

    /// The secrets file's string entries (an OAuth account's tokens are an object, and left out).
    func fileSecrets(at path: String) throws -> [String: String] {
        var secrets: [String: String] = [:]
        for (name, value) in try fileEntries(at: path) {
            if let text = value.string { secrets[name] = text }
        }
        return secrets
    }

    /// The secrets file's entries, a secret's text or a sign-in's tokens each; none when it does
    /// not exist; refused when others may read it.
    private func fileEntries(at path: String) throws -> [(String, JSONNode)] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [] }
        if info.st_mode & 0o077 != 0 {
            throw HeedError("\(path) may be read by others (mode \(String(info.st_mode & 0o777, radix: 8))): heed does not read secrets from it; "
                + "chmod 600 \(path)", .config)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw HeedError("cannot read \(path)", .unreadable) }
        let node: JSONNode
        do {
            node = try JSONParser.parse(data)
        } catch {
            throw HeedError("\(path): line \(error.line): not valid JSON: \(error.reason)", .config)
        }
        guard case .object(let members) = node.value else { throw HeedError("\(path): expected an object of account names to secrets", .config) }
        return try members.map { member in
            guard member.value.string != nil || OAuthTokens.from(stored: member.value) != nil else {
                throw HeedError("\(path):\(member.value.line): \(member.key): expected a string (or a sign-in's tokens, as `heed account login` writes them)", .config)
            }
            return (member.key, member.value)
        }
    }

    /// Stores `secret` for `account` in the secrets file (created readable by this user only).
    public func store(_ secret: Secret, for account: String) throws {
        try storeEntry(.string(secret.reveal()), for: account)
    }

    /// The tokens signing in to `account`'s network gave, from the environment (an access token
    /// alone) or the secrets file; nil when it has not been signed in to.
    public func tokens(for account: ConnectedAccount) throws -> OAuthTokens? {
        if let value = environment[Self.variable(for: account.name)], !value.isEmpty { return OAuthTokens(access: Secret(value)) }
        guard let path else { return nil }
        return try fileEntries(at: path).first { $0.0 == account.name }.flatMap { OAuthTokens.from(stored: $0.1) }
    }

    /// A credential of `account`'s app, where its network asks for one: `client_secret` (Google,
    /// Facebook) or `client_token` (Facebook's sign-in by a code): `HEED_SECRET_NAME_CLIENT_SECRET`
    /// (the credential's name in capitals), else `NAME.client_secret` in the secrets file.
    public func client(_ credential: String, for account: ConnectedAccount) throws -> Secret? {
        if let value = environment[Self.variable(for: account.name) + "_" + credential.uppercased()], !value.isEmpty { return Secret(value) }
        guard let path else { return nil }
        return try fileSecrets(at: path)[account.name + "." + credential].map(Secret.init)
    }

    /// Stores the tokens of `account`'s sign-in, replacing those before.
    public func store(_ tokens: OAuthTokens, for account: String) throws {
        try storeEntry(tokens.stored, for: account)
    }

    /// Holds the secrets file's lock for `body`: two processes renewing one sign-in at once would
    /// each spend the same refresh token, and the network takes it only once.
    func exclusively<T>(_ body: () async throws -> T) async throws -> T {
        guard let path else { return try await body() }
        let descriptor = Foundation.open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return try await body() }
        defer { Foundation.close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }

    private func storeEntry(_ value: JSONValue, for account: String) throws {
        guard let path else { throw HeedError("there is no config file to put secrets.json beside", .config) }
        var entries = try fileEntries(at: path).filter { $0.0 != account }.map { ($0.0, $0.1.value) }
        entries.append((account, value))
        let text = JSONWriter.object(entries.sorted { $0.0 < $1.0 }) + "\n"
        try FileReplacement.write(Array(text.utf8), to: path, mode: 0o600)
    }
}
