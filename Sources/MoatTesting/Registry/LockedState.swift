import Foundation

/// Mutable state shared between tasks and threads, guarded by a lock.
///
/// `Synchronization.Mutex` would do, but it needs macOS 15 and the package supports macOS 14.
/// Every access goes through `withLock`, which is why the `@unchecked Sendable` is sound.
final class LockedState<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
