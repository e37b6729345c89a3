/// How a client reaches a registry: what `skopeo` needs to talk to a ``RegistryServer`` or a
/// ``FaultProxy``.
public struct RegistryEndpoint: Sendable, Hashable {
    /// `127.0.0.1:PORT`, the registry part of an image reference.
    public let host: String
    /// Whether the endpoint speaks HTTPS (with the test CA) rather than plain HTTP.
    public let usesTLS: Bool
    /// A directory holding `ca.crt`, for `skopeo --cert-dir`; nil for plain HTTP.
    public let certDirectory: String?

    public init(host: String, usesTLS: Bool, certDirectory: String?) {
        self.host = host
        self.usesTLS = usesTLS
        self.certDirectory = certDirectory
    }

    /// `docker://HOST/repository:tag` or `docker://HOST/repository@digest`.
    public func reference(_ repository: String, _ tagOrDigest: String = "latest") -> String {
        let separator = tagOrDigest.contains(":") ? "@" : ":"
        return "docker://\(host)/\(repository)\(separator)\(tagOrDigest)"
    }
}
