import Crypto

/// HMAC-SHA256 (RFC 2104): Facebook's `appsecret_proof` signs each access token with the app's
/// secret, so a token taken elsewhere is useless without it.
enum HMAC {
    static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(Crypto.HMAC<Crypto.SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}
