/// Sources tried in order; the first that has a credential answers. moat's order is: explicit flags,
/// then a pull secret, then Docker's config.json (`CredentialChain([flags, pullSecret, dockerConfig])`).
///
/// A source that throws stops the chain: a broken config.json is reported rather than silently skipped.
public struct CredentialChain: CredentialSource {
    /// The sources, in the order they are asked.
    public let sources: [any CredentialSource]

    /// A chain asking `sources` in order.
    public init(_ sources: [any CredentialSource]) {
        self.sources = sources
    }

    public func credential(forRegistry host: String) throws -> RegistryCredential? {
        for source in sources {
            if let credential = try source.credential(forRegistry: host) { return credential }
        }
        return nil
    }

    public func credentials(forRegistry host: String, repository: String) throws -> [RegistryCredential] {
        for source in sources {
            let found = try source.credentials(forRegistry: host, repository: repository)
            if !found.isEmpty { return found }
        }
        return []
    }

    /// The source that answers for `host`, to tell people where a credential came from.
    public func source(forRegistry host: String) throws -> (any CredentialSource)? {
        for source in sources where try source.credential(forRegistry: host) != nil { return source }
        return nil
    }

    public var description: String {
        sources.isEmpty ? "no credential sources" : sources.map(\.description).joined(separator: ", then ")
    }
}
