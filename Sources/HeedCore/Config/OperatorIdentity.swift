import Foundation

extension Config {
    /// The operator at this terminal: `HEED_OPERATOR`, else the operator whose `unix_user` is
    /// the login user. Nil when neither names one; nothing is guessed.
    public func currentOperator(environment: [String: String]) -> String? {
        if let named = environment["HEED_OPERATOR"], !named.isEmpty { return named }
        guard let user = Self.loginUser(environment: environment) else { return nil }
        return operators.first { $0.unixUser == user }?.handle
    }

    /// The operator an action is done as: `--as` (`named`), else `currentOperator`. Anyone the
    /// config does not list is refused with how to be added.
    public func actingOperator(named: String?, environment: [String: String]) throws -> Operator {
        let handle = named ?? currentOperator(environment: environment)
        guard let handle else {
            let user = Self.loginUser(environment: environment).map { " (your login is \($0))" } ?? ""
            throw HeedError("heed does not know who you are\(user)", .notPermitted, hint: .identify)
        }
        guard let member = self.operator(handle: handle) else {
            let known = operators.isEmpty ? "the config lists no operators" : "operators: " + operators.map(\.handle).joined(separator: ", ")
            throw HeedError("\"\(handle)\" is not an operator (\(known)); add them to the config's \"operators\" "
                + "(handle, name, unix_user)", .notPermitted, hint: .checkConfig)
        }
        return member
    }

    /// The IANA time zone times are shown in for `handle`: their own, else the team's.
    public func timeZone(for handle: String?) -> String {
        handle.flatMap { self.operator(handle: $0)?.timeZone } ?? timeZone
    }

    static func loginUser(environment: [String: String]) -> String? {
        if let user = environment["USER"], !user.isEmpty { return user }
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }
}
