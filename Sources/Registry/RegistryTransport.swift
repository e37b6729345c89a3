import AsyncHTTPClient
import HTTPProxy
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import RegistryCredentials

/// One registry API request, re-creatable so it can be retried, re-authenticated and redirected.
struct RegistryRequest: Sendable {
    var method: HTTPMethod
    /// Path and query below the registry root (`/v2/library/alpine/manifests/3.20`), or an absolute URL (upload locations).
    var target: String
    var headers: [(String, String)] = []
    /// Makes a fresh body for every attempt.
    var body: (@Sendable () -> HTTPClientRequest.Body)?
    /// The token scope this request needs (`repository:library/alpine:pull`); nil for `/v2/`.
    var scope: String?
    /// Statuses the caller handles itself (no error is raised for them).
    var accepted: Set<UInt> = [200]
    /// Follow redirects (blob downloads go to CDNs); uploads must not.
    var followRedirects = true
    /// Retry on 5xx and connection errors; false for requests with side effects that cannot be repeated.
    var retryable = true

    init(_ method: HTTPMethod, _ target: String, scope: String?, accepted: Set<UInt> = [200]) {
        self.method = method
        self.target = target
        self.scope = scope
        self.accepted = accepted
    }
}

/// HTTP for one registry client: TLS policy per host, authentication (Bearer tokens and Basic), retries with back-off
/// and `Retry-After`, and redirects that never carry `Authorization` to another host.
final class RegistryTransport: Sendable {
    /// The client for requests that go direct; `client(for:)` picks the one for a URL.
    let client: HTTPClient
    private let proxied: ProxiedClients
    let configuration: RegistryConfiguration
    let authenticator: RegistryAuthenticator
    let hosts = HostMemory()

