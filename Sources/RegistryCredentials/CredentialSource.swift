public import OCIModel

/// Somewhere credentials for registries come from: command-line flags, a pull secret, Docker's config.json,
/// or a chain of those.
///
/// `description` says where, for people: `~/.docker/config.json`, `pull secret default/regcred (secret.yaml)`,
/// so a caller can write "no credentials for 127.0.0.1:5000 in ~/.docker/config.json".
public protocol CredentialSource: Sendable, CustomStringConvertible {
    /// The credential for `host` (as in an image reference: `docker.io`, `ghcr.io`, `127.0.0.1:5000`),
    /// or nil when this source has none. Throws `CredentialError` when the source itself is broken
    /// (malformed file, failing credential helper).
    func credential(forRegistry host: String) throws -> RegistryCredential?

    /// Every credential that may apply to one repository, best first. Kubernetes tries them in this order
    /// until a pull succeeds. The default asks `credential(forRegistry:)`; pull secrets match the path too.
    ///
    /// - Parameters:
    ///   - host: The registry host, e.g. `ghcr.io`.
    ///   - repository: The repository path without host, tag or digest, e.g. `org/app` or `library/nginx`.
    func credentials(forRegistry host: String, repository: String) throws -> [RegistryCredential]
}

// MARK: - Default implementations

extension CredentialSource {
    public func credentials(forRegistry host: String, repository: String) throws -> [RegistryCredential] {
        try credential(forRegistry: host).map { [$0] } ?? []
    }
}

// MARK: - API

extension CredentialSource {
    /// The candidates for a parsed image reference (its domain and path).
    public func credentials(for image: ImageReference) throws -> [RegistryCredential] {
        try credentials(forRegistry: image.domain, repository: image.path)
    }
}
