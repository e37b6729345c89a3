import Hummingbird
import ManifestLint
import Metrics
import Prometheus

/// swift-metrics instruments backed by one `PrometheusCollectorRegistry` (no global `MetricsSystem.bootstrap`,
/// so several servers, e.g. in tests, keep separate counts).
///
/// Exposed names:
/// - `moat_http_requests_total{route,status}`
/// - `moat_http_request_duration_seconds{route}` (histogram)
/// - `moat_scan_objects_total{result}`: documents scanned, result = passed | failed | unsupported | invalid
/// - `moat_scan_findings_total{classification}`: rule entries reported, classification = critical | passed | advise
public struct ServerMetrics: Sendable {
    public static let requests = "moat_http_requests_total"
    public static let duration = "moat_http_request_duration_seconds"
    public static let objects = "moat_scan_objects_total"
    public static let findings = "moat_scan_findings_total"

    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[Self.duration] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5),
        ]
        self.factory = factory
    }

    func request(route: String, status: Int, duration: Duration) {
        Counter(label: Self.requests, dimensions: [("route", route), ("status", String(status))], factory: factory).increment()
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        Metrics.Timer(label: Self.duration, dimensions: [("route", route)], factory: factory).recordNanoseconds(nanoseconds)
    }

    func scanned(_ results: [KubesecResult]) {
        var objects: [String: Int] = [:]
        for result in results {
            objects[Self.classify(result), default: 0] += 1
        }
        for (result, count) in objects {
            Counter(label: Self.objects, dimensions: [("result", result)], factory: factory).increment(by: count)
        }
        let critical = results.reduce(0) { $0 + $1.scoring.critical.count }
        let passed = results.reduce(0) { $0 + $1.scoring.passed.count }
        let advise = results.reduce(0) { $0 + $1.scoring.advise.count }
        for (classification, count) in [("critical", critical), ("passed", passed), ("advise", advise)] where count > 0 {
            Counter(label: Self.findings, dimensions: [("classification", classification)], factory: factory).increment(by: count)
        }
    }

    /// Follows the report's message: invalid (schema/structure), unsupported kind, failed (score < 0), passed.
    static func classify(_ result: KubesecResult) -> String {
        if !result.valid { return "invalid" }
        if result.message == KubesecScanner.notSupportedMessage { return "unsupported" }
        return result.score < 0 ? "failed" : "passed"
    }
}

/// Counts every request (including router 404/405 and thrown errors) by route and status, and times it.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let route = ScanHandler.route(for: request.uri.path)
        do {
            let response = try await next(request, context)
            metrics.request(route: route, status: response.status.code, duration: ContinuousClock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.request(route: route, status: status, duration: ContinuousClock.now - start)
            throw error
        }
    }
}