    init(configuration: RegistryConfiguration) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if !configuration.caFiles.isEmpty {
            var roots: [NIOSSLCertificate] = []
            for file in configuration.caFiles {
                do {
                    roots += try NIOSSLCertificate.fromPEMFile(file)
                } catch {
                    throw RegistryError(.tls, "cannot read CA certificates from \(file): \(error); give a PEM file with --ca-file")
                }
            }
            tls.additionalTrustRoots = [.certificates(roots)]
        }
        let timeout = HTTPClient.Configuration.Timeout(connect: .seconds(configuration.connectTimeout), read: .seconds(configuration.readTimeout))
        var clientConfiguration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow, timeout: timeout,
                                                           decompression: .disabled)
        clientConfiguration.httpVersion = .http1Only
        // moat retries itself (with back-off and clear errors); the pool's own retries would hide a refused TLS
        // handshake until the connect timeout.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        clientConfiguration.connectionPool.preWarmedHTTP1ConnectionCount = configuration.preWarmedConnections
        self.client = HTTPClient(eventLoopGroupProvider: .shared(RegistryEventLoop.group), configuration: clientConfiguration)
        self.proxied = ProxiedClients(configuration: clientConfiguration)
        self.configuration = configuration
        self.authenticator = RegistryAuthenticator(credentials: configuration.credentials)
    }

    func shutdown() async {
        try? await client.shutdown()
        await proxied.shutdown()
    }

    /// The client for `url`: the direct one, or the one for the proxy the environment names for it (AsyncHTTPClient
    /// sets a proxy per client, so each proxy in use gets a client of its own).
    func client(for url: String) throws -> HTTPClient {
        guard let parsed = URL(string: url) else { return client }
        let proxy: HTTPClient.Configuration.Proxy?
        do {
            proxy = try configuration.proxies.proxy(for: parsed)
        } catch {
            throw RegistryError(.unsupported, "\(error); fix or unset the proxy variable (https_proxy, http_proxy, all_proxy)")
        }
        guard let proxy else { return client }
        return proxied.client(for: proxy)
    }

    /// Sends `request` to `host`, authenticating and retrying as needed; returns a response whose status is accepted.
    /// The caller reads (or drops) the body.
    func send(_ request: RegistryRequest, host: String) async throws -> HTTPClientResponse {
        var attempt = 0
        var authenticatedOnce = false
        while true {
            attempt += 1
            let response: HTTPClientResponse
            do {
                response = try await sendFollowingRedirects(request, host: host)
            } catch let error as RegistryError {
                guard error.code == .unreachable, request.retryable, attempt < configuration.retry.attempts else { throw error }
                try await sleep(configuration.retry.backoff(after: attempt))
                continue
            }
            let status = response.status.code
            if request.accepted.contains(status) { return response }
            if status == 401, !authenticatedOnce {
                let challenges = AuthChallenge.parse(response.headers["WWW-Authenticate"])
                _ = try? await response.body.collect(upTo: 64 << 10)
                authenticatedOnce = true
                try await authenticator.authenticate(host: host, scope: request.scope, challenges: challenges, transport: self)
                continue
            }
            let retryAfter = response.headers.first(name: "Retry-After")
            let detail = await Self.errorDetail(response)
            if (status == 429 || (500...599).contains(status)) && request.retryable && attempt < configuration.retry.attempts {
                let delay = status == 429 ? (configuration.retry.delay(retryAfter: retryAfter) ?? configuration.retry.backoff(after: attempt))
                    : configuration.retry.backoff(after: attempt)
                try await sleep(delay)
                continue
            }
            throw Self.statusError(status: status, detail: detail, request: request, host: host, attempts: attempt)
        }
    }

    private func sleep(_ seconds: Double) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }

    /// One attempt: the request, then up to 5 redirects. `Authorization` goes only to the registry host itself.
    private func sendFollowingRedirects(_ request: RegistryRequest, host: String) async throws -> HTTPClientResponse {
        let known = await hosts.scheme(for: host)
        let scheme = known ?? "https"
        // An insecure registry may not speak TLS at all: its first request tries https, with a short deadline (a
        // plain-HTTP server can leave a TLS handshake hanging), then http, as docker does (`raceSchemes` tries both at
        // once where that is safe).
        let probing = known == nil && configuration.isInsecure(host)
        var url = request.target.hasPrefix("http://") || request.target.hasPrefix("https://")
            ? request.target : "\(scheme)://\(host)\(request.target)"
        var method = request.method
        var withBody = true
        for _ in 0...5 {
            guard let parsed = URL(string: url), let targetHost = parsed.host else {
                throw RegistryError(.invalidResponse, "\(host): cannot follow to malformed URL \(url.prefix(200))")
            }
            let targetAuthority = parsed.port.map { "\(targetHost):\($0)" } ?? targetHost
            let sameOrigin = targetAuthority == host || (parsed.port == nil && targetHost == host)
            var http = HTTPClientRequest(url: url)
            http.method = method
            http.headers.add(name: "User-Agent", value: configuration.userAgent)
            for (name, value) in request.headers { http.headers.add(name: name, value: value) }
            if sameOrigin, let authorization = await authenticator.authorization(host: host, scope: request.scope) {
                http.headers.add(name: "Authorization", value: authorization)
            }
            if withBody, let makeBody = request.body { http.body = makeBody() }
            if configuration.isInsecure(targetAuthority) { http.tlsConfiguration = Self.unverifiedTLS }
            let response: HTTPClientResponse
            let probingTLS = probing && sameOrigin && parsed.scheme == "https"
            var base = parsed
            do {
                if probingTLS, http.body == nil, method == .GET || method == .HEAD {
                    let plainURL = "http" + url.dropFirst("https".count)
                    let raced = try await raceSchemes(http, plainURL: plainURL, authority: targetAuthority)
                    response = raced.response
                    if raced.plain, let plain = URL(string: plainURL) { base = plain }
                    await hosts.remember(host: host, scheme: raced.plain ? "http" : "https")
                } else {
                    let seconds = probingTLS ? configuration.tlsProbeTimeout : configuration.readTimeout + configuration.connectTimeout
                    let limit: TimeAmount = .seconds(seconds)
                    response = try await client(for: url).execute(http, timeout: limit)
                    if probing && sameOrigin, let scheme = parsed.scheme { await hosts.remember(host: host, scheme: scheme) }
                }
            } catch {
                if probingTLS, !(error is RegistryError) {
                    // An insecure registry that speaks plain HTTP: remember and retry over http, as docker does.
                    await hosts.remember(host: host, scheme: "http")
                    url = "http" + url.dropFirst("https".count)
                    continue
                }
                throw Self.transportError(error, url: url, host: targetAuthority)
            }
            let status = response.status.code
            guard request.followRedirects, [301, 302, 303, 307, 308].contains(status),
                  let location = response.headers.first(name: "Location") else { return response }
            _ = try? await response.body.collect(upTo: 64 << 10)
            guard let next = URL(string: location, relativeTo: base)?.absoluteURL else {
                throw RegistryError(.invalidResponse, "\(host): redirect to malformed location \(location.prefix(200))")
            }
            if status == 303 { method = .GET; withBody = false }
            url = next.absoluteString
        }
        throw RegistryError(.invalidResponse, "\(host): more than 5 redirects for \(request.target)")
    }

    /// The first request to an insecure registry goes out over https and plain http at once; https wins whenever it
    /// works, as docker prefers it, and a registry that speaks only plain HTTP no longer waits for the failed handshake
    /// before it is asked (on a local registry that was 2 ms of a pull's 12 ms before the first layer byte). Only for
    /// a bodiless `GET` or `HEAD`: one port speaks one protocol, so the registry serves at most one of the two (a TLS
    /// server answers plain HTTP with an error), and neither carries credentials, which are sent only after a
    /// challenge, by then over the scheme that was remembered. Throws the plain attempt's error when both fail.
    private func raceSchemes(_ secure: HTTPClientRequest, plainURL: String, authority: String) async throws
        -> (response: HTTPClientResponse, plain: Bool) {
        var plain = secure
        // The TLS configuration stays: it is part of AsyncHTTPClient's connection-pool key, and every later request to
        // this host carries it, so they reuse this connection.
        plain.url = plainURL
        let plainClient = try client(for: plainURL)
        let secureClient = try client(for: secure.url)
        async let plainAttempt = plainClient.execute(plain, timeout: .seconds(configuration.readTimeout + configuration.connectTimeout))
        do {
            // Returning cancels the plain attempt; its answer, if any, is dropped unread and its connection closed.
            return (try await secureClient.execute(secure, timeout: .seconds(configuration.tlsProbeTimeout)), false)
        } catch {
            do {
                return (try await plainAttempt, true)
            } catch {
                throw Self.transportError(error, url: plainURL, host: authority)
            }
        }
    }

    /// TLS without certificate checks, only for hosts named with `--insecure-registry`.
    static var unverifiedTLS: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        // Nothing is verified, so the system's trust store need not be loaded.
        tls.trustRoots = .certificates([])
        return tls
    }

    /// Sends a request that must not carry registry credentials (token endpoints handle their own).
    func sendPlain(_ http: HTTPClientRequest) async throws -> HTTPClientResponse {
        var http = http
        http.headers.replaceOrAdd(name: "User-Agent", value: configuration.userAgent)
        if let url = URL(string: http.url), let host = url.host {
            let authority = url.port.map { "\(host):\($0)" } ?? host
            if configuration.isInsecure(authority) { http.tlsConfiguration = Self.unverifiedTLS }
        }
        do {
            return try await client(for: http.url).execute(http, timeout: .seconds(configuration.readTimeout + configuration.connectTimeout))
        } catch {
            throw Self.transportError(error, url: http.url, host: URL(string: http.url)?.host ?? http.url)
        }
    }

    static func isTLSFailure(_ error: any Error) -> Bool {
        if error is NIOSSLError { return true }
        let text = String(describing: error)
        return text.contains("SSL") || text.contains("TLS") || text.contains("handshake") || text.contains("WRONG_VERSION_NUMBER")
    }

    static func transportError(_ error: any Error, url: String, host: String) -> RegistryError {
        if let error = error as? RegistryError { return error }
        let text = String(describing: error)
        if text.contains("WRONG_VERSION_NUMBER") {
            return RegistryError(.tls, """
                \(host) does not speak TLS on this port (it looks like plain HTTP); moat never falls back to plain HTTP \
                on its own: if this registry is meant to be reached without TLS, allow it with --insecure-registry \(host)
                """)
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate") {
            return RegistryError(.tls, """
                the certificate of \(host) is not trusted (\(shortened(text))); if the registry uses a private CA pass it \
                with --ca-file, or, only for a registry you trust on a trusted network, --insecure-registry \(host)
                """)
        }
        if isTLSFailure(error) {
            return RegistryError(.tls, """
                TLS with \(host) failed (\(shortened(text))); if the registry uses a private CA pass it with --ca-file, \
                or, only for a registry you trust on a trusted network, --insecure-registry \(host)
                """)
        }
        return RegistryError(.unreachable, "cannot reach \(host) (\(url.prefix(200))): \(shortened(text))")
    }

    /// Error texts from NIO can be long and name source files; the first part says what happened.
    static func shortened(_ text: String) -> String {
        let cut = text.range(of: " at /").map { String(text[..<$0.lowerBound]) } ?? text
        return String(cut.prefix(300))
    }

    /// The registry's own explanation, from its `{"errors":[…]}` body when there is one.
    static func errorDetail(_ response: HTTPClientResponse) async -> String {
        guard let body = try? await response.body.collect(upTo: 64 << 10) else { return "" }
        let data = Data(body.readableBytesView)
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let errors = object["errors"] as? [[String: Any]], !errors.isEmpty {
            return errors.map { error in
                let code = error["code"] as? String ?? ""
                let message = error["message"] as? String ?? ""
                return [code, message].filter { !$0.isEmpty }.joined(separator: ": ")
            }.joined(separator: "; ")
        }
        let text = String(decoding: data.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F || $0 == " " } ? text : ""
    }

    static func statusError(status: UInt, detail: String, request: RegistryRequest, host: String, attempts: Int) -> RegistryError {
        let what = "\(request.method.rawValue) \(host)\(request.target.hasPrefix("/") ? request.target : "")"
        let explained = detail.isEmpty ? "" : " (\(detail))"
        switch status {
        case 401:
            return RegistryError(.unauthorized, "\(host) refused the credentials for \(what)\(explained): check the username and password, or log in again")
        case 403:
            return RegistryError(.unauthorized, "\(host) denied access for \(what)\(explained): the account lacks permission for this repository")
        case 404:
            return RegistryError(.notFound, "\(what): not found\(explained)")
        case 429, 500...599:
            return RegistryError(.unreachable, "\(what) failed with HTTP \(status)\(explained) after \(attempts) attempt\(attempts == 1 ? "" : "s")")
        default:
            return RegistryError(.rejected, "\(what) failed with HTTP \(status)\(explained)")
        }
    }
}

