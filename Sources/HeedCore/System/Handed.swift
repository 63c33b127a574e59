/// Hands a value that is not `Sendable` to a thread that becomes its only user.
final class Handed<Value>: @unchecked Sendable {
    private var value: Value?

    init(_ value: Value) { self.value = value }

    func take() -> Value {
        defer { value = nil }
        return value!
    }
}
