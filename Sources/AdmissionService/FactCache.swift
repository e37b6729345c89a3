import Foundation

/// Values by key with an expiry, computed once however many requests ask at the same moment (single flight); failures
/// are never kept. A warm hit returns the stored value without creating a task, so cached decisions stay cheap.
actor FactCache<Value: Sendable> {
    private enum State {
        case ready(Value)
        case pending(Task<Value, any Error>)
    }

    private struct Entry {
        var state: State
        var expires: ContinuousClock.Instant
    }

    private var entries: [String: Entry] = [:]
    private let lifetime: Duration
    private let capacity: Int
    private let persistence: FactPersistence<Value>?
    /// Told of every lookup (true = served from memory or the store), for the cache-hit metrics.
    private let onLookup: (@Sendable (Bool) -> Void)?
    private(set) var hits = 0 { didSet { onLookup?(true) } }
    private(set) var misses = 0 { didSet { onLookup?(false) } }

    init(lifetime: Duration, capacity: Int = 10_000, persistence: FactPersistence<Value>? = nil,
         onLookup: (@Sendable (Bool) -> Void)? = nil) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.persistence = persistence
        self.onLookup = onLookup
    }

    /// The value for `key`: stored, in flight (waited for at most `deadline`), or computed now by `compute`. A
    /// computation that outlives the deadline goes on and stores its value for the next request.
    func value(for key: String, within deadline: Duration, what: String,
               compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        let task: Task<Value, any Error>
        switch entries[key] {
        case let entry? where entry.expires > now:
            hits += 1
            switch entry.state {
            case .ready(let value): return value
            case .pending(let pending): task = pending
            }
        default:
            if entries.count >= capacity { evict(now: now) }
            if let persistence, let stored = persistence.store.load(kind: persistence.kind, key: key),
               let value = persistence.decode(stored.value) {
                hits += 1
                entries[key] = Entry(state: .ready(value), expires: now.advanced(by: stored.remaining))
                return value
            }
            misses += 1
            task = Task { try await compute() }
            entries[key] = Entry(state: .pending(task), expires: now.advanced(by: lifetime))
            Task { await self.settle(key, task) }
        }
        return try await AdmissionService.value(of: task, within: deadline, what: what)
    }

    /// Stores the value once computed, or forgets a failure so the next request tries again.
    private func settle(_ key: String, _ task: Task<Value, any Error>) async {
        let result = await task.result
        guard case .pending(let current)? = entries[key]?.state, current == task else { return }
        switch result {
        case .success(let value):
            entries[key]?.state = .ready(value)
            if let persistence, let encoded = persistence.encode(value) {
                persistence.store.save(kind: persistence.kind, key: key, value: encoded, lifetime: lifetime)
            }
        case .failure: entries[key] = nil
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