/// What each host has shown: the scheme it answered on (insecure registries may be plain HTTP), and whether it
/// redirects blob requests (to a CDN), in which case its blobs skip the direct path (`streamDirect`).
actor HostMemory {
    private var schemes: [String: String] = [:]
    private var redirectingBlobs: Set<String> = []

    func scheme(for host: String) -> String? {
        schemes[host]
    }

    func remember(host: String, scheme: String) {
        schemes[host] = scheme
    }

    func redirectsBlobs(_ host: String) -> Bool {
        redirectingBlobs.contains(host)
    }

    func rememberBlobRedirect(_ host: String) {
        redirectingBlobs.insert(host)
    }
}

/// One AsyncHTTPClient per proxy in use, made on first use with the transport's settings, all shut down with it.
final class ProxiedClients: @unchecked Sendable {
    // @unchecked: `clients` is guarded by `lock`.
    private let configuration: HTTPClient.Configuration
    private let lock = NSLock()
    private var clients: [HTTPClient.Configuration.Proxy: HTTPClient] = [:]

    init(configuration: HTTPClient.Configuration) {
        self.configuration = configuration
    }

    func client(for proxy: HTTPClient.Configuration.Proxy) -> HTTPClient {
        lock.withLock {
            if let existing = clients[proxy] { return existing }
            var settings = configuration
            settings.proxy = proxy
            let made = HTTPClient(eventLoopGroupProvider: .shared(RegistryEventLoop.group), configuration: settings)
            clients[proxy] = made
            return made
        }
    }

    func shutdown() async {
        let all = lock.withLock {
            defer { clients = [:] }
            return Array(clients.values)
        }
        for client in all { try? await client.shutdown() }
    }
}
