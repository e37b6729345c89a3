@testable import AdmissionService
import Foundation
import ImagePolicy
import NIOCore
import OCIModel
import Prometheus
import ScanServer
import Testing

/// Counts digest lookups; a tag resolves to one digest, or fails while `failing` is set.
private final class CountingFacts: ImageFacts, @unchecked Sendable {
    private let lock = NSLock()
    private var lookups = 0
    private var failing = false

    var digestLookups: Int { lock.withLock { lookups } }
    func fail(_ value: Bool) { lock.withLock { failing = value } }

    func digest(of reference: ImageReference) async throws -> Digest {
        let fails = lock.withLock { () -> Bool in
            lookups += 1
            return failing
        }
        if fails { throw FactError("registry down") }
        return try Digest(parsing: "sha256:" + String(repeating: "a", count: 64))
    }

    func signatures(of reference: ImageReference, digest: Digest, requirement: SignatureRequirement) async throws -> SignatureFact {
        SignatureFact(verified: true, detail: "test")
    }

    func vulnerabilities(of reference: ImageReference, digest: Digest) async throws -> [VulnerabilityFact] { [] }
    func footprint(of reference: ImageReference, digest: Digest) async throws -> Set<FootprintCategory> { [] }
}

@Suite struct DecisionCacheTests {
    private func webhooks(_ facts: CountingFacts, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) -> AdmissionWebhooks {
        let policy = Policy(breakGlass: BreakGlass(annotation: "moat.dev/break-glass"),
                            rules: PolicyRules(pinDigests: PinDigestsRule()))
        return AdmissionWebhooks(engine: PolicyEngine(policy: policy), facts: facts, auditLog: nil, metricsRegistry: registry)
    }

    private func review(uid: String, image: String = "ghcr.io/acme/app:1", breakGlass: String? = nil) -> ByteBuffer {
        let annotations = breakGlass.map { #","metadata":{"annotations":{"moat.dev/break-glass":"\#($0)"}}"# } ?? ""
        return ByteBuffer(string: #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"\#(uid)","kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},"namespace":"prod","operation":"CREATE","userInfo":{"username":"u"},"object":{"apiVersion":"v1","kind":"Pod"\#(annotations),"spec":{"containers":[{"name":"app","image":"\#(image)"}]}}}}"#)
    }

    @Test func identicalPodsAreDecidedOnceButEachAnswerKeepsItsUID() async throws {
        let facts = CountingFacts()
        let hooks = webhooks(facts)
        for uid in ["a", "b", "c"] {
            let reply = await hooks.respond(path: "/mutate", body: review(uid: uid))
            let text = String(decoding: reply.body, as: UTF8.self)
            #expect(text.contains(#""uid":"\#(uid)""#))
            #expect(text.contains("JSONPatch"), "every replica gets the digest patch: \(text)")
        }
        #expect(facts.digestLookups == 1)
        _ = await hooks.respond(path: "/mutate", body: review(uid: "d", image: "ghcr.io/acme/other:1"))
        _ = await hooks.respond(path: "/mutate", body: review(uid: "e", breakGlass: "TICKET-1"))
        #expect(facts.digestLookups == 3, "another image and another break-glass value are other subjects")
    }

    @Test func aDecisionMadeWithoutItsFactsIsNotReused() async throws {
        let facts = CountingFacts()
        facts.fail(true)
        let hooks = webhooks(facts)
        let denied = String(decoding: await hooks.respond(path: "/validate", body: review(uid: "a")).body, as: UTF8.self)
        #expect(denied.contains(#""allowed":false"#))
        facts.fail(false)
        let allowed = String(decoding: await hooks.respond(path: "/validate", body: review(uid: "b")).body, as: UTF8.self)
        #expect(allowed.contains(#""allowed":true"#), "the registry is back: \(allowed)")
        #expect(facts.digestLookups == 2)
    }

    @Test func decisionsExpireAfterASecond() async throws {
        let cache = DecisionCache()
        let key = DecisionCache.Key(namespace: "prod", images: [SubjectImage(image: "nginx")], breakGlass: nil)
        cache.store(PolicyDecision(allowed: true, images: []), for: key)
        #expect(cache.decision(for: key)?.allowed == true)
        try await Task.sleep(for: DecisionCache.lifetime + .milliseconds(100))
        #expect(cache.decision(for: key) == nil)
    }

    @Test func hitsAndMissesAreCounted() async throws {
        let registry = PrometheusCollectorRegistry()
        let hooks = webhooks(CountingFacts(), registry: registry)
        _ = await hooks.respond(path: "/validate", body: review(uid: "a"))
        _ = await hooks.respond(path: "/validate", body: review(uid: "b"))
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        let text = String(decoding: buffer, as: UTF8.self)
        #expect(text.contains(#"moat_admission_fact_cache_total{fact="decision",result="hit"} 1"#))
        #expect(text.contains(#"moat_admission_fact_cache_total{fact="decision",result="miss"} 1"#))
    }
}

@Suite struct DecisionCacheEvictionTests {
    @Test func aFullCacheDropsItsOldestDecisionsOneAtATime() {
        let cache = DecisionCache(capacity: 3)
        func key(_ namespace: String) -> DecisionCache.Key {
            DecisionCache.Key(namespace: namespace, images: [SubjectImage(image: "nginx")], breakGlass: nil)
        }
        for namespace in ["a", "b", "c", "b", "d"] {
            cache.store(PolicyDecision(allowed: true, images: []), for: key(namespace))
        }
        #expect(cache.count == 3)
        #expect(cache.decision(for: key("a")) == nil, "the oldest went")
        #expect(cache.decision(for: key("b")) != nil)
        #expect(cache.decision(for: key("d")) != nil)
    }
}
