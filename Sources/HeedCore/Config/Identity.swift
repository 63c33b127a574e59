import Foundation

/// Who runs this process as the system knows them — the real uid and its login name, never what
/// the environment claims (`$USER` is anyone's to set) — and whether they may act for others.
public struct Identity: Sendable, Equatable {
    public var uid: UInt32
    /// The uid's login name, nil for a uid the system has no name for.
    public var unixUser: String?
    /// Whether the config that names the team is this user's to change. Whoever can edit it can
    /// give themselves any role, so `--as` and `HEED_OPERATOR` are honoured for them as for a lead;
    /// an agent reading a team's config they cannot change acts only as themselves.
    public var mayChangeConfig: Bool
    /// The config the cache is bound to, when this process reads another and cannot change that
    /// one: who they are is then not taken from a file of their own making.
    public var boundConfig: String?

    public init(uid: UInt32, unixUser: String?, mayChangeConfig: Bool, boundConfig: String? = nil) {
        (self.uid, self.unixUser, self.mayChangeConfig, self.boundConfig) = (uid, unixUser, mayChangeConfig, boundConfig)
    }

    /// The login name, else the uid: how messages name this user.
    public var login: String { unixUser ?? "uid \(uid)" }

    /// This process's real uid and its name.
    public static func process(mayChangeConfig: Bool, boundConfig: String? = nil) -> Identity {
        Identity(uid: realUID, unixUser: realUser, mayChangeConfig: mayChangeConfig, boundConfig: boundConfig)
    }

    /// The uid every event this process logs records beside its operator.
    static let realUID: UInt32 = getuid()

    static let realUser: String? = {
        var entry = passwd(), found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(realUID, &entry, &buffer, buffer.count, &found) == 0, found != nil, let name = entry.pw_name else { return nil }
        return String(cString: name)
    }()

    /// Whether this process's real uid may change the config `source` names: a file it may write
    /// or replace (a folder it may write that is not sticky). The built-in example and the defaults
    /// are no file, so whoever has the cache may.
    static func mayChange(_ source: String) -> Bool {
        guard source != ConfigBinding.example, source != ConfigBinding.defaults else { return true }
        if access(source, W_OK) == 0 { return true }
        let parent = (source as NSString).deletingLastPathComponent
        let folder = parent.isEmpty ? "." : parent
        var status = stat()
        return access(folder, W_OK) == 0 && stat(folder, &status) == 0 && status.st_mode & S_ISVTX == 0
    }
}

extension Config {
    /// The operator whose `unix_user` is this identity's login.
    public func ownOperator(_ identity: Identity) -> Operator? {
        identity.unixUser.flatMap { user in operators.first { $0.unixUser == user } }
    }

    /// Whether this identity may act for other operators, and do what concerns the whole team's
    /// cache: a lead, or whoever may change the config.
    func mayActForOthers(_ identity: Identity) -> Bool {
        identity.boundConfig == nil && (identity.mayChangeConfig || ownOperator(identity)?.role == .lead)
    }

    /// The operator at this terminal, as `actingOperator` decides it; nil when heed does not know
    /// them or would refuse whom they name.
    public func currentOperator(environment: [String: String], identity: Identity) -> String? {
        (try? actingOperator(named: nil, environment: environment, identity: identity))?.handle
    }

    /// The operator an action is done as: their own (`unix_user` is their login); another —
    /// `--as` (`named`), else `HEED_OPERATOR` — only for a lead or whoever may change the config.
    /// Anyone the config does not list is refused with how to be added.
    public func actingOperator(named: String?, environment: [String: String], identity: Identity) throws -> Operator {
        let login = identity.login
        if let bound = identity.boundConfig {
            throw HeedError("the cache is bound to the config \(bound), which you cannot change, and heed takes who you are from it: "
                + "use --config \(bound)", .notPermitted)
        }
        let own = ownOperator(identity)
        let requested = named ?? environment["HEED_OPERATOR"].flatMap { $0.isEmpty ? nil : $0 }
        guard let requested, requested != own?.handle else {
            guard let own else {
                let yours = identity.mayChangeConfig ? "; the config is yours to change, so --as HANDLE or HEED_OPERATOR may name whom you act as" : ""
                throw HeedError("heed does not know who you are (your login is \(login)\(yours))", .notPermitted, hint: .identify)
            }
            return own
        }
        guard let member = self.operator(handle: requested) else {
            let known = operators.isEmpty ? "the config lists no operators" : "operators: " + operators.map(\.handle).joined(separator: ", ")
            throw HeedError("\"\(requested)\" is not an operator (\(known)); add them to the config's \"operators\" "
                + "(handle, name, unix_user)", .notPermitted, hint: .checkConfig)
        }
        guard mayActForOthers(identity) else {
            let yourself = own.map { "only as \($0.handle)" } ?? "as no one (the config gives no operator the unix_user \(login))"
            throw HeedError("\(login) may act \(yourself), not as \(member.handle): acting for someone else is for leads "
                + "and whoever may change the config", .notPermitted)
        }
        return member
    }

    /// The IANA time zone times are shown in for `handle`: their own, else the team's.
    public func timeZone(for handle: String?) -> String {
        handle.flatMap { self.operator(handle: $0)?.timeZone } ?? timeZone
    }
}
