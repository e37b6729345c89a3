public import HTTPProxy
public import RegistryCredentials

/// How moat talks to registries: trust, credentials, retries and time limits.
public struct RegistryConfiguration: Sendable {
    /// Hosts (`host` or `host:port`) that may be reached over plain HTTP or with unverified TLS. Only by explicit choice.
    public var insecureRegistries: Set<String>
    /// PEM files of extra CAs trusted on top of the system store (private registries).
    public var caFiles: [String]
    /// Where credentials come from, tried in order.
    public var credentials: any CredentialSource
    public var retry: RetryPolicy
    /// Seconds to wait for a connection.
    public var connectTimeout: Int64
    /// Seconds without any byte before a request is abandoned (and retried).
    public var readTimeout: Int64
    /// Seconds the https attempt of an insecure registry's first request may take (a plain-HTTP server can leave a TLS
    /// handshake hanging) before its plain http answer is used.
    public var tlsProbeTimeout: Int64 = 3
    /// Idle connections kept ready to each host beyond those in use (AsyncHTTPClient's pre-warming): right after the
    /// manifest, the config and the first layer are requested together, and the second of them then finds a connection
    /// open instead of paying a TCP (and TLS) handshake, one or two round trips to a distant registry.
    public var preWarmedConnections = 1
    public var userAgent: String
    /// Blobs larger than this are uploaded in chunks of `uploadChunkSize`; smaller ones in one `PUT`.
    public var chunkedUploadThreshold: Int64 = 64 << 20
    public var uploadChunkSize: Int = 16 << 20
    /// The proxy each request goes through: `https_proxy`, `http_proxy`, `all_proxy` and `no_proxy` from the
    /// environment, as docker and curl read them.
    public var proxies = ProxyEnvironment()

    public init(insecureRegistries: Set<String> = [], caFiles: [String] = [], credentials: any CredentialSource = CredentialChain([]),
                retry: RetryPolicy = RetryPolicy(), connectTimeout: Int64 = 15, readTimeout: Int64 = 60, userAgent: String = "moat") {
        self.insecureRegistries = insecureRegistries
        self.caFiles = caFiles
        self.credentials = credentials
        self.retry = retry
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.userAgent = userAgent
    }

    /// Whether `host` was named insecure, by `host:port` or by the bare host.
    public func isInsecure(_ host: String) -> Bool {
        if insecureRegistries.contains(host) { return true }
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") {
            return insecureRegistries.contains(String(host[..<colon]))
        }
        return false
    }
}

/// A repository on a registry: what every API path and token scope is built from.
public struct Repository: Sendable, Hashable, CustomStringConvertible {
    /// The registry as written in references (`docker.io`, `127.0.0.1:5000`).
    public var registry: String
    /// The repository path without the host (`library/alpine`).
    public var path: String

    public init(registry: String, path: String) {
        self.registry = registry
        self.path = path
    }

    /// The host the API is served from: Docker Hub's API lives on `registry-1.docker.io`.
    public var apiHost: String { registry == "docker.io" ? "registry-1.docker.io" : registry }

    public var description: String { registry + "/" + path }
}
