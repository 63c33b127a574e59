import Foundation

extension Config {
    /// The operator at this terminal: `HEED_OPERATOR`, else the operator whose `unix_user` is
    /// the login user. Nil when neither names one; nothing is guessed.
    public func currentOperator(environment: [String: String]) -> String? {
        if let named = environment["HEED_OPERATOR"], !named.isEmpty { return named }
        guard let user = Self.loginUser(environment: environment) else { return nil }
        return operators.first { $0.unixUser == user }?.handle
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
