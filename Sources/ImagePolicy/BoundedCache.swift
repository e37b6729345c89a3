import Foundation

/// A small thread-safe memo that forgets everything when full (cheap, and enough for a working set of images, keys
/// or metric instruments): what the warm decision path looks up instead of recomputing.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Key: Value] = [:]
    private let capacity: Int

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// The value for `key`, made by `make` the first time (a throwing `make` stores nothing).
    public func value(for key: Key, make: () throws -> Value) rethrows -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let known = values[key] { return known }
        let made = try make()
        if values.count >= capacity { values.removeAll(keepingCapacity: true) }
        values[key] = made
        return made
    }
}
