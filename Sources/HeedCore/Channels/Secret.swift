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

    /// The secrets file's entries; none when it does not exist; refused when others may read it.
    func fileSecrets(at path: String) throws -> [String: String] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [:] }
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
        var secrets: [String: String] = [:]
        for member in members {
            guard let value = member.value.string else { throw HeedError("\(path):\(member.value.line): \(member.key): expected a string", .config) }
            secrets[member.key] = value
        }
        return secrets
    }

    /// Stores `secret` for `account` in the secrets file (created readable by this user only).
    public func store(_ secret: Secret, for account: String) throws {
        guard let path else { throw HeedError("there is no config file to put secrets.json beside", .config) }
        var secrets = try fileSecrets(at: path)
        secrets[account] = secret.reveal()
        let text = JSONWriter.object(secrets.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }) + "\n"
        try FileReplacement.write(Array(text.utf8), to: path, mode: 0o600)
    }
}
