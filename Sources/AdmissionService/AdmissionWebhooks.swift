import Admission
import Foundation
public import ImagePolicy
public import NIOCore
import OCIModel
public import Prometheus
public import ScanServer

/// The admission endpoints of `moat serve`: `POST /imagepolicy` (ImageReview, the ImagePolicyWebhook backend),
/// `POST /validate` and `POST /mutate` (AdmissionReview v1). Every decision is one policy evaluation over facts
/// gathered (and cached) by `facts`, audited as one JSON line, and counted in `/metrics`.
public struct AdmissionWebhooks: WebhookHandler {
    public let engine: PolicyEngine
    public let facts: any ImageFacts
    let audit: AuditLog?
    let metrics: AdmissionMetrics
    let decisions = DecisionCache()

    public init(engine: PolicyEngine, facts: any ImageFacts, auditLog: AuditLog?, metricsRegistry: PrometheusCollectorRegistry) {
        self.engine = engine
        self.facts = facts
        self.audit = auditLog
        self.metrics = AdmissionMetrics(registry: metricsRegistry)
    }

    public var paths: Set<String> { Self.paths }
    static let paths: Set<String> = ["/imagepolicy", "/validate", "/mutate"]

    public func isReady() async -> Bool { true }

    /// Writes the audit lines still in memory (at shutdown).
    public func flushAuditLog() {
        audit?.flush()
    }

    public func respond(path: String, body: ByteBuffer) async -> WebhookReply {
        let started = ContinuousClock.now
        let data = [UInt8](body.readableBytesView)
        let reply: WebhookReply
        switch path {
        case "/imagepolicy": reply = await imageReview(data, started: started)
        case "/mutate": reply = await admissionReview(data, webhook: "mutate", started: started)
        default: reply = await admissionReview(data, webhook: "validate", started: started)
        }
        return reply
    }

    // MARK: ImagePolicyWebhook

    func imageReview(_ data: [UInt8], started: ContinuousClock.Instant) async -> WebhookReply {
        let review: ImageReviewRequest
        do {
            review = try ImageReviewRequest(json: data)
        } catch {
            // The apiserver treats a non-2xx answer as a backend error and applies defaultAllow.
            return WebhookReply(status: 400, contentType: "text/plain; charset=utf-8", body: Array("\(error)\n".utf8))
        }
        let subject = PolicySubject(namespace: review.namespace, annotations: review.annotations,
                                    images: review.images.map { SubjectImage(image: $0, container: nil, role: .container, location: nil) })
        let decision = await decide(subject)
        var auditAnnotations: [String: String] = [:]
        if decision.breakGlassUsed { auditAnnotations["break-glass"] = "true" }
        if !decision.warnings.isEmpty { auditAnnotations["warnings"] = decision.warningLines.joined(separator: "; ") }
        let response = ImageReviewResponse(allowed: decision.allowed, reason: decision.allowed ? nil : decision.message,
                                           auditAnnotations: auditAnnotations)
        record(decision, webhook: "imagepolicy", uid: nil, namespace: review.namespace, operation: nil, kind: "Pod", started: started)
        return WebhookReply(body: response.jsonBytes())
    }

    // MARK: Validating and mutating webhooks

    func admissionReview(_ data: [UInt8], webhook: String, started: ContinuousClock.Instant) async -> WebhookReply {
        let request: AdmissionRequest
        do {
            request = try AdmissionRequest(reviewJSON: data)
        } catch {
            return WebhookReply(status: 400, contentType: "text/plain; charset=utf-8", body: Array("\(error)\n".utf8))
        }
        let extraction: WorkloadExtraction
        do {
            extraction = try WorkloadImages.extract(from: request)
        } catch {
            // An object moat cannot read is not admitted on trust.
            let response = AdmissionResponse.deny(uid: request.uid, message: "moat cannot read the \(request.kind.kind): \(error)")
            return WebhookReply(body: response.jsonBytes())
        }
        guard let pod = extraction.podImages, !pod.images.isEmpty else {
            return WebhookReply(body: AdmissionResponse.allow(uid: request.uid).jsonBytes())
        }
        let subject = PolicySubject(namespace: pod.namespace ?? request.namespace, annotations: pod.annotations,
                                    images: pod.images.map { SubjectImage(image: $0.image, container: $0.container, role: Self.role($0.role),
                                                                          location: $0.pointer) })
        let decision = await decide(subject)
        let warnings = decision.warningLines
        let response: AdmissionResponse
        if webhook == "mutate" {
            // Mutation runs before validation: pin only what the policy allows and leave denials to /validate.
            let patches = decision.images.compactMap { image -> JSONPatchOperation? in
                guard let pinned = image.pinnedImage, let pointer = image.subject.location, !image.violatesEnforcedRule else { return nil }
                return .replace(pointer, with: pinned)
            }
            response = patches.isEmpty ? .allow(uid: request.uid, warnings: warnings) : .allow(uid: request.uid, patch: patches, warnings: warnings)
        } else {
            response = decision.allowed ? .allow(uid: request.uid, warnings: warnings)
                : .deny(uid: request.uid, message: decision.message, warnings: warnings)
        }
        record(decision, webhook: webhook, uid: request.uid, namespace: subject.namespace, operation: request.operation.rawValue,
               kind: request.kind.kind, started: started)
        return WebhookReply(body: response.jsonBytes())
    }

