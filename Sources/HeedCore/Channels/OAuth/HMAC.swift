/// HMAC-SHA256 (RFC 2104): Facebook's `appsecret_proof` signs each access token with the app's
/// secret, so a token taken elsewhere is useless without it.
enum HMAC {
    static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let block = 64
        var key = key.count > block ? SHA256.hash(key) : key
        key += [UInt8](repeating: 0, count: block - key.count)
        let inner = SHA256.hash(key.map { $0 ^ 0x36 } + message)
        return SHA256.hash(key.map { $0 ^ 0x5c } + inner)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
