import Foundation
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
    private let instruments = InstrumentCache()

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
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        let (counter, timer) = instruments.request(route: route, status: status) {
            (Metrics.Counter(label: Self.requests, dimensions: [("route", route), ("status", String(status))], factory: factory),
             Metrics.Timer(label: Self.duration, dimensions: [("route", route)], factory: factory))
        }
        counter.increment()
        timer.recordNanoseconds(nanoseconds)
    }

    func scanned(_ results: [KubesecResult]) {
        var objects: [String: Int] = [:]
        for result in results {
            objects[Self.classify(result), default: 0] += 1
        }
        for (result, count) in objects {
            counter(Self.objects, "result", result).increment(by: count)
        }
        let critical = results.reduce(0) { $0 + $1.scoring.critical.count }
        let passed = results.reduce(0) { $0 + $1.scoring.passed.count }
        let advise = results.reduce(0) { $0 + $1.scoring.advise.count }
        for (classification, count) in [("critical", critical), ("passed", passed), ("advise", advise)] where count > 0 {
            counter(Self.findings, "classification", classification).increment(by: count)
        }
    }

    /// A counter with one label, made once (the series appears in `/metrics` on first use, as before).
    private func counter(_ label: String, _ dimension: String, _ value: String) -> Metrics.Counter {
        instruments.counter(label: label, value: value) {
            Metrics.Counter(label: label, dimensions: [(dimension, value)], factory: factory)
        }
    }

    /// Follows the report's message: invalid (schema/structure), unsupported kind, failed (score < 0), passed.
    static func classify(_ result: KubesecResult) -> String {
        if !result.valid { return "invalid" }
        if result.message == KubesecScanner.notSupportedMessage { return "unsupported" }
        return result.score < 0 ? "failed" : "passed"
    }
}

/// The swift-metrics handles already made, by label and dimension values. Making one goes through the
/// Prometheus registry's lock, name and label sanitising and lookups, which every request would otherwise pay.
final class InstrumentCache: @unchecked Sendable {
    // @unchecked: the dictionaries are only touched with `lock` held; the handles themselves are thread-safe.
    private struct Key: Hashable {
        let label: String
        let value: String
        let status: Int
    }

    private let lock = NSLock()
    private var counters: [Key: Metrics.Counter] = [:]
    private var requests: [Key: (Metrics.Counter, Metrics.Timer)] = [:]

    func counter(label: String, value: String, make: () -> Metrics.Counter) -> Metrics.Counter {
        let key = Key(label: label, value: value, status: 0)
        lock.lock()
        defer { lock.unlock() }
        if let counter = counters[key] { return counter }
        let counter = make()
        counters[key] = counter
        return counter
    }

    func request(route: String, status: Int, make: () -> (Metrics.Counter, Metrics.Timer)) -> (Metrics.Counter, Metrics.Timer) {
        let key = Key(label: "", value: route, status: status)
        lock.lock()
        defer { lock.unlock() }
        if let pair = requests[key] { return pair }
        let pair = make()
        requests[key] = pair
        return pair
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
