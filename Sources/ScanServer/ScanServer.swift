// The ScanServer module: `moat serve`, kubesec's HTTP mode (docs/STATUS.md; spec: kubesec.md §10) on Hummingbird 2.
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import ManifestLint
import NIOCore
import NIOSSL
import Prometheus

/// Where the server listens. Parsed from kubesec's `[[ip:]port]` syntax (literal IPv4 or bracketed IPv6, no host names).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Loopback only: `127.0.0.1:8080`.
    public static let `default` = ListenAddress(host: "127.0.0.1", port: 8080)

    /// `8080` (loopback, moat's safer default), `:8080` (all interfaces, as in Go), `127.0.0.1:8080`, `[::1]:8080`.
    /// Port 0 asks the kernel for a free port (useful in tests). Errors use kubesec's texts.
    public static func parse(_ text: String) throws(ScanServerError) -> ListenAddress {
        if !text.contains(":") {
            return ListenAddress(host: Self.default.host, port: try port(text))
        }
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw .invalidListenAddress("invalid IP address: \"\(text)\"")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
            guard isIPv6(String(hostPart)) else { throw .invalidListenAddress("invalid IP address: \"\(hostPart)\"") }
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .invalidListenAddress("invalid IP address: \"\(text)\"") }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            guard hostPart.isEmpty || isIPv4(String(hostPart)) else {
                throw .invalidListenAddress("invalid IP address: \"\(hostPart)\"")
            }
        }
        let host = hostPart.isEmpty ? "0.0.0.0" : String(hostPart)
        return ListenAddress(host: host, port: try port(String(portPart)))
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    private static func port(_ text: String) throws(ScanServerError) -> Int {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), text.count <= 5, let value = Int(text),
            value <= 65535
        else { throw .invalidListenAddress("invalid port: \"\(text)\"") }
        return value
    }

    private static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && (Int(part) ?? 256) <= 255
            }
    }

    private static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }
}

/// PEM files for HTTPS.
public struct TLSFiles: Sendable, Equatable {
    public var certificateChainPath: String
    public var privateKeyPath: String

    public init(certificateChainPath: String, privateKeyPath: String) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
    }
}

public enum ScanServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidListenAddress(String)
    case invalidBodyLimit(Int)
    case tls(String)

    public var description: String {
        switch self {
        case .invalidListenAddress(let message): return message
        case .invalidBodyLimit(let value): return "invalid maximum body size: \(value) (must be at least 1 byte)"
        case .tls(let message): return message
        }
    }
}

public struct ScanServerConfiguration: Sendable {
    public var listen: ListenAddress
    /// nil: plain HTTP.
    public var tls: TLSFiles?
    /// Larger request bodies get 413 (kubesec has no limit).
    public var maxBodySize: Int
    /// `?rule=` replaces `ruleIDs` per request; YAML errors always fail the request (400) as in kubesec.
    /// Its schema validator (bundled Kubernetes schemas by default) is shared by every request.
    public var scanOptions: KubesecScanOptions
    /// Metrics go here; `/metrics` prints it. Each configuration gets its own registry unless one is passed.
    public var metricsRegistry: PrometheusCollectorRegistry
    public var logger: Logger
    /// Called once the socket is bound, with the actual port (useful with port 0).
    public var onServerRunning: (@Sendable (_ port: Int) async -> Void)?
    /// Admission webhooks answered beside the scan API; nil serves only kubesec's API.
    public var webhooks: (any WebhookHandler)?

    public static let defaultMaxBodySize = 2 << 20

