import Crypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636): heed keeps a random verifier and sends only its
/// SHA-256 with the sign-in, so a code intercepted on its way back is useless without it.
struct PKCE: Sendable, Equatable {
    let verifier: String

    /// 32 random bytes as base64url: 43 characters, the shortest the RFC allows.
    init() {
        self.init(verifier: Self.base64URL(Self.randomBytes(32)))
    }

    init(verifier: String) {
        self.verifier = verifier
    }

    /// `BASE64URL(SHA256(verifier))`, sent as `code_challenge` with `code_challenge_method=S256`.
    var challenge: String { Self.base64URL(Array(Crypto.SHA256.hash(data: Array(verifier.utf8)))) }

    /// A value to send as `state` and expect back: a redirect that does not carry it is not ours.
    static func state() -> String { base64URL(randomBytes(16)) }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
