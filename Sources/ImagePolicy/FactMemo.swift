import Foundation
import OCIModel

/// The facts of one evaluation, each asked for at most once: concurrent requests for the same fact (two containers
/// running `nginx` and `docker.io/library/nginx:latest`) share one call to the caller's `ImageFacts`, and its
/// error too. Cancelling the evaluation cancels the calls in flight.
final class FactMemo: @unchecked Sendable {
    private enum Value: Sendable {
        case digest(Digest)
        case signature(SignatureFact)
        case vulnerabilities([VulnerabilityFact])
        case footprint(Set<FootprintCategory>)
    }

    private struct Mismatch: Error, CustomStringConvertible {
        var description: String { "internal error: a memoised fact has the wrong kind" }
    }

    /// What identifies a fact: the normalised reference (for a digest) or repository and digest, and for signatures
    /// the whole requirement (keys, annotations), compared by value.
    private enum Key: Hashable {
        case digest(String)
        case signature(String, Digest, SignatureRequirement)
        case vulnerabilities(String, Digest)
        case footprint(String, Digest)
    }

    private let facts: any ImageFacts
    // A lock rather than an actor: a warm decision must not pay an executor hop per fact.
    private let lock = NSLock()
    private var tasks: [Key: Task<Value, any Error>] = [:]
    /// False when nothing can ask twice (one image): facts are fetched directly, without a task to share.
    private let shares: Bool

    init(facts: any ImageFacts, shares: Bool = true) {
        self.facts = facts
        self.shares = shares
    }

    // Without sharing (one image), each fact goes straight to `facts`: no key, closure or task to make.

    func digest(of reference: ImageReference) async throws -> Digest {
        let facts = self.facts
        if !shares { return try await facts.digest(of: reference) }
        guard case .digest(let digest) = try await value(.digest(reference.description), { .digest(try await facts.digest(of: reference)) })
        else { throw Mismatch() }
        return digest
    }

    func signatures(of reference: ImageReference, digest: Digest, requirement: SignatureRequirement) async throws -> SignatureFact {
        let facts = self.facts
        if !shares { return try await facts.signatures(of: reference, digest: digest, requirement: requirement) }
        guard case .signature(let fact) = try await value(.signature(reference.name, digest, requirement), {
            .signature(try await facts.signatures(of: reference, digest: digest, requirement: requirement))
        }) else { throw Mismatch() }
        return fact
    }

    func vulnerabilities(of reference: ImageReference, digest: Digest) async throws -> [VulnerabilityFact] {
        let facts = self.facts
        if !shares { return try await facts.vulnerabilities(of: reference, digest: digest) }
        guard case .vulnerabilities(let found) = try await value(.vulnerabilities(reference.name, digest), {
            .vulnerabilities(try await facts.vulnerabilities(of: reference, digest: digest))
        }) else { throw Mismatch() }
        return found
    }

    func footprint(of reference: ImageReference, digest: Digest) async throws -> Set<FootprintCategory> {
        let facts = self.facts
        if !shares { return try await facts.footprint(of: reference, digest: digest) }
        guard case .footprint(let found) = try await value(.footprint(reference.name, digest), {
            .footprint(try await facts.footprint(of: reference, digest: digest))
        }) else { throw Mismatch() }
        return found
    }

    private func value(_ key: Key, _ fetch: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task = lock.withLock { () -> Task<Value, any Error> in
            if let existing = tasks[key] { return existing }
            let started = Task { try await fetch() }
            tasks[key] = started
            return started
        }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}
