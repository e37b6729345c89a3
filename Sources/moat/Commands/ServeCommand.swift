import AdmissionService
import ArgumentParser
import Foundation
import ImagePolicy
import Prometheus
import KubeSchema
import Logging
import ManifestLint
import Registry
import ScanServer
import VulnDB

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve kubesec's HTTP API (POST /scan) with /healthz and Prometheus /metrics.",
        discussion: """
        Answers like `kubesec http`: POST (or PUT, …) the raw YAML/JSON manifest to /scan, or to any path other \
        than /healthz and /metrics, and get the same JSON as `moat scan` with fileName "API" (200 even when scores \
        are negative). A leading `file=` (kubesec.io's web form) is stripped; ?rule=ID (repeatable) filters rules. \
        Errors are 400 with kubesec's message as plain text; GET on a scan path redirects (303) to https://kubesec.io. \
        Unlike kubesec, the body size is limited (413 beyond --max-body-size) and only loopback is used by default.

        Documents are validated against the bundled Kubernetes schemas first, as kubesec does with kubeconform; \
        compiled schemas are kept for the life of the server. The schema flags are the same as `moat scan`'s.

        Stops gracefully on SIGTERM or SIGINT (requests in flight are answered).

        EXAMPLES:
          moat serve
          moat serve --listen 0.0.0.0:8443 --tls-cert server.pem --tls-key server-key.pem
          curl --data-binary @pod.yaml http://127.0.0.1:8080/scan
        """
    )

    @Option(help: ArgumentHelp("[[ip:]port]: a literal IPv4 or [IPv6] address; a bare port means 127.0.0.1, `:port` all interfaces.", valueName: "address"))
    var listen: String = ListenAddress.default.description

    @Option(help: ArgumentHelp("PEM certificate chain; serves HTTPS (needs --tls-key).", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("PEM private key for --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("Largest request body accepted (bytes, or with K/KiB, M/MiB, G/GiB, KB, MB, GB).", valueName: "size"))
    var maxBodySize: String = "2MiB"

    @Option(help: "kubesec (the default, kubesec-compatible output) or all (adds moat's image rules).")
    var checks: String = "kubesec"

    @Option(parsing: .singleValue, help: ArgumentHelp("Registries (and path prefixes) images may come from, for --checks all; repeatable or comma-separated.", valueName: "registry[/path]"))
    var allowedRegistries: [String] = []

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String = "info"

    @OptionGroup(title: "Schema validation")
    var schemas: SchemaValidationOptions

    @Option(help: ArgumentHelp("Admission policy file: serves POST /imagepolicy, /validate and /mutate (docs/policy.md).", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("Where the JSON-lines audit log of admission decisions goes (- for stderr).", valueName: "file"))
    var auditLog = "-"

    @Option(help: ArgumentHelp("Seconds a decision may wait for registry, signature and scan facts before the policy's failure mode applies (keep it under the webhook timeout).", valueName: "seconds"))
    var factDeadline: Double = 4

    @Flag(help: "Serve the admission webhooks over plain HTTP (development only; the API server requires HTTPS).")
    var insecureDev = false

    @Option(help: ArgumentHelp("Cache directory (vulnerability database, layer cache).", valueName: "dir"))
    var cacheDir: String?

    @OptionGroup(title: "Registry options") var registry: RegistryOptions

    func validate() throws {
        do {
            _ = try ListenAddress.parse(listen)
        } catch {
            throw ValidationError(error.description)
        }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard ScanServerConfiguration.parseByteSize(maxBodySize) != nil else {
            throw ValidationError("--max-body-size: not a size: \(maxBodySize)")
        }
        guard checks == "kubesec" || checks == "all" else { throw ValidationError("--checks must be kubesec or all") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: unknown level \(logLevel)") }
        if policy != nil && tlsCert == nil && !insecureDev {
            throw ValidationError("admission webhooks need TLS (--tls-cert and --tls-key): the API server calls webhooks over HTTPS only; --insecure-dev serves them over HTTP for development")
        }
        guard factDeadline > 0, factDeadline <= 30 else { throw ValidationError("--fact-deadline must be between 0 and 30 seconds") }
        _ = try schemas.validator()
    }

    func run() async throws {
        let address: ListenAddress
        do {
            address = try ListenAddress.parse(listen)
        } catch {
            throw RuntimeError(error.description)
        }
        guard let limit = ScanServerConfiguration.parseByteSize(maxBodySize) else {
            throw RuntimeError("--max-body-size: not a size: \(maxBodySize)")
        }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in StderrLogHandler(label: label, level: level) }
        let logger = Logger(label: "moat.serve")

        var options = KubesecScanOptions()
        options.includeImageChecks = checks == "all"
        options.imagePolicy = ImageRuleSettings(allowedRegistries: allowedRegistries.flatMap { $0.split(separator: ",").map(String.init) })
        options.schemaValidator = try schemas.validator()

        var tls: TLSFiles?
        if let tlsCert, let tlsKey { tls = TLSFiles(certificateChainPath: tlsCert, privateKeyPath: tlsKey) }
        let scheme = tls == nil ? "http" : "https"
        let host = address.host.contains(":") ? "[\(address.host)]" : address.host
        let metricsRegistry = PrometheusCollectorRegistry()
        let admission = try policy.map { try admissionWebhooks(policyFile: $0, metricsRegistry: metricsRegistry) }
        let routes = admission == nil ? "POST /scan, GET /healthz, GET /metrics" : "POST /scan, /imagepolicy, /validate, /mutate, GET /healthz, /readyz, /metrics"
        var configuration = ScanServerConfiguration(
            listen: address,
            tls: tls,
            maxBodySize: limit,
            scanOptions: options,
            metricsRegistry: metricsRegistry,
            logger: logger,
            onServerRunning: { port in
                logger.notice("moat serve listening on \(scheme)://\(host):\(port) (\(routes))")
            }
        )
        configuration.webhooks = admission?.webhooks
        do {
            try await ScanServer.run(configuration: configuration)
            admission?.webhooks.flushAuditLog()
            await admission?.client.shutdown()
        } catch let error as ScanServerError {
            admission?.webhooks.flushAuditLog()
            await admission?.client.shutdown()
            throw RuntimeError(error.description)
        }
    }

    private func admissionWebhooks(policyFile: String, metricsRegistry: PrometheusCollectorRegistry) throws
        -> (webhooks: AdmissionWebhooks, client: RegistryClient) {
        let loaded = try AdmissionFacts.loadPolicy(policyFile)
        let client = try registry.client(cacheDirectory: cacheDir)
        let facts = try AdmissionFacts.make(client: client, cacheDirectory: cacheDir, deadline: .milliseconds(Int(factDeadline * 1000)),
                                            metrics: metricsRegistry)
        let audit: AuditLog
        do {
            audit = try AuditLog(path: auditLog)
        } catch {
            throw RuntimeError("cannot open the audit log \(auditLog): \(error)")
        }
        let webhooks = AdmissionWebhooks(engine: PolicyEngine(policy: loaded), facts: facts,
                                         auditLog: audit, metricsRegistry: metricsRegistry)
        return (webhooks, client)
    }
}
