import Foundation
import ImagePolicy

/// Decisions of the last second by what they were decided on. A rollout asks about many identical pods at once
/// (one AdmissionReview per replica, each with its own uid), and re-evaluating the same images in the same namespace
/// finds the same cached facts; reusing the decision skips the policy walk. Each request is still audited and
/// counted. A decision that depended on a fact that could not be gathered (failure policy applied) is not kept, so
/// a registry that comes back is seen by the next request.
final class DecisionCache: @unchecked Sendable {
    struct Key: Hashable, Sendable {
        let namespace: String?
        let images: [SubjectImage]
        /// The break-glass annotation's value: the only annotation a decision reads.
        let breakGlass: String?
        /// Hashed once: a key is looked up, stored and later evicted, and hashing every image each time shows.
        private let hash: Int

        init(namespace: String?, images: [SubjectImage], breakGlass: String?) {
            self.namespace = namespace
            self.images = images
            self.breakGlass = breakGlass
            var hasher = Hasher()
            hasher.combine(namespace)
            hasher.combine(images)
            hasher.combine(breakGlass)
            hash = hasher.finalize()
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(hash)
        }

        static func == (left: Key, right: Key) -> Bool {
            left.hash == right.hash && left.namespace == right.namespace && left.breakGlass == right.breakGlass
                && left.images == right.images
        }
    }

    private struct Entry {
        var decision: PolicyDecision
        var expires: ContinuousClock.Instant
    }

    static let lifetime: Duration = .seconds(1)
    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    /// Keys in the order they were stored, a ring: when full, the oldest goes (one at a time; dropping thousands of
    /// decisions at once would stall the request that happens to fill the cache).
    private var order: [Key] = []
    private var oldest = 0
    private let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    static func key(_ subject: PolicySubject, policy: Policy) -> Key {
        Key(namespace: subject.namespace, images: subject.images,
            breakGlass: policy.breakGlass.flatMap { subject.annotations[$0.annotation] })
    }

    func decision(for key: Key) -> PolicyDecision? {
        let now = ContinuousClock.now
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[key], entry.expires > now else { return nil }
        return entry.decision
    }

    func store(_ decision: PolicyDecision, for key: Key) {
        guard Self.isReusable(decision) else { return }
        let expires = ContinuousClock.now.advanced(by: Self.lifetime)
        lock.lock()
        defer { lock.unlock() }
        if entries.updateValue(Entry(decision: decision, expires: expires), forKey: key) == nil {
            if order.count < capacity {
                order.append(key)
            } else {
                entries[order[oldest]] = nil
                order[oldest] = key
                oldest = (oldest + 1) % capacity
            }
        }
    }

    var count: Int { lock.withLock { entries.count } }

    static func isReusable(_ decision: PolicyDecision) -> Bool {
        !decision.images.contains { image in
            image.results.contains { $0.outcome == .unavailable || $0.outcome == .failedOpen }
        }
    }
}
