/// What trying a credential against its registry showed.
public enum ProbeResult: Sendable, Equatable {
    /// The registry accepted the credential (or, with no credential, allowed anonymous access).
    case works
    /// The registry answered and refused it (401/403, token endpoint refusal). The reason is for people.
    case rejected(reason: String)
    /// The registry could not be asked: DNS, TLS, connection, timeout, unexpected answers.
    case unreachable(reason: String)
}

/// Checks one credential against one registry, for `moat secret check`. The registry client implements it
/// (an authenticated `GET /v2/`, following the token flow); tests use fakes.
///
/// Implementations must not log or return the secret; `reason` texts are printed as they are.
public protocol CredentialProbe: Sendable {
    /// - Parameters:
    ///   - registry: A host as in an image reference (`docker.io`, `ghcr.io`, `127.0.0.1:5000`).
    ///   - credential: What to present, or nil to test anonymous access.
    func probe(registry: String, credential: RegistryCredential?) async -> ProbeResult
}
