/// SplitMix64: a small, fast generator whose sequence depends only on its seed, so the demo
/// is the same on every machine for a given `--seed`.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }

    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    /// Follower counts are heavy-tailed: most people have a few hundred, a few have a lot.
    mutating func followers() -> Int {
        let u = max(1e-9, Double(next() >> 11) / Double(1 << 53))
        return min(5_000_000, Int(40 * pow(1 / u, 1.15)))
    }
}

import Foundation
