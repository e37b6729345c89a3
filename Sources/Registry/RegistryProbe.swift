public import RegistryCredentials

/// Tries one credential against its registry with an authenticated `GET /v2/` (the token flow included), for
/// `moat secret check`. Nothing about the credential appears in the result.
public struct RegistryProbe: CredentialProbe {
    public var configuration: RegistryConfiguration

    /// `configuration` supplies TLS and retry settings; its credentials are replaced by the one being probed.
    public init(configuration: RegistryConfiguration) {
        self.configuration = configuration
    }

    public func probe(registry: String, credential: RegistryCredential?) async -> ProbeResult {
        var settings = configuration
        settings.credentials = credential.map { StaticCredentials($0, registry: nil, label: "the secret's entry for \(registry)") }
            ?? CredentialChain([])
        settings.retry = RetryPolicy(attempts: 2)
        let client: RegistryClient
        do {
            client = try RegistryClient(configuration: settings)
        } catch {
            return .unreachable(reason: "\(error)")
        }
        do {
            try await client.ping(registry: registry)
            await client.shutdown()
            return .works
        } catch let error as RegistryError {
            await client.shutdown()
            switch error.code {
            case .unauthorized: return .rejected(reason: error.message)
            default: return .unreachable(reason: error.message)
            }
        } catch {
            await client.shutdown()
            return .unreachable(reason: "\(error)")
        }
    }
}
