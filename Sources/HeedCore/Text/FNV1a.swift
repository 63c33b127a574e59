/// FNV-1a, 64 bits: a cheap hash that is the same in every run and on every machine (Swift's
/// `Hasher` is seeded per process), for keys stored in the cache and the vocabulary's table.
enum FNV1a {
    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3

    @inline(__always)
    static func hash<C: Collection<UInt8>>(_ bytes: C) -> UInt64 {
        var hash = offset
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* prime }
        return hash
    }
}