    /// `2097152`, `512KiB`/`512K`/`512k`, `2MiB`/`2M`, `1GiB`/`1G` (powers of 1024), `500KB`/`2MB`/`1GB` (powers of 1000).
    /// nil for anything else, zero, or an overflow.
    public static func parseByteSize(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let units: [String: Int] = [
            "": 1, "b": 1, "k": 1 << 10, "kib": 1 << 10, "kb": 1_000, "m": 1 << 20, "mib": 1 << 20, "mb": 1_000_000,
            "g": 1 << 30, "gib": 1 << 30, "gb": 1_000_000_000,
        ]
        guard !digits.isEmpty, digits.count <= 18, let value = Int(digits),
            let unit = units[trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()]
        else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: unit)
        return overflow || bytes <= 0 ? nil : bytes
    }

    public init(
        listen: ListenAddress = .default,
        tls: TLSFiles? = nil,
        maxBodySize: Int = Self.defaultMaxBodySize,
        scanOptions: KubesecScanOptions = KubesecScanOptions(),
        metricsRegistry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        logger: Logger = Logger(label: "moat.serve"),
        onServerRunning: (@Sendable (_ port: Int) async -> Void)? = nil
    ) {
        self.listen = listen
        self.tls = tls
        self.maxBodySize = maxBodySize
        self.scanOptions = scanOptions
        self.metricsRegistry = metricsRegistry
        self.logger = logger
        self.onServerRunning = onServerRunning
    }
}

public enum ScanServer {
    /// The Hummingbird application. `try await app.runService()` serves until SIGTERM/SIGINT, then shuts down gracefully.
    public static func buildApplication(configuration: ScanServerConfiguration) throws(ScanServerError) -> some ApplicationProtocol {
        guard configuration.maxBodySize > 0 else { throw .invalidBodyLimit(configuration.maxBodySize) }
        let router = buildRouter(configuration: configuration)
        // kubesec's http.Server closes idle connections after 15 s.
        let http1 = HTTPServerBuilder.http1(configuration: HTTP1Channel.Configuration(idleTimeout: .seconds(15)))
        let server: HTTPServerBuilder
        if let tls = configuration.tls {
            let tlsConfiguration = try loadTLS(tls)
            do {
                server = try .tls(http1, tlsConfiguration: tlsConfiguration)
            } catch {
                throw .tls("cannot set up TLS: \(error)")
            }
        } else {
            server = http1
        }
        let onRunning = configuration.onServerRunning
        return Application(
            router: router,
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.listen.host, port: configuration.listen.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                await onRunning?(channel.localAddress?.port ?? configuration.listen.port)
            },
            logger: configuration.logger
        )
    }

    /// Builds the application and serves until SIGTERM or SIGINT, then shuts down gracefully (in-flight requests finish).
    public static func run(configuration: ScanServerConfiguration) async throws {
        let app = try buildApplication(configuration: configuration)
        try await app.runService()
    }

    /// The routes, with the metrics middleware. Every path other than `/healthz` and `/metrics` behaves like kubesec's `/scan`.
    public static func buildRouter(configuration: ScanServerConfiguration) -> Router<BasicRequestContext> {
        let metrics = ServerMetrics(registry: configuration.metricsRegistry)
        var options = configuration.scanOptions
        options.yamlErrors = .abortRun
        options.limits.maxInputBytes = min(options.limits.maxInputBytes, configuration.maxBodySize)
        KubesecScanner.prepareSchemaValidation(options)
        let handler = ScanHandler(maxBodySize: configuration.maxBodySize, options: options, metrics: metrics,
                                  webhooks: configuration.webhooks)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        if let webhooks = configuration.webhooks {
            // Exact routes resolve faster than the catch-all below, and admission is the hot path.
            for path in webhooks.paths.sorted() {
                router.post(RouterPath(path)) { request, _ in await handler.webhook(request, path: path, handler: webhooks) }
            }
        }
        for method in ScanHandler.methods {
            router.on("/", method: method) { request, _ in await handler.respond(to: request) }
            router.on("**", method: method) { request, _ in await handler.respond(to: request) }
        }
        return router
    }

    /// The server's TLS configuration; the certificate and key are re-read when their files change.
    static func loadTLS(_ files: TLSFiles) throws(ScanServerError) -> TLSConfiguration {
        let reloader = try CertificateReloader(files: files)
        let (chain, key) = try CertificateReloader.load(files)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.sslContextCallback = reloader.callback
        return configuration
    }
}
