import Foundation

/// A reverse proxy on 127.0.0.1 in front of a plain-HTTP registry that injects what a real
/// registry will not do on demand: 429/5xx answers, connections dropped mid-body, a lying
/// `Content-Length`, manifests that do not match their digest, and redirects to another host.
///
/// Rules are per proxy, so per test; each applies to the first K matching requests:
///
/// ```swift
/// let registry = try await RegistryServer.start()
/// let proxy = try await FaultProxy.start(in: registry)
/// try proxy.inject(.tooManyRequests(retryAfter: 1, first: 2, path: .blobs))
/// try proxy.inject(FaultRule(.closeConnection(afterBodyBytes: 1000), method: "GET", path: .blobs, first: 1))
/// // … point the client at proxy.host …
/// #expect(proxy.requests.filter { $0.status == 429 }.count == 2)
/// await proxy.stop(); await registry.stop()
/// ```
///
/// The request log (``requests``) records method, path, status, the injected fault and whether an
/// `Authorization` header came, never its value. With `requiredCredentials` the proxy itself asks
/// for HTTP Basic (401 + `WWW-Authenticate: Basic`), so a client sends `Authorization` and a test
/// can check it is not forwarded across a ``Fault/redirectToOtherHost``.
public final class FaultProxy: Sendable {
    public let upstream: URL
    public let port: Int
    /// `127.0.0.1:PORT`.
    public var host: String { "127.0.0.1:\(port)" }
    /// `http://127.0.0.1:PORT`.
    public let baseURL: URL
    /// Where ``Fault/redirectToOtherHost`` points: `127.0.0.2:PORT` where that address can be
    /// bound (Linux), else `localhost:PORT` (another host name for the same 127.0.0.1).
    public let redirectHost: String

    private let main: LoopbackHTTPListener
    private let redirectTarget: LoopbackHTTPListener
    private let state: LockedState<FaultProxyState>
    private let client: UpstreamClient

    private init(
        upstream: URL, baseURL: URL, redirectHost: String,
        main: LoopbackHTTPListener, redirectTarget: LoopbackHTTPListener, state: LockedState<FaultProxyState>, client: UpstreamClient
    ) {
        self.client = client
        self.upstream = upstream
        self.port = main.port
        self.baseURL = baseURL
        self.redirectHost = redirectHost
        self.main = main
        self.redirectTarget = redirectTarget
        self.state = state
    }

    /// A proxy in front of `registry`, which must be a `.plain` one.
    public static func start(in registry: RegistryServer, requiredCredentials: BasicCredentials? = nil) async throws -> FaultProxy {
        guard registry.certificateAuthority == nil else {
            throw RegistryHarnessError(.network, "FaultProxy forwards plain HTTP only; start the registry with .plain")
        }
        return try await start(upstream: registry.baseURL, requiredCredentials: requiredCredentials)
    }

    /// A proxy in front of the plain-HTTP registry at `upstream` (`http://127.0.0.1:PORT`).
    public static func start(upstream: URL, requiredCredentials: BasicCredentials? = nil) async throws -> FaultProxy {
        let state = LockedState(FaultProxyState())
        let client = UpstreamClient()
        let redirectAddress = LoopbackSocket.canBind("127.0.0.2") ? "127.0.0.2" : "127.0.0.1"
        let targetResponder = FaultProxyResponder(
            role: .redirectTarget, upstream: upstream, client: client, state: state, requiredCredentials: nil
        )
        let redirectTarget: LoopbackHTTPListener
        do {
            redirectTarget = try await LoopbackHTTPListener.start(targetResponder, address: redirectAddress, name: "fault-proxy-redirect-target")
        } catch {
            await client.shutdown()
            throw error
        }
        let redirectHost = "\(redirectAddress == "127.0.0.1" ? "localhost" : redirectAddress):\(redirectTarget.port)"
        let mainResponder = FaultProxyResponder(
            role: .proxy(redirectBase: "http://\(redirectHost)"), upstream: upstream, client: client, state: state,
            requiredCredentials: requiredCredentials
        )
        let main: LoopbackHTTPListener
        do {
            main = try await LoopbackHTTPListener.start(mainResponder, name: "fault-proxy")
        } catch {
            await redirectTarget.stop()
            await client.shutdown()
            throw error
        }
        guard let baseURL = URL(string: "http://127.0.0.1:\(main.port)") else {
            await main.stop()
            await redirectTarget.stop()
            await client.shutdown()
            throw RegistryHarnessError(.network, "cannot form the proxy URL")
        }
        state.withLock { $0.proxyBase = baseURL.absoluteString }
        return FaultProxy(
            upstream: upstream, baseURL: baseURL, redirectHost: redirectHost, main: main, redirectTarget: redirectTarget, state: state, client: client
        )
    }

    /// What `skopeo` needs to go through the proxy (plain HTTP).
    public var endpoint: RegistryEndpoint {
        RegistryEndpoint(host: host, usesTLS: false, certDirectory: nil)
    }

    /// Adds a rule after the existing ones; the first rule that matches a request applies.
    public func inject(_ rule: FaultRule) throws {
        if case .regex(let pattern) = rule.path {
            do {
                _ = try NSRegularExpression(pattern: pattern)
            } catch {
                throw RegistryHarnessError(.network, "invalid path pattern \(pattern): \(error)")
            }
        }
        state.withLock { $0.rules.append(rule) }
    }

    /// Removes every rule; requests pass through untouched from now on.
    public func removeAllFaults() {
        state.withLock { $0.rules = [] }
    }

    /// Every request both listeners answered, oldest first.
    public var requests: [ProxiedRequest] {
        state.withLock { $0.log }
    }

    public func clearRequests() {
        state.withLock { $0.log = [] }
    }

    public func stop() async {
        await main.stop()
        await redirectTarget.stop()
        await client.shutdown()
    }
}

/// Rules and log shared by the proxy's two listeners.
struct FaultProxyState {
    var rules: [FaultRule] = []
    var log: [ProxiedRequest] = []
    /// The proxy's own base URL, to rewrite upstream `Location` headers to.
    var proxyBase = ""

    /// The fault for this request, counting it against its rule.
    mutating func takeFault(method: String, path: String) -> Fault? {
        guard let index = rules.firstIndex(where: { $0.applies(method: method, path: path) }) else { return nil }
        if let count = rules[index].count {
            rules[index].count = count - 1
        }
        return rules[index].fault
    }
}
