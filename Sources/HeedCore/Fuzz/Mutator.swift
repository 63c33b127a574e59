

/// Corrupts bytes the ways files really break — cut short, bytes flipped or lost, junk
/// inserted, pieces repeated or swapped — reproducibly for a seed.
public struct Mutator {
    private var random: SeededRandom
    /// Bytes that matter to the formats heed reads: JSON and XML syntax, CSV quotes, MIME markers, UTF-8 lead bytes.
    private static let interesting: [UInt8] = Array("{}[]\":,<>&;=?\\\n\r\t0-9eE.+/_@#! ".utf8) + [0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xE2, 0xF0, 0xFF, 0x1B]

    public init(seed: UInt64) { random = SeededRandom(seed: seed) }

    public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<pick(1...4) {
            guard !bytes.isEmpty else { return Array(Self.interesting.prefix(pick(0...8))) }
            let at = pick(0...(bytes.count - 1))
            switch pick(0...6) {
            case 0: bytes = Array(bytes.prefix(at))                                            // truncated
            case 1: bytes[at] = Self.interesting[pick(0...(Self.interesting.count - 1))]       // one byte changed
            case 2: bytes[at] ^= UInt8(truncatingIfNeeded: 1 << pick(0...7))                    // one bit flipped
            case 3: bytes.removeSubrange(at..<min(bytes.count, at + pick(1...64)))             // a piece lost
            case 4: bytes.insert(contentsOf: (0..<pick(1...16)).map { _ in Self.interesting[pick(0...(Self.interesting.count - 1))] }, at: at)
            case 5:                                                                            // a piece repeated
                let piece = bytes[at..<min(bytes.count, at + pick(1...256))]
                bytes.insert(contentsOf: piece, at: pick(0...bytes.count))
            default:                                                                           // two pieces swapped
                let other = pick(0...(bytes.count - 1))
                let (a, b) = (min(at, other), max(at, other))
                let length = min(pick(1...32), bytes.count - b)
                if b >= a + length, length > 0 {
                    let first = Array(bytes[a..<a + length])
                    bytes.replaceSubrange(a..<a + length, with: bytes[b..<b + length])
                    bytes.replaceSubrange(b..<b + length, with: first)
                }
            }
        }
        return bytes
    }

    private mutating func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
}