    /// The policy's decision, reused when the same subject was decided in the last second.
    func decide(_ subject: PolicySubject) async -> PolicyDecision {
        let key = DecisionCache.key(subject, policy: engine.policy)
        if let known = decisions.decision(for: key) {
            metrics.decisionCacheLookup(hit: true)
            return known
        }
        metrics.decisionCacheLookup(hit: false)
        let decision = await engine.evaluate(subject, facts: facts)
        decisions.store(decision, for: key)
        return decision
    }

    static func role(_ role: Admission.ContainerRole) -> ImagePolicy.ContainerRole {
        switch role {
        case .container: return .container
        case .initContainer: return .initContainer
        case .ephemeralContainer: return .ephemeralContainer
        }
    }

    func record(_ decision: PolicyDecision, webhook: String, uid: String?, namespace: String?, operation: String?, kind: String,
                started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        metrics.decided(decision, webhook: webhook, duration: elapsed)
        audit?.write(AuditRecord(decision: decision, webhook: webhook, uid: uid, namespace: namespace, operation: operation,
                                 kind: kind, duration: elapsed))
    }
}

/// `moat_admission_decisions_total{webhook,result}`, `moat_admission_denials_total{rule}`,
/// `moat_admission_warnings_total{rule}`, `moat_admission_decision_duration_seconds{webhook}`. The instruments of the
/// three webhooks are made up front (their series start at zero) and the per-rule ones on first use: the registry's
/// own lookup (labels hashed under a lock) would be a visible cost per decision.
struct AdmissionMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let webhooks: [String: WebhookInstruments]
    private let denialCounters = BoundedCache<RuleName, Prometheus.Counter>(capacity: 64)
    private let warningCounters = BoundedCache<RuleName, Prometheus.Counter>(capacity: 64)

    struct WebhookInstruments: Sendable {
        let allowed: Prometheus.Counter
        let denied: Prometheus.Counter
        let duration: DurationHistogram
    }

    static let webhookNames = ["imagepolicy", "validate", "mutate"]
    private let decisionHits: Prometheus.Counter
    private let decisionMisses: Prometheus.Counter

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        decisionHits = registry.makeCounter(name: "moat_admission_fact_cache_total", labels: [("fact", "decision"), ("result", "hit")])
        decisionMisses = registry.makeCounter(name: "moat_admission_fact_cache_total", labels: [("fact", "decision"), ("result", "miss")])
        var webhooks: [String: WebhookInstruments] = [:]
        for webhook in Self.webhookNames {
            webhooks[webhook] = Self.instruments(webhook, registry: registry)
        }
        self.webhooks = webhooks
    }

    private static func instruments(_ webhook: String, registry: PrometheusCollectorRegistry) -> WebhookInstruments {
        WebhookInstruments(
            allowed: registry.makeCounter(name: "moat_admission_decisions_total", labels: [("webhook", webhook), ("result", "allow")]),
            denied: registry.makeCounter(name: "moat_admission_decisions_total", labels: [("webhook", webhook), ("result", "deny")]),
            duration: registry.makeDurationHistogram(
                name: "moat_admission_decision_duration_seconds", labels: [("webhook", webhook)],
                buckets: [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(5),
                          .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5)]))
    }

    func decisionCacheLookup(hit: Bool) {
        (hit ? decisionHits : decisionMisses).increment()
    }

    func decided(_ decision: PolicyDecision, webhook: String, duration: Duration) {
        let instruments = webhooks[webhook] ?? Self.instruments(webhook, registry: registry)
        (decision.allowed ? instruments.allowed : instruments.denied).increment()
        instruments.duration.record(duration)
        decision.forEachFinding { _, result, finding in
            switch finding {
            case .denial:
                denialCounters.value(for: result.rule) {
                    registry.makeCounter(name: "moat_admission_denials_total", labels: [("rule", result.rule.rawValue)])
                }.increment()
            case .warning:
                warningCounters.value(for: result.rule) {
                    registry.makeCounter(name: "moat_admission_warnings_total", labels: [("rule", result.rule.rawValue)])
                }.increment()
            }
        }
    }
}
