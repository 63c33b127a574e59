import Foundation

/// Where "now" comes from, so that tests and the demo can fix it.
public protocol Clock: Sendable {
    /// Unix milliseconds, UTC.
    func now() -> Int64
}

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}

/// A clock that stays where it is put; tests move it by hand.
public final class FixedClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Int64

    public init(_ milliseconds: Int64) { current = milliseconds }

    public convenience init(_ rfc3339: String) {
        self.init(RFC3339.milliseconds(from: rfc3339)!)
    }

    public func now() -> Int64 { lock.withLock { current } }

    public func advance(seconds: Int64) { lock.withLock { current += seconds * 1000 } }
}
