import Foundation
import ImagePolicy
import OCIModel

/// Stands for the lead's real `ImageFacts` (registry, verifier, scanner): answers from tables, records every call,
/// can fail a kind of fact, and can hold digest calls at a barrier to prove they run concurrently.
actor FakeImageFacts: ImageFacts {
    enum Kind: String, Sendable, CaseIterable { case digest, signatures, vulnerabilities, footprint }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `kind reference` (and `#index` for signatures), in call order.
    private(set) var calls: [String] = []
    private(set) var maxConcurrentDigests = 0
    private(set) var barrierTimedOut = false

    private let failing: Set<Kind>
    private let digests: [String: Digest]
    private let signed: Set<String>
    private let vulnerabilityTable: [String: [VulnerabilityFact]]
    private let footprints: [String: Set<FootprintCategory>]
    private let barrier: Int
    private var concurrentDigests = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var timeoutStarted = false

    /// - Parameters:
    ///   - signed: repository names (`ghcr.io/acme/app`) whose signatures verify.
    ///   - vulnerabilities, footprints: by repository name.
    ///   - barrier: digest calls wait until this many are in progress together (or 5 s pass: `barrierTimedOut`).
    init(failing: Set<Kind> = [], digests: [String: Digest] = [:], signed: Set<String> = [],
         vulnerabilities: [String: [VulnerabilityFact]] = [:], footprints: [String: Set<FootprintCategory>] = [:],
         barrier: Int = 0) {
        self.failing = failing
        self.digests = digests
        self.signed = signed
        self.vulnerabilityTable = vulnerabilities
        self.footprints = footprints
        self.barrier = barrier
    }

    func count(_ kind: Kind) -> Int { calls.filter { $0.hasPrefix(kind.rawValue + " ") }.count }

    static func digest(for reference: String) -> Digest { Digest.sha256(of: Array(reference.utf8)) }

    func digest(of reference: ImageReference) async throws -> Digest {
        calls.append("digest \(reference)")
        concurrentDigests += 1
        maxConcurrentDigests = max(maxConcurrentDigests, concurrentDigests)
        if barrier > 0 { await arriveAtBarrier() }
        concurrentDigests -= 1
        if failing.contains(.digest) { throw Failure(description: "HEAD \(reference.name): timed out after 3s") }
        return digests[reference.description] ?? Self.digest(for: reference.description)
    }

    func signatures(of reference: ImageReference, digest: Digest, requirement: SignatureRequirement) async throws -> SignatureFact {
        calls.append("signatures \(reference.name)@\(digest) #\(requirement.index)")
        if failing.contains(.signatures) { throw Failure(description: "GET sha256-\(digest.short).sig: connection refused") }
        return signed.contains(reference.name)
            ? SignatureFact(verified: true, detail: "signed by \(requirement.keyList)")
            : SignatureFact(verified: false, detail: "no signatures found")
    }

    func vulnerabilities(of reference: ImageReference, digest: Digest) async throws -> [VulnerabilityFact] {
        calls.append("vulnerabilities \(reference.name)@\(digest)")
        if failing.contains(.vulnerabilities) { throw Failure(description: "scanner: database missing") }
        return vulnerabilityTable[reference.name] ?? []
    }

    func footprint(of reference: ImageReference, digest: Digest) async throws -> Set<FootprintCategory> {
        calls.append("footprint \(reference.name)@\(digest)")
        if failing.contains(.footprint) { throw Failure(description: "layer fetch failed") }
        return footprints[reference.name] ?? []
    }

    private func arriveAtBarrier() async {
        if concurrentDigests >= barrier {
            release()
            return
        }
        if !timeoutStarted {
            timeoutStarted = true
            Task {
                // Generous: only a broken engine waits this long; a loaded CI machine must not fail the test.
                try? await Task.sleep(for: .seconds(60))
                self.timeOut()
            }
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func timeOut() {
        if !waiting.isEmpty { barrierTimedOut = true }
        release()
    }

    private func release() {
        let continuations = waiting
        waiting.removeAll()
        for continuation in continuations { continuation.resume() }
    }
}
