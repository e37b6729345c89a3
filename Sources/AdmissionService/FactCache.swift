import Foundation

/// Values by key with an expiry, computed once however many requests ask at the same moment (single flight), and
/// failures never cached.
actor FactCache<Value: Sendable> {
    private struct Entry {
        var task: Task<Value, any Error>
        var expires: ContinuousClock.Instant
    }

    private var entries: [String: Entry] = [:]
    private let lifetime: Duration
    private let capacity: Int
    private(set) var hits = 0
    private(set) var misses = 0

    init(lifetime: Duration, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The task computing the value for `key`: a cached or in-flight one, else a new one started with `compute`.
    func task(for key: String, compute: @escaping @Sendable () async throws -> Value) -> (task: Task<Value, any Error>, hit: Bool) {
        let now = ContinuousClock.now
        if let entry = entries[key], entry.expires > now {
            hits += 1
            return (entry.task, true)
        }
        misses += 1
        if entries.count >= capacity { evict(now: now) }
        let task = Task { try await compute() }
        entries[key] = Entry(task: task, expires: now.advanced(by: lifetime))
        Task { await self.forgetIfFailed(key, task) }
        return (task, false)
    }

    private func forgetIfFailed(_ key: String, _ task: Task<Value, any Error>) async {
        if case .failure = await task.result, entries[key]?.task == task {
            entries[key] = nil
        }
    }

    /// Drops expired entries, and the oldest half when none expired.
    private func evict(now: ContinuousClock.Instant) {
        entries = entries.filter { $0.value.expires > now }
        if entries.count >= capacity {
            let keep = entries.sorted { $0.value.expires > $1.value.expires }.prefix(capacity / 2)
            entries = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
