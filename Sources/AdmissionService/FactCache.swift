import Foundation

/// What a fact is cached under: compared and hashed by its parts in memory (no string to build per decision), and
/// written as `storeKey` in the persistent store.
protocol FactKey: Hashable, Sendable {
    var storeKey: String { get }
}

extension String: FactKey {
    var storeKey: String { self }
}

/// Values by key with an expiry, computed once however many requests ask at the same moment (single flight); failures
/// are never kept. A warm hit is a dictionary lookup under a lock: no task, no actor hop, so cached decisions stay
/// cheap.
final class FactCache<Key: FactKey, Value: Sendable>: @unchecked Sendable {
    private enum State {
        case ready(Value)
        case pending(Task<Value, any Error>)
    }

    private struct Entry {
        var state: State
        var expires: ContinuousClock.Instant
    }

    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    private let lifetime: Duration
    private let capacity: Int
    private let persistence: FactPersistence<Value>?
    /// Told of every lookup (true = served from memory or the store), for the cache-hit metrics.
    private let onLookup: (@Sendable (Bool) -> Void)?
    private var hitCount = 0
    private var missCount = 0

    init(lifetime: Duration, capacity: Int = 10_000, persistence: FactPersistence<Value>? = nil,
         onLookup: (@Sendable (Bool) -> Void)? = nil) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.persistence = persistence
        self.onLookup = onLookup
    }

    var hits: Int { lock.lock(); defer { lock.unlock() }; return hitCount }
    var misses: Int { lock.lock(); defer { lock.unlock() }; return missCount }

    /// The value for `key` if it is in memory and current (counted as a hit), else nil. The warm path: callers try it
    /// before `value(for:…)`, whose closure and description cost allocations every time they are made.
    func cached(_ key: Key) -> Value? {
        let now = ContinuousClock.now
        lock.lock()
        guard let entry = entries[key], entry.expires > now, case .ready(let value) = entry.state else {
            lock.unlock()
            return nil
        }
        hitCount += 1
        lock.unlock()
        onLookup?(true)
        return value
    }

    /// The value for `key`: stored, in flight (waited for at most `deadline`), or computed now by `compute`. A
    /// computation that outlives the deadline goes on and stores its value for the next request.
    func value(for key: Key, within deadline: Duration, what: @autoclosure () -> String,
               compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task: Task<Value, any Error>
        switch lookup(key, compute: compute) {
        case .ready(let value):
            onLookup?(true)
            return value
        case .waiting(let pending, let hit):
            onLookup?(hit)
            task = pending
        }
        return try await AdmissionService.value(of: task, within: deadline, what: what())
    }

    private enum Lookup {
        case ready(Value)
        case waiting(Task<Value, any Error>, hit: Bool)
    }

    private func lookup(_ key: Key, compute: @escaping @Sendable () async throws -> Value) -> Lookup {
        let now = ContinuousClock.now
        lock.lock()
        defer { lock.unlock() }
        if let entry = entries[key], entry.expires > now {
            hitCount += 1
            switch entry.state {
            case .ready(let value): return .ready(value)
            case .pending(let pending): return .waiting(pending, hit: true)
            }
        }
        if entries.count >= capacity { evict(now: now) }
        if let persistence, let stored = persistence.store.load(kind: persistence.kind, key: key.storeKey),
           let value = persistence.decode(stored.value) {
            hitCount += 1
            entries[key] = Entry(state: .ready(value), expires: now.advanced(by: stored.remaining))
            return .ready(value)
        }
        missCount += 1
        let task = Task { try await compute() }
        entries[key] = Entry(state: .pending(task), expires: now.advanced(by: lifetime))
        Task { await self.settle(key, task) }
        return .waiting(task, hit: false)
    }

    /// Stores the value once computed, or forgets a failure so the next request tries again.
    private func settle(_ key: Key, _ task: Task<Value, any Error>) async {
        let result = await task.result
        lock.withLock { store(result, key: key, task: task) }
    }

    private func store(_ result: Result<Value, any Error>, key: Key, task: Task<Value, any Error>) {
        guard case .pending(let current)? = entries[key]?.state, current == task else { return }
        switch result {
        case .success(let value):
            entries[key]?.state = .ready(value)
            if let persistence, let encoded = persistence.encode(value) {
                persistence.store.save(kind: persistence.kind, key: key.storeKey, value: encoded, lifetime: lifetime)
            }
        case .failure:
            entries[key] = nil
        }
    }

    /// Drops expired entries, and the oldest half when none expired (called with the lock held).
    private func evict(now: ContinuousClock.Instant) {
        entries = entries.filter { $0.value.expires > now }
        if entries.count >= capacity {
            let keep = entries.sorted { $0.value.expires > $1.value.expires }.prefix(capacity / 2)
            entries = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
