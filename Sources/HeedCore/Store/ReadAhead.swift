import Foundation

/// A read running on a reader of its own while its caller goes on writing
/// (`AppDatabase.readAhead`); `wait` gives what it found, once.
final class ReadAhead<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error>?

    func finish(_ result: Result<Value, any Error>) {
        self.result = result
        done.signal()
    }

    func wait() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
