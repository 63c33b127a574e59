import Foundation
import Crypto

/// One value of a row as both engines hold it.
enum StoredValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// What a table holds, summed so that the two engines can be compared without reading their
/// rows in the same order: the count, and the sum of each row's SHA-256 (its first 128 bits).
/// A row missing, added, doubled or changed in any value changes it.
struct TableChecksum: Equatable, Sendable, CustomStringConvertible {
    private(set) var rows = 0
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    mutating func add(_ row: [StoredValue]) {
        var hasher = Crypto.SHA256()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for value in row {
            switch value {
            case .null: bytes.append(0)
            case .integer(let number): bytes.append(1); Self.append(UInt64(bitPattern: number), to: &bytes)
            case .real(let number): bytes.append(2); Self.append(number.bitPattern, to: &bytes)
            case .text(let text):
                let utf8 = Array(text.utf8)
                bytes.append(3); Self.append(UInt64(utf8.count), to: &bytes); bytes += utf8
            case .blob(let blob): bytes.append(4); Self.append(UInt64(blob.count), to: &bytes); bytes += blob
            }
        }
        hasher.update(data: bytes)
        let digest = Array(hasher.finalize())
        low = low &+ Self.word(digest, 0)
        high = high &+ Self.word(digest, 8)
        rows += 1
    }

    private static func append(_ word: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }

    private static func word(_ digest: [UInt8], _ start: Int) -> UInt64 {
        digest[start..<start + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }

    var hex: String { String(format: "%016llx%016llx", high, low) }

    var description: String { "\(rows) rows, checksum \(hex)" }
}
